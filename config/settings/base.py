"""Settings shared by every environment; each value can come from the environment."""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    """Read a boolean from the environment ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    """Read a comma-separated list from the environment."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def require_env(name):
    """Return an environment variable, or refuse to start without it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # django-axes, under a Chinese name (its strings are in locale/zh_Hans).
    "staff.axes_config.AxesConfig",
    "simple_history",
    "procedures",
    "wizard",
    "staff",
]

MIDDLEWARE = [
    # Outermost: every response, error pages and the 503 page included, gets the policy.
    "config.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Desk pages (/staff/...) are never stored: the counter PC is shared.
    "staff.middleware.NoStoreMiddleware",
    # Outside the session: a session that cannot be loaded or saved is a 503 as well.
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who changed a region, rule or office in the admin, for their history (an inline's rows too).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a polite page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:desk"
LOGOUT_REDIRECT_URL = "staff:login"

# Lock a username on one address out for an hour after five failed logins.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "staff.client_ip.client_ip"
# Proxies in front of the app that append to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# A desk session ends at browser close and, at the latest, this long after the desk was first opened in it
# (a working day); the rest of the site keeps Django's defaults.
STAFF_SESSION_SECONDS = int(os.environ.get("STAFF_SESSION_SECONDS", str(10 * 60 * 60)))
# How long after collection the optional name and phone number are kept.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "30"))
# Look-ups by reference code: at most this many per member of staff (or address) a minute.
LOOKUP_RATE_LIMIT_PER_MINUTE = int(os.environ.get("LOOKUP_RATE_LIMIT_PER_MINUTE", "30"))

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staff.context_processors.desk_nav",
            ],
        },
    },
    {
        # The wizard's pages, the ones every applicant goes through, render with Jinja2 (a step in about
        # half the time the Django engine took; see config/jinja2.py). Chosen by name (using="jinja2").
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": ["django.contrib.messages.context_processors.messages"],
        },
    },
]


WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # Drop a persistent connection that broke (the database restarted) instead of failing on it.
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        # Write-ahead logging: readers no longer wait for a writer, and a commit syncs one file, not
        # two (every wizard page sent writes the session). Durability is unchanged (synchronous=FULL).
        # IMMEDIATE: a writing transaction takes the lock when it starts, so concurrent writers wait
        # (up to the timeout) instead of failing with "database is locked" halfway through.
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    })

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# One language, whatever the browser asks for: the content exists only in Chinese, and the admin and the
# desk mixed English into Chinese pages when Accept-Language preferred English (so no LocaleMiddleware).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes (and nginx serves /static/ from, when it is in front).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A procedure draft's admin page posts every part as an inline (about 1,100 fields for a cross-region
# renewal); Django's default of 1,000 turned "save" into a 400. Still a cap against floods.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Everything comes from the site itself (no CDN: the product is used in mainland China);
# no inline script or style anywhere, so no 'unsafe-inline' and no 'unsafe-eval'.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
# Per path prefix, a policy replacing the one above. Django's own admin runs under the strict
# policy (checked in tests/browser/test_csp.py). The one exception is ours: the condition box
# in procedures/admin_forms.py sets a monospace font in a style attribute. Allow exactly that value,
# by hash, on style attributes, in the admin only; drop this once the rule moves into a stylesheet.
CONTENT_SECURITY_POLICY_PREFIXES = {
    "/admin/": {
        **CONTENT_SECURITY_POLICY,
        # sha256 of "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;"
        "style-src-attr": ["'unsafe-hashes'", "'sha256-2CFKUKBFzSRywOOK2GJpxxz+zMm/OTHNkTCCy6kSeL8='"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Seconds a client is asked to wait (Retry-After) while the database is unreachable.
DATABASE_UNAVAILABLE_RETRY_AFTER = 30

# REDIS_URL unset: one machine on its own. The cache is per process: content caches are checked
# against stamps in the database, and the look-up rate limit (django-ratelimit, used as a library)
# counts per worker process. Sessions are files in SESSION_FILE_PATH, which every worker of the
# machine shares: a wizard page reads one small file and a sent page replaces it, where a database
# session cost a query and a synced commit, and, on SQLite, waited for the one write lock that plans
# and cases need (measured on this code: load 1.6 -> 0.4 ms, load and save 10.6 -> 2.1 ms).
# REDIS_URL set (redis://host:6379/0): several instances behind one address share one Redis for the
# cache, the rate limits and the sessions' cached copies (the database keeps the sessions themselves,
# so a Redis restart signs nobody out). django_ratelimit is then installed as an app too, so that
# its system checks confirm the cache is shared and increments atomically.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Instances of one site share the keys; another site on the same Redis sets its own prefix.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sfz"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    INSTALLED_APPS.append("django_ratelimit")
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.file"
    SESSION_FILE_PATH = os.environ.get("SESSION_FILE_PATH", "").strip() or str(BASE_DIR / "var" / "sessions")
    os.makedirs(SESSION_FILE_PATH, mode=0o700, exist_ok=True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = "ratelimit:"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
