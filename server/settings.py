"""Django settings for kaohe.

The database is a round file (SQLite, the default: one file the office can copy and archive) or a PostgreSQL
server for an office with several clerks, chosen by KAOHE_DATABASE: a path or a database URL.
"""
from __future__ import annotations

import os

import dj_database_url

from kaohe.round.database import database_settings

SECRET_KEY = os.environ.get("KAOHE_SECRET_KEY", "kaohe-command-line-only-not-for-a-server")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "kaohe.round",
]

DATABASES = {"default": database_settings(os.environ.get("KAOHE_DATABASE", "kaohe.sqlite3"), dj_database_url.parse)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
