"""Newsroom settings: one module, read from the environment (and an optional .env file).

Every variable is documented in .env.example. Nothing insecure is a default: DEBUG is
off unless asked for, and a missing SECRET_KEY stops every process with one line.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp import constants as csp

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make run` writes the development settings to .env, so every `manage.py` command finds them.
# ENV_FILE names another file (tests point it at /dev/null to see a bare environment).
environ.Env.read_env(env.path("ENV_FILE", default=BASE_DIR / ".env"))


def required(name):
    """A setting production cannot run without: when it is missing, say so in one line."""
    value = env(name, default="")
    if not value:
        raise SystemExit(
            f"{name} is not set. Set it in the environment or in .env (see .env.example); "
            "for development, `make run` writes one for you."
        )
    return value


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = required("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "newsroom.admin.NewsroomAdminConfig",  # The admin, landing reporters on their stories.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",  # Its widget templates, for FORM_RENDERER below.
    "taggit",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
    "library",
    "frontpage",
]

MIDDLEWARE = [
    "newsroom.middleware.RefuseUnknownHostsMiddleware",  # First: everything below reads Host.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "newsroom.middleware.PermissionsPolicyMiddleware",
    "newsroom.middleware.RefuseMalformedRequestsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.caching.ReaderPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # Turns a lockout into the 429 page.
    "newsroom.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
CSRF_FAILURE_VIEW = "newsroom.errors.csrf_failure"

TEMPLATES = [
    # Reader pages (templates/jinja2/, newsroom/jinja2.py): several times faster to render.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja2.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.masthead",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# Widgets render through TEMPLATES like any page, so ours live in templates/ (the body editor).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "newsroom.wsgi.application"

# SQLite is the embedded default. WAL lets readers run beside a writer, the busy timeout
# waits for a lock instead of failing, and IMMEDIATE transactions take the write lock up
# front so that concurrent writers queue instead of dying with "database is locked".
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file as production does: an in-memory database shares one cache between
    # threads, where concurrent writers fail with "table is locked" instead of waiting.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
# Connections stay open between requests on both databases: opening one (SQLite with its
# pragmas, PostgreSQL with its handshake) costs ~2 ms of a page's CPU. The health check
# reopens a connection the server dropped instead of failing the request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Three caches: reader pages and fragments (`default`), the page keys' versions that decide
# their freshness (`freshness`), and the comment rate limits (`ratelimit`), kept apart so that
# a flood of pages can never evict a version or a counter. Every process on the machine must
# share them: Redis when REDIS_URL is set, else one SQLite file each under CACHE_DIR (`make run`,
# its worker and any `manage.py` command in another terminal then agree).
REDIS_URL = env("REDIS_URL", default="")
CACHE_DIR = Path(env("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")))
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "freshness", "ratelimit")
    }
else:
    CACHES = {
        alias: {
            "BACKEND": "newsroom.sqlitecache.SQLiteCache",
            "LOCATION": str(CACHE_DIR / f"{alias}.sqlite3"),
            # Full: the page cache drops a third, the others empty at once (a lost clock
            # and floor make every page count as changed; one lost version would not).
            "OPTIONS": {"MAX_ENTRIES": entries, "CULL_FREQUENCY": 3 if alias == "default" else 0},
        }
        for alias, entries in [
            # A story takes four or five entries (its page, its own part, its thread, its
            # teaser): 100,000 hold an archive of 20,000 read stories.
            ("default", env.int("PAGE_CACHE_ENTRIES", default=100_000)),
            ("freshness", 1_000_000),
            ("ratelimit", 100_000),
        ]
    }

# Work done off the request path (CDN purges) goes through Django's Tasks API. The embedded
# default queues tasks in the database itself: no broker to run, and `make run` starts the
# worker (`manage.py db_worker`) beside the web server. Tests run every task at once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# A CDN or Varnish in front (articles/purging.py): PAGE_PURGER names how it is told of
# changes (varnish-xkey, varnish-ban, fastly, cloudflare; empty: none, and pages then carry no
# s-maxage, so a CDN asks the origin every time).
PAGE_PURGER = env("PAGE_PURGER", default="")
PURGE_URLS = env.list("PURGE_URLS", default=["http://127.0.0.1:6081/"])
FASTLY_API_URL = env("FASTLY_API_URL", default="https://api.fastly.com")
FASTLY_SERVICE_ID = env("FASTLY_SERVICE_ID", default="")
FASTLY_API_TOKEN = env("FASTLY_API_TOKEN", default="")
CLOUDFLARE_API_URL = env("CLOUDFLARE_API_URL", default="https://api.cloudflare.com/client/v4")
CLOUDFLARE_ZONE_ID = env("CLOUDFLARE_ZONE_ID", default="")
CLOUDFLARE_API_TOKEN = env("CLOUDFLARE_API_TOKEN", default="")

# Anonymous readers get whole pages from the cache (articles/caching.py). Every reader-visible
# write and every scheduled publication ends a page's life sooner; this only bounds it.
READER_CACHE_SECONDS = env.int("READER_CACHE_SECONDS", default=3600)
# PostgreSQL search ranks only the newest this many matching stories (articles/search.py).
SEARCH_CANDIDATES = env.int("SEARCH_CANDIDATES", default=1000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
# One way of writing dates and times across the site and the desk (newsroom/formats/).
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The publication's identity, used in page titles, feeds and structured data.
NEWSROOM_NAME = env("NEWSROOM_NAME", default="The Newsroom")
NEWSROOM_TAGLINE = env("NEWSROOM_TAGLINE", default="Independent news, checked against its sources")
# Lead images: refuse anything bigger before Pillow decodes it.
LEAD_IMAGE_MAX_BYTES = 10 * 1024 * 1024
LEAD_IMAGE_MAX_PIXELS = 40_000_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"key_value": {"()": "newsroom.logs.KeyValueFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "key_value"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Axes narrates every attempt at INFO; newsroom.security has the events that matter.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Security headers and HTTPS. check --deploy (run by `make lint` with production values)
# keeps these honest.
#
# HTTPS=on in production: redirect plain HTTP, send HSTS, send cookies over HTTPS only.
# Off by default so that `make run`, the test client and local benchmarks speak plain HTTP.
HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Behind a proxy that terminates TLS, Django sees plain HTTP. BEHIND_TLS_PROXY=on trusts the
# proxy's X-Forwarded-Proto header; only set it when the proxy overwrites that header on
# every request, or clients could claim HTTPS themselves.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins allowed to POST forms, e.g. https://news.example.org (scheme included).
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Features no page of ours uses; newsroom.middleware sends this on every response.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# Content-Security-Policy (django-csp): our own files only, no inline script or style, no
# plugins, never framed; the admin included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# Password guessing (django-axes, newsroom/login_guard.py): LOGIN_FAILURE_LIMIT wrong
# passwords for one username from one address lock that pair out for a cool-off period.
# Staff sign in through the desk; a refused or missing `next` lands there too.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    "newsroom.login_guard.LoginGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "newsroom.login_guard.LoggingDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "newsroom.login_guard.locked_out"
AXES_CLIENT_IP_CALLABLE = "newsroom.login_guard.client_address"
AXES_USERNAME_CALLABLE = "newsroom.login_guard.client_username"

# Comments: at most N comments per window (seconds), per email and per reader (their signed
# cookie). Per network (/24, /48) only a flood guard: an office or a mobile carrier's gateway
# puts many honest readers behind one address (README, "Fair limits").
COMMENT_RATE_LIMITS = [(10, 1), (60 * 60, 20)]
COMMENT_NETWORK_LIMITS = [(60, 30), (60 * 60, 600)]
# Reports per window, per reader and per address; more in a day marks a bulk reporter.
REPORT_RATE_LIMITS = [(60, 5), (60 * 60, 30)]
BULK_REPORTER_DAILY = 10

# Mail: the desk's notifications (articles/notifications.py) and reply notifications
# (comments/notifications.py). Development prints them to the console; production sets
# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587. A worker sends them (the task
# queue), so a slow or absent mail server never holds up a move; the timeout only bounds how
# long that worker waits for it.
_mail = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _mail["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _mail["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _mail["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="desk@localhost")
# Links in mail point here: a worker has no request to take the site's address from.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Shared preview links for drafts expire after this many hours (editors can revoke sooner).
PREVIEW_LINK_HOURS = env.int("PREVIEW_LINK_HOURS", default=48)
