"""Settings, read from the environment (see the configuration table in README.md)."""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from atlas.lib.secrets import load_or_create_secret_key
from atlas.lib.storage import origin_of, s3_origins, s3_storages

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

_checkout = BASE_DIR.parent
VAR_DIR = Path(
    env.str(
        "ATLAS_VAR_DIR",
        default=str(
            _checkout / "var" if (_checkout / "pyproject.toml").exists() else Path.cwd() / "var"
        ),
    )
)
VAR_DIR.mkdir(parents=True, exist_ok=True)

ATLAS_ENV = env.str("ATLAS_ENV", default="development")
PRODUCTION = ATLAS_ENV == "production"
DEBUG = env.bool("ATLAS_DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # required: fails loudly when missing
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or load_or_create_secret_key(
        VAR_DIR / "secret_key"
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
ATLAS_PUBLIC_URL = env.str(
    "ATLAS_PUBLIC_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "anymail",
    "django_tasks_db",
    # In the order of their dependencies (README, "Architecture"); the order changes nothing:
    # apps add to each other through extension points (atlas/lib/hooks.py), not overrides.
    "atlas.runtime",
    "atlas.analytics",
    "atlas.publishing",
    "atlas.members",
    "atlas.billing",
    "atlas.delivery",
    "atlas.discussions",
    "atlas.sponsors",
    "atlas.search",
    "atlas.importing",
    "atlas.newsroom",
    "atlas.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "atlas.lib.csp.CSPMiddleware",
    "atlas.lib.secret_links.SecretLinkReferrerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "atlas.publishing.middleware.RedirectMiddleware",
    # Django's, without ETags on pages with a CSRF token (never the same bytes twice).
    "atlas.lib.http.ConditionalGetWithoutTokenETags",
    "django.middleware.csrf.CsrfViewMiddleware",
    "atlas.members.accounts.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "atlas.publishing.middleware.PublicationTimezoneMiddleware",
    "atlas.publishing.middleware.AccentStyleMiddleware",
    # Inside the accent's: a page it loosens gets no hash (which would void 'unsafe-inline').
    "atlas.lib.csp.InlineAllowedMiddleware",
]

ROOT_URLCONF = "atlas.urls"
WSGI_APPLICATION = "atlas.wsgi.application"

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
                "atlas.publishing.context_processors.publication",
            ],
            "builtins": ["atlas.lib.slot_tags"],
        },
    },
]

# Which kind of process this is: `atlas worker` sets "worker" (atlas/__main__.py).
ATLAS_PROCESS = env.str("ATLAS_PROCESS", default="web")
# How long SQLite waits for its write lock before failing: a web request should answer soon
# (then 503 with Retry-After, atlas/runtime/unavailable.py); a worker waits out a backup, a
# VACUUM or a big import.
SQLITE_BUSY_TIMEOUT = (
    env.float("ATLAS_WORKER_SQLITE_TIMEOUT", default=60.0)
    if ATLAS_PROCESS == "worker"
    else env.float("ATLAS_SQLITE_TIMEOUT", default=4.0)
)

# Databases: SQLite under var/ by default, anything DATABASE_URL names otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atlas.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers queue for the lock at BEGIN instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000;"
            ),
        }
    )
    # A file (not memory), so that worker processes started by tests share it; one per test run.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # One test database per test run, so that runs on one server never drop each other's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
# PostgreSQL: parameters bound on the server, and a statement run twice on a connection is
# prepared (parsed and planned once): a page's few queries cost PostgreSQL about half the CPU.
# Off (ATLAS_DB_PREPARED_STATEMENTS=0) behind a pooler in transaction mode (PgBouncer), which
# cannot keep a connection's prepared statements.
ATLAS_DB_PREPARED_STATEMENTS = env.bool("ATLAS_DB_PREPARED_STATEMENTS", default=True)
if (
    ATLAS_DB_PREPARED_STATEMENTS
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )
# PostgreSQL: with ATLAS_DB_POOL_SIZE, each process keeps a psycopg pool of that many
# connections (Django 5.2's "pool" option): a request borrows one and gives it back, with no
# health-check query per request. Otherwise each thread keeps its own for ATLAS_CONN_MAX_AGE.
ATLAS_DB_POOL_SIZE = env.int("ATLAS_DB_POOL_SIZE", default=0)
if ATLAS_DB_POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": ATLAS_DB_POOL_SIZE,
        "timeout": env.float("ATLAS_DB_POOL_TIMEOUT", default=10.0),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django refuses both
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("ATLAS_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Every key Atlas keeps in Redis or the cache starts with this: sites (or parallel test runs)
# that share a server keep apart.
ATLAS_CACHE_PREFIX = env.str("ATLAS_CACHE_PREFIX", default="atlas")

# Caches: Redis when configured; otherwise a file cache shared by all local processes.
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": ATLAS_CACHE_PREFIX,
            # A lost Redis fails a call within a second, never hangs a request.
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": ATLAS_CACHE_PREFIX,
        }
    }

