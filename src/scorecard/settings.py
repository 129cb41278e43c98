"""The one settings file: every deployment difference comes from the environment.

See ``scorecard.config`` for the readers and README.md for the variables.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_noto_sans_khmer
from django.utils.translation import gettext_lazy as _

from scorecard.config import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("SCORECARD_VAR_DIR") or Path.cwd() / "var").resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
DATABASES = {"default": env_database("DATABASE_URL", VAR_DIR / "scorecard.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "scorecard.places",
    "scorecard.accounts",
    "scorecard.programmes",
    "scorecard.scorecards",
    "scorecard.reports",
    "scorecard.events",
    "scorecard.quality",
    "scorecard.plans",
    "scorecard.logframe",
    "scorecard.meetings",
    "scorecard.needs",
    "scorecard.audit",
    "scorecard.public",
    "scorecard.ops",
    "scorecard.api",
    "scorecard.notify",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "scorecard.public.middleware.PublicLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "scorecard.urls"
WSGI_APPLICATION = "scorecard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "scorecard.public.context.site",
            ],
            "builtins": ["scorecard.public.templatetags.khmer"],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("SCORECARD_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("SCORECARD_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

# Khmer first: the public side speaks Khmer unless the visitor picks English.
LANGUAGE_CODE = "km"
LANGUAGES = [("km", _("Khmer")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "scorecard_language"
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Phnom_Penh")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The Khmer font ships with the app (a PyPI package), so no page depends on system fonts.
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("fonts", fontpkg_noto_sans_khmer.ROOT / "files")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root: served through access-checked views
MEDIA_URL = "/media/"
FONT_FILE = next((fontpkg_noto_sans_khmer.ROOT / "files").glob("*.ttf"))

TASKS = {
    "default": {
        "BACKEND": env_str("SCORECARD_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# One cache shared by every gunicorn worker, the task worker and (on PostgreSQL) every app
# server: API rate limits and the subscription limit count in it, so a per-process memory
# cache would let each worker count alone. Redis when REDIS_URL is set; else a table in
# the database (created by the migration api/0002 and by `serve`).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }
    if env_str("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "scorecard_cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("HTTPS", False)
SECURE_HSTS_SECONDS = 31536000 if env_bool("HTTPS", False) else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HTTPS", False)
SECURE_HSTS_PRELOAD = env_bool("HTTPS", False)  # `check --deploy` clean (tests/test_security.py)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The product's own settings.
SCORECARD = {
    "MIN_CELL_SIZE": env_int("SCORECARD_MIN_CELL", 5, minimum=1),
    "YOUTH_AGES": (15, 30),  # National Policy on Cambodian Youth Development, 2011
    "UN_YOUTH_AGES": (15, 24),
    "SITE_NAME": env_str("SCORECARD_SITE_NAME", "Citizen Scorecard"),
}

# Outgoing e-mail (notifications). Without EMAIL_HOST, messages are printed to the log
# so a fresh install never fails to send; set EMAIL_HOST to deliver them.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "scorecard@localhost")
