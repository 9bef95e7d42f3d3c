"""Settings for Margin Academy, driven by environment variables with safe defaults.

Variables (see the README): DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable strictly: a typo is an error, not a silent False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, not {raw!r}"
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


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
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    # django-ninja: its API docs page loads Swagger UI from our static files (no CDN)
    "ninja",
    # Ours, from the site shell down to the shared vocabulary (the engine, margin/, is no app).
    "academy",
    "accounts",
    "lessons",
    "simulator",
    "tools",
    "api",
    "quiz",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so the request guard's refusals carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Refuses oversized bodies, stray file parts and non-UTF-8 forms before any parsing.
    "academy.request_guard.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Per-client limits on Monte Carlo, the API, sign-in, sign-up and reset (429, Retry-After).
    "academy.ratelimits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each admin edit in the lessons' history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "academy.urls"

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
                "academy.context_processors.navigation",
                "academy.context_processors.csrf_hole",
            ],
        },
    },
]

WSGI_APPLICATION = "academy.wsgi.application"

# SQLite by default, in var/ so a checkout stays clean; PostgreSQL when DATABASE_URL names one.
SQLITE_PATH = BASE_DIR / "var" / "academy.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    # Connections stay open across requests as with PostgreSQL: opening one (and running the
    # PRAGMAs below) cost about 0.8 ms, a quarter of a lesson page's time (README: Performance).
    # Concurrent web use: readers never block the writer (WAL), writers wait instead of failing
    # (busy timeout), and a write transaction takes its lock up front (IMMEDIATE) so two requests
    # cannot both read then deadlock on upgrading to write ("database is locked").
    # Durability: synchronous=FULL syncs the write-ahead log at every commit, so an answer the
    # learner was told is saved survives a power loss or an OS crash too; NORMAL (faster
    # commits) survives process kills only, and may drop the last commits on power loss.
    SQLITE_SYNCHRONOUS = os.environ.get("DJANGO_SQLITE_SYNCHRONOUS", "FULL").strip().upper()
    if SQLITE_SYNCHRONOUS not in ("FULL", "NORMAL"):
        raise ImproperlyConfigured(
            f"DJANGO_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not {SQLITE_SYNCHRONOUS!r}"
        )
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS}; "
            "PRAGMA busy_timeout=20000;"
        ),
    }

# Several app servers share one cache and one session store through Redis when REDIS_URL is set;
# otherwise each process keeps a local memory cache and sessions live in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "academy",
        }
    }
    # Cached reads, durable writes: a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and upgraded passwords are hashed with it; the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files from collectstatic's manifest (far-future caching);
# debug runs and the test suite read static/ directly and need no collectstatic.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
# After signing in without a `next`, a learner lands on their progress (now including what they
# did before signing in) and the suggested next step.
LOGIN_REDIRECT_URL = "me:progress"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # Refuses further logins for a username + address after too many failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out username + address may try again after 15 minutes
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address (lockouts and rate limits, academy.client_ip) is REMOTE_ADDR unless a
# trusted proxy sets X-Forwarded-For. Behind DJANGO_TRUSTED_PROXIES proxies (1 by default: the
# TLS proxy), the client is the entry the outermost of them appended, counted from the right:
# entries further left are whatever the client sent and are ignored, else anyone could pick an
# address per request and never be locked out. django-ipware counts the proxies *after* the
# client in the header (the last proxy is REMOTE_ADDR, not in it), hence the -1; not strict, so
# a client-supplied X-Forwarded-For cannot push the request back onto the proxy's address.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", default=False)
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 1) if BEHIND_TLS_PROXY else 0
if BEHIND_TLS_PROXY and TRUSTED_PROXIES < 1:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXIES must be 1 or more behind a proxy.")
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_TLS_PROXY else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES - 1 if BEHIND_TLS_PROXY else None
IPWARE_STRICT = False

# Rate limits (academy.ratelimits; README: Rate limits): requests per client address, counted
# in the cache (shared through Redis when REDIS_URL is set, else per process). "N/s", "N/m",
# "N/h" or "N/d"; an empty value turns that limit off. If the cache is unreachable, requests
# pass (the sign-in lockout still holds).
RATE_LIMITS = {
    "monte-carlo": os.environ.get("DJANGO_RATE_LIMIT_MONTE_CARLO", "20/m"),
    "api": os.environ.get("DJANGO_RATE_LIMIT_API", "300/m"),
    "login": os.environ.get("DJANGO_RATE_LIMIT_LOGIN", "20/m"),
    "signup": os.environ.get("DJANGO_RATE_LIMIT_SIGNUP", "10/h"),
    "password-reset": os.environ.get("DJANGO_RATE_LIMIT_PASSWORD_RESET", "10/h"),
    "password-reset-email": os.environ.get("DJANGO_RATE_LIMIT_PASSWORD_RESET_EMAIL", "3/h"),
}
for _name, _rate in RATE_LIMITS.items():
    if _rate and not re.fullmatch(r"\d+/\d*[smhd]", _rate.strip()):
        raise ImproperlyConfigured(f"Rate limit {_name} must look like 20/m, not {_rate!r}")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True

# E-mail (password resets): sent by SMTP when DJANGO_EMAIL_HOST names a server. Without one, a
# debug run prints mails to the console; production drops them with a warning that names no
# recipient and no link (a reset link in a log is a key to the account for whoever reads logs),
# and `check --deploy` warns (academy.checks).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "academy.mail.DroppedMailBackend"
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Margin Academy <noreply@localhost>"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Security. Production (debug off) is strict by default; each knob has an environment variable
# so an unusual deployment can relax it knowingly. `manage.py check --deploy` passes with defaults.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# Trust X-Forwarded-Proto only behind a TLS-terminating proxy; otherwise clients could spoof it.
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# htmx sends the token from the page (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Requests larger than this are refused before a view sees them (the JSON API's bodies are small),
# by their Content-Length and whatever their type (academy.request_guard: Django's own check
# skips file parts). Files are accepted only by the admin's import views, up to their own limit,
# and kept in memory there (no temporary files).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_MAX_BODY_BYTES", 1_048_576)
UPLOAD_VIEWS = frozenset(
    {
        "admin:lessons_lesson_import",
        "admin:quiz_question_import",
        # Candles to replay (simulator/events.py checks their own, smaller limit beside the field).
        "simulator:events_upload",
        "admin:simulator_savedevent_add",
        "admin:simulator_savedevent_change",
    }
)
UPLOAD_MAX_BYTES = env_int("DJANGO_MAX_UPLOAD_BYTES", 5 * 1_048_576)
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES

# Content Security Policy (django-csp): no inline or eval'd script anywhere on the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline style attributes (progress bars, chart sizes) are allowed; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