# Background tasks: the database is the queue by default, Redis (RQ) at scale.
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Mail: SMTP (or anything EMAIL_URL names); otherwise files in var/outbox to read locally.
if env.str("EMAIL_URL", default=""):
    email_settings = env.email_url("EMAIL_URL")
    if email_settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        # The same, with internationalised addresses (SMTPUTF8, IDNA) done right.
        email_settings["EMAIL_BACKEND"] = "atlas.lib.smtp.EmailBackend"
    vars().update(email_settings)
else:
    EMAIL_BACKEND = "atlas.lib.smtp.CapturedEmailBackend"  # Django's file backend
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Atlas <newsroom@localhost>")
# Newsletters: a provider's API instead of SMTP (any django-anymail backend name, e.g. "mailgun",
# with its settings as ANYMAIL_* variables), and DKIM keys (`atlas dkim_keygen`).
ATLAS_EMAIL_PROVIDER = env.str("ATLAS_EMAIL_PROVIDER", default="")
ANYMAIL = {
    key[len("ANYMAIL_") :]: value for key, value in os.environ.items() if key.startswith("ANYMAIL_")
}
# A secret path segment for posting bounce and complaint reports to Atlas; empty: off.
ATLAS_INBOUND_TOKEN = env.str("ATLAS_INBOUND_TOKEN", default="")
ATLAS_DKIM_DOMAIN = env.str("ATLAS_DKIM_DOMAIN", default="")
# How long a worker holds a batch without renewing, and how often workers look for work
# nobody holds (lower them only to test recovery quickly).
ATLAS_DELIVERY_LEASE_SECONDS = env.int("ATLAS_DELIVERY_LEASE_SECONDS", default=60)
ATLAS_RECOVER_SECONDS = env.float("ATLAS_RECOVER_SECONDS", default=15.0)
ATLAS_DKIM_DIR = env.str("ATLAS_DKIM_DIR", default=str(VAR_DIR / "dkim"))
# The DNS server the newsroom's check of the DKIM records asks ("host" or "host:port"; unset: the
# system's resolver).
ATLAS_DNS_RESOLVER = env.str("ATLAS_DNS_RESOLVER", default="")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("ATLAS_LANGUAGE", default="en")
TIME_ZONE = env.str("ATLAS_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media (uploads and image renditions): on the local disk by default, served at /media/; in an
# S3-compatible bucket when one is named, so that every web machine serves the same files.
# Private files (lists and exports awaiting import) are never public: outside MEDIA_ROOT, or
# under their own prefix (or bucket) that no public policy covers.
MEDIA_URL = env.str("ATLAS_MEDIA_URL", default="/media/").rstrip("/") + "/"
MEDIA_ROOT = Path(env.str("ATLAS_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_S3_BUCKET = env.str("ATLAS_MEDIA_S3_BUCKET", default="")
_s3 = {
    "bucket": MEDIA_S3_BUCKET,
    "endpoint_url": env.str("ATLAS_MEDIA_S3_ENDPOINT_URL", default=""),
    "region": env.str("ATLAS_MEDIA_S3_REGION", default=""),
    "addressing_style": env.str("ATLAS_MEDIA_S3_ADDRESSING_STYLE", default=""),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private"},
    },
    "staticfiles": {
        "BACKEND": "atlas.lib.storage.StaticFiles"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if MEDIA_S3_BUCKET:
    STORAGES.update(
        s3_storages(
            **_s3,
            prefix=env.str("ATLAS_MEDIA_S3_PREFIX", default="media"),
            private_bucket=env.str("ATLAS_MEDIA_S3_PRIVATE_BUCKET", default=""),
            private_prefix=env.str("ATLAS_MEDIA_S3_PRIVATE_PREFIX", default="private"),
        )
    )
# Where pages may load images from: here, and the media's own address when it is elsewhere.
MEDIA_ORIGINS = (
    [origin_of(MEDIA_URL)] if origin_of(MEDIA_URL) else s3_origins(**_s3) if MEDIA_S3_BUCKET else []
)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "members:sign_in"
# Members sign in by link with the first, which reads their user and member row in one query
# (atlas/members/accounts.py); staff by password with Django's own.
AUTHENTICATION_BACKENDS = [
    "atlas.members.accounts.MemberAccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's database sessions, read with their account in one query (atlas/members/sessions.py).
SESSION_ENGINE = "atlas.members.sessions"
SESSION_COOKIE_AGE = env.int("ATLAS_SESSION_DAYS", default=60) * 24 * 3600
# Addresses of reverse proxies in front of Atlas, counted from the right of X-Forwarded-For.
ATLAS_TRUSTED_PROXIES = env.int("ATLAS_TRUSTED_PROXIES", default=0)
# Sponsor links to plain http:// on this machine (a local test destination); https otherwise.
# A MaxMind-format database (e.g. GeoLite2-Country.mmdb) for counting readers' countries.
ATLAS_GEOIP_DATABASE = env.str("ATLAS_GEOIP_DATABASE", default="")
ATLAS_SPONSOR_ALLOW_HTTP_LOCAL = env.bool("ATLAS_SPONSOR_ALLOW_HTTP_LOCAL", default=False)
ATLAS_MAX_IMAGE_MB = env.int("ATLAS_MAX_IMAGE_MB", default=20)

# Paid subscriptions through Stripe: paid features show only when all three keys are set.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Where the Stripe SDK sends its requests (tests point it at a fake Stripe on this machine).
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")

# Images of imported posts: size cap and timeout per download, and hosts that may be fetched
# although their address is private or loopback (a test server; never needed in production).
ATLAS_IMPORT_IMAGE_MAX_BYTES = env.int("ATLAS_IMPORT_IMAGE_MAX_BYTES", default=20_000_000)
ATLAS_IMPORT_IMAGE_TIMEOUT = env.float("ATLAS_IMPORT_IMAGE_TIMEOUT", default=15.0)
ATLAS_IMPORT_ALLOWED_HOSTS = env.list("ATLAS_IMPORT_ALLOWED_HOSTS", default=[])

# Security: safe by default, strict in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): our own scripts, styles and images
# only, no inline script, no plugins, no <base>, never framed. The accent's inline style is
# allowed by its hash (publishing.middleware.AccentStyleMiddleware); the few pages that are
# framed by our own (email previews) or inline styles (emails shown as web pages) say so.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *MEDIA_ORIGINS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
# Third-party staff pages with inline scripts and styles of their own (atlas/lib/csp.py).
ATLAS_CSP_INLINE_PREFIXES = ["/admin/django_rq/"] if REDIS_URL else []
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("ATLAS_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser keeps them only if set over HTTPS for this host alone (no Domain, path
    # /), so that no subdomain can plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("ATLAS_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("ATLAS_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("ATLAS_HSTS_PRELOAD", default=True)

# Public pages: served from the in-process page cache unless turned off.
ATLAS_PAGE_CACHE = env.bool("ATLAS_PAGE_CACHE", default=True)
# With a shared cache (Redis), how often each process reads the content version again: a change
# made in another process reaches this one's cached pages within this many seconds.
ATLAS_VERSION_CHECK_SECONDS = env.float("ATLAS_VERSION_CHECK_SECONDS", default=0.1)
ATLAS_CACHE_MAX_AGE = env.int("ATLAS_CACHE_MAX_AGE", default=0)
ATLAS_PREVIEW_MAX_AGE = env.int("ATLAS_PREVIEW_MAX_AGE", default=7 * 24 * 3600)
ATLAS_POSTS_PER_PAGE = 12

# Page-view counting (atlas.analytics.page_views); 0 turns it off (benchmarks).
ATLAS_ANALYTICS = env.bool("ATLAS_ANALYTICS", default=True)
ATLAS_ANALYTICS_FLUSH_SECONDS = env.float("ATLAS_ANALYTICS_FLUSH_SECONDS", default=10.0)
ATLAS_ANALYTICS_RETENTION_DAYS = env.int("ATLAS_ANALYTICS_RETENTION_DAYS", default=90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Tokens in links never reach a log (atlas.lib.secret_links.py).
    "filters": {"redact_secrets": {"()": "atlas.lib.secret_links.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("ATLAS_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (a console when DEBUG is on, mail to ADMINS, runserver's
        # lines) give way to the root handler, so that every record is redacted.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "flufl.bounce": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},  # the SDK logs every request at INFO
    },
}
