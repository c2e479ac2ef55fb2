"""Bearing settings, every one from the environment (see .env.example).

Two modes: development (BEARING_DEV=1, set by `bearing demo` and the test suite) keeps a generated
secret key and an SQLite database under BEARING_DATA_DIR and says so; production (the default)
refuses to start without SECRET_KEY and DATABASE_URL.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bearing.config.env import env_bool, env_float, env_int, env_list, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("BEARING_DATA_DIR", str(Path.cwd() / "var"))).resolve()
IS_DEV = env_bool("BEARING_DEV", False)
DEBUG = env_bool("DEBUG", False)


def _dev_secret_key() -> str:
    """Generate once and keep a local key for development; announce it on stderr."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
        sys.stderr.write(f"bearing: development mode, generated a secret key in {path}\n")
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_secret("SECRET_KEY") or (_dev_secret_key() if IS_DEV else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE), or BEARING_DEV=1 for a "
        "local development key."
    )

_database_url = env_secret("DATABASE_URL")
if not _database_url:
    if not IS_DEV:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set. Set it (postgres://user:pass@host/db or sqlite:////path), "
            "or BEARING_DEV=1 for the embedded SQLite database."
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _database_url = f"sqlite:///{DATA_DIR / 'bearing.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the planning worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if IS_DEV else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Planning constants
HOURS_PER_FTE_QUARTER = env_float("BEARING_HOURS_PER_FTE_QUARTER", 390.0)
# Solver threads per plan run. 1: the same scenario gives the same plan every time (the time limit
# is a work budget). More: that many search steps side by side on the wall clock, for a worker
# host with that many cores to spare; better plans in the same time, not reproducible.
PLAN_WORKERS = env_int("BEARING_PLAN_WORKERS", 1, minimum=1)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "bearing.core",
    "bearing.strategy",
    "bearing.capacity",
    "bearing.demand",
    "bearing.planning",
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
    "django_htmx.middleware.HtmxMiddleware",
    "bearing.core.middleware.CurrentOrganisationMiddleware",
]

ROOT_URLCONF = "bearing.config.urls"
WSGI_APPLICATION = "bearing.config.wsgi.application"

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
                "bearing.core.context_processors.organisation",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("plotly", Path(__import__("importlib.util").util.find_spec("plotly").origin).parent / "package_data")]  # plotly.min.js from the wheel, no CDN
STATIC_ROOT = DATA_DIR / "staticfiles"
if IS_DEV:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if IS_DEV
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not IS_DEV)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not IS_DEV)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {"TITLE": "Bearing API", "VERSION": "1"}

TASKS = {
    "default": {
        "BACKEND": env_str("BEARING_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# In development whitenoise serves static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = IS_DEV or DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
