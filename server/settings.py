"""Django settings for kaohe: the round record (kaohe.round) and the web application (kaohe.web).

The database is a round file (SQLite, the default: one file the office can copy and archive) or a PostgreSQL
server for an office with several clerks, chosen by KAOHE_DATABASE: a path or a database URL.

Environment, as `kaohe serve` sets it (see web/serving.py):
  KAOHE_SECRET_KEY      the key that signs sessions and CSRF tokens; `kaohe serve` reads it from the environment or
                        from a file beside the database that it creates on first start. The command line alone
                        (kaohe round …, kaohe users …) signs nothing and runs without one.
  KAOHE_PRIVATE_DIR     where uploads wait between the self-check and 报送: never served.
  KAOHE_ALLOWED_HOSTS   comma-separated host names the server answers to (default: localhost, 127.0.0.1).
  KAOHE_SECURE_COOKIES  1 behind HTTPS: session and CSRF cookies are then sent over HTTPS only.
"""
from __future__ import annotations

import datetime as dt
import os

import dj_database_url

from kaohe.round.database import database_settings
from kaohe.web.paths import private_dir

# Never used by `kaohe serve`, which refuses to start without a real key (web/serving.py).
COMMAND_LINE_KEY = "kaohe-command-line-only-not-for-a-server"
SECRET_KEY = os.environ.get("KAOHE_SECRET_KEY") or COMMAND_LINE_KEY
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("KAOHE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
                 if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "kaohe.round",
    "kaohe.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "kaohe.server.urls"
WSGI_APPLICATION = "kaohe.server.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "kaohe.web.context_processors.round_closed",
    ]},
}]

DATABASES = {"default": database_settings(os.environ.get("KAOHE_DATABASE", "kaohe.sqlite3"), dj_database_url.parse)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- logins --------------------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Five failed logins for the same user name from the same address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
AXES_SENSITIVE_PARAMETERS = ["password"]

SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS (a reverse proxy or the data centre's gateway) set KAOHE_SECURE_COOKIES=1: the cookies then never
# travel over plain HTTP. An intranet server reached by plain HTTP must leave it unset, or nobody can log in.
SECURE_COOKIES = os.environ.get("KAOHE_SECURE_COOKIES", "") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("KAOHE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- uploads and files -----------------------------------------------------------------------------------------

UPLOAD_LIMIT = 20 * 1024 * 1024  # one filled workbook or YAML/JSON file
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_LIMIT + 1024 * 1024  # the whole request body, the file's form fields included
# A department's item form has a few fields per unit: 3,000 units stay within this (Django's 1,000 would not)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 25_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads are spooled to a temporary file, not held in memory
FILE_UPLOAD_PERMISSIONS = 0o600


PRIVATE_DIR = private_dir(os.environ.get("KAOHE_DATABASE", "kaohe.sqlite3"))  # never served

STATIC_URL = "static/"
STATIC_ROOT = None  # WhiteNoise serves each app's static/ folder directly (WHITENOISE_USE_FINDERS)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # Errors with their traceback (never a form's fields: Django does not log them); refused requests (403, 404)
        # are the pages' business, not the log's. django-axes logs a locked-out user name and address, no password.
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
