"""Django settings, read from the environment through :mod:`alur.config.env`.

The README's configuration table lists every variable. Nothing here should need editing for a
deployment: set the environment instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from alur.config.env import ConfigError, load_config

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent

try:
    CONFIG = load_config(os.environ, base_dir=BASE_DIR)
except ConfigError as error:
    raise ImproperlyConfigured(str(error)) from None

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins
ALUR_DATA_DIR = CONFIG.data_dir
WAREHOUSE_URL = CONFIG.warehouse_url
# Imports: the largest upload, and how far an XLSX workbook may unpack (a zip bomb stops with a sentence).
ALUR_IMPORT_MAX_BYTES = 2 * 1024**3
ALUR_XLSX_MAX_BYTES = 512 * 1024**2
ALUR_XLSX_MAX_ROWS = 5_000_000

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "alur.core",
    "alur.accounts",
    "alur.strategy",
    "alur.campaigns",
    "alur.content",
    "alur.publishing",
    "alur.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alur.core.middleware.ContentSecurityPolicyMiddleware",
    "alur.core.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alur.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alur.config.urls"
WSGI_APPLICATION = "alur.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alur.config.context_processors.shell",
            ],
        },
    },
]

_db = CONFIG.database
if _db.is_sqlite:
    if _db.name != ":memory:":
        Path(_db.name).parent.mkdir(parents=True, exist_ok=True)
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": _db.engine,
            "NAME": _db.name,
            "OPTIONS": {
                # WAL lets the web app read while the worker writes; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": _db.engine,
            "NAME": _db.name,
            "USER": _db.user,
            "PASSWORD": _db.password,
            "HOST": _db.host,
            "PORT": _db.port,
            "OPTIONS": dict(_db.options),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:start"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: lock an email + address pair after repeated failures, for an hour.
AXES_FAILURE_LIMIT = CONFIG.axes_failure_limit
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Failures and locks count per normalised address, exactly as sign-in finds the account (any capitals).
AXES_USERNAME_CALLABLE = "alur.accounts.signin.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = CONFIG.language
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = CONFIG.time_zone

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.data_dir / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing, even if unused
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded media: the file system under MEDIA_ROOT by default, an S3-compatible bucket with
# ALUR_MEDIA_STORAGE=s3 (see alur.config.env.parse_media).
STORAGES: dict[str, dict[str, Any]] = {
    "default": CONFIG.media.storage_setting(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come straight from the packages: no collectstatic step is needed to run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = CONFIG.data_dir / "media"
# Files under MEDIA_URL are served by alur.content.views.media.media_file to members of the file's
# workspace only (never as an open directory); with S3 it sends the browser on to the storage's URL.
MEDIA_URL = "/media/"
ALUR_MEDIA_MAX_IMAGE_BYTES = CONFIG.media.max_image_bytes
ALUR_MEDIA_MAX_VIDEO_BYTES = CONFIG.media.max_video_bytes
# Where browsers load media from when it is not this site (the bucket or its CDN); the Content
# Security Policy's img-src and media-src must allow these.
ALUR_MEDIA_ORIGINS = CONFIG.media.s3.origins() if CONFIG.media.s3 is not None else []

EMAIL_BACKEND = CONFIG.email.backend
EMAIL_HOST = CONFIG.email.host
EMAIL_PORT = CONFIG.email.port
EMAIL_HOST_USER = CONFIG.email.user
EMAIL_HOST_PASSWORD = CONFIG.email.password
EMAIL_USE_TLS = CONFIG.email.use_tls
EMAIL_USE_SSL = CONFIG.email.use_ssl
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = CONFIG.email.default_from
SERVER_EMAIL = CONFIG.email.default_from

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CONFIG.secure_cookies
CSRF_COOKIE_SECURE = CONFIG.secure_cookies
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_NAME = "alur_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr, "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# Alur's own knobs.
ALUR_INVITATION_DAYS = 14
ALUR_PAGE_SIZE = 50
ALUR_BASE_URL = CONFIG.base_url
ALUR_CREDENTIALS_KEYS = CONFIG.publishing.credentials_keys
ALUR_PUBLISH_LATE_WINDOW_MINUTES = CONFIG.publishing.late_window_minutes
ALUR_PUBLISH_MAX_ATTEMPTS = CONFIG.publishing.max_attempts
ALUR_PUBLISH_LEASE_SECONDS = CONFIG.publishing.lease_seconds
ALUR_TOKEN_WARNING_DAYS = CONFIG.publishing.token_warning_days
ALUR_PUBLISH_BACKOFF_SECONDS = CONFIG.publishing.backoff_seconds
