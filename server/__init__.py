"""The Django project around the round record: settings now, the web application's URLs and WSGI next."""
