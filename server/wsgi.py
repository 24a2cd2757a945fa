"""The WSGI application `kaohe serve` runs under waitress (any WSGI server can run it the same way)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.server.settings")

application = get_wsgi_application()
