"""Skill Matrix settings: one module, every value from the environment.

See README.md ("Settings") for the list of variables and their defaults.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from skillmatrix.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=true for "
            "local development (make run and make test do this for you)."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The port `make run` serves on, and where the site is served: every link in every email starts with SITE_URL.
PORT = env_int("PORT", 8000)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
# Shown on the sign-up confirmation and password reset pages, for people who are stuck.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "")
# The brand of every email: in its subject, its header and its sender's name.
SITE_NAME = env_str("SITE_NAME", "Skill Matrix")

INSTALLED_APPS = [
    "pghistory.admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "rest_framework.authtoken",
    "allauth",
    "allauth.account",
    "skills",
    "proposals",
    "growth",
    "teams",
    "accounts",
    "bench",  # benchmark-only tools (generate_catalog; the floor view, mounted only with BENCH_FLOOR)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "skillmatrix.request_limits.RequestLimitsMiddleware",  # an API body over DATA_UPLOAD_MAX_MEMORY_SIZE: 400
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "skillmatrix.i18n.QueryLanguageMiddleware",  # ?lang=de|es|zh|en, after LocaleMiddleware
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "skills.audit.AuditContextMiddleware",
    "skills.redirects.SkillRedirectMiddleware",  # merged skills' old addresses: 301 instead of 404
    "skillmatrix.lock_conflicts.LockConflictMiddleware",  # a deadlock that reaches a view: 409, not 500
]

# Requests that may write get an audit context (skills/audit.py); a GET never writes, and pghistory's
# default would add the context's set_config calls to every query of every page.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The events page reads as before and after, not raw JSON (skills/events_admin.py).
PGHISTORY_ADMIN_CLASS = "skills.events_admin.ReadableEventsAdmin"

ROOT_URLCONF = "skillmatrix.urls"
WSGI_APPLICATION = "skillmatrix.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "libraries": {"limits": "skillmatrix.limits"},
        },
    },
]

# --- Database -----------------------------------------------------------------
# Each server thread either keeps its own connection for DB_CONN_MAX_AGE seconds (Django's persistent
# connections) or, with DB_POOL, borrows one per request from a psycopg pool its process shares; Django
# allows only one of the two. See README.md ("Production server") for how they compare.
DB_POOL = env_bool("DB_POOL", False)
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0 if DB_POOL else 60)
DB_POOL_MIN_SIZE = env_int("DB_POOL_MIN_SIZE", 2)
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 4)
DB_POOL_TIMEOUT = env_int("DB_POOL_TIMEOUT", 10)
if DB_POOL and DB_CONN_MAX_AGE:
    raise ImproperlyConfigured("DB_POOL=true needs DB_CONN_MAX_AGE=0 (or unset): a pooled connection is not kept.")
if DB_POOL and not (0 <= DB_POOL_MIN_SIZE <= DB_POOL_MAX_SIZE and DB_POOL_MAX_SIZE >= 1):
    raise ImproperlyConfigured(
        f"DB_POOL_MIN_SIZE={DB_POOL_MIN_SIZE} and DB_POOL_MAX_SIZE={DB_POOL_MAX_SIZE}: "
        "need 0 <= DB_POOL_MIN_SIZE <= DB_POOL_MAX_SIZE and DB_POOL_MAX_SIZE >= 1."
    )
if DB_POOL and DB_POOL_TIMEOUT < 1:
    raise ImproperlyConfigured(f"DB_POOL_TIMEOUT={DB_POOL_TIMEOUT}: seconds to wait for a connection, at least 1.")
# The few hot statements that skillmatrix.compiled runs (a tick's lookup and write) are prepared on each connection,
# planned once rather than on every run; Django's own queries never are. Off behind a transaction-mode pooler that
# cannot keep prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)


def _connection_settings(database: dict) -> dict:
    if database["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, with a health check that needs no query while the connection is sound.
        database["ENGINE"] = "skillmatrix.postgresql"
    database["CONN_MAX_AGE"] = DB_CONN_MAX_AGE
    # A pool checks each connection as it lends it out.
    database["CONN_HEALTH_CHECKS"] = not DB_POOL
    options = database.setdefault("OPTIONS", {})
    # pgtrigger's triggers read the setting pgtrigger.ignore and, when it is unset, catch the error in a
    # subtransaction on every row; in a large transaction those grow slower with its size. An empty list
    # ignores nothing and skips that cost.
    options["options"] = f"{options.get('options', '')} -c pgtrigger.ignore={{}}".strip()
    if DB_PREPARED_STATEMENTS:
        # psycopg's own switch; only cursors that bind on the server prepare (Django's bind on the client).
        options["prepare_threshold"] = 5
    if DB_POOL:
        options["pool"] = {"min_size": DB_POOL_MIN_SIZE, "max_size": DB_POOL_MAX_SIZE, "timeout": DB_POOL_TIMEOUT}
    return database


DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": _connection_settings(dj_database_url.parse(DATABASE_URL))}
else:
    # Named only: the backend starts the embedded server on its first connection.
    from skillmatrix import embedded_db

    DATABASES = {"default": _connection_settings(embedded_db.database_settings())}
if env_str("TEST_DATABASE_NAME"):
    # Lets several test runs share one server (each run its own database).
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}

# Read replicas: reads go to one of them, writes to the primary (skillmatrix/db_router.py). Without
# DATABASE_REPLICA_URLS there is no router and no middleware: nothing to pay.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
for _index, _url in enumerate(DATABASE_REPLICA_URLS):
    try:
        _replica = dj_database_url.parse(_url)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: {_url!r} is not a database URL ({error}).") from None
    # Tests run against the primary's test database only.
    DATABASES[f"replica_{_index}"] = {**_connection_settings(_replica), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["skillmatrix.db_router.ReplicaRouter"] if DATABASE_REPLICA_URLS else []
if DATABASE_REPLICA_URLS:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "skillmatrix.db_router.PinToPrimaryMiddleware",
    )
if REPLICA_PIN_SECONDS < 0:
    raise ImproperlyConfigured(f"REPLICA_PIN_SECONDS={REPLICA_PIN_SECONDS}: seconds, 0 or more.")

# Each server process keeps the catalog's revision counters from PostgreSQL's notifications
# (LISTEN/NOTIFY, skills/freshness/): a cached page then costs no query. Off behind a
# transaction-mode pooler (PgBouncer), which cannot hold a LISTEN; not used with replicas.
REVISION_LISTENER = env_bool("REVISION_LISTENER", True)
if REVISION_LISTENER and not DATABASE_REPLICA_URLS:
    MIDDLEWARE.append("skills.freshness.middleware.ReadYourWritesMiddleware")
    # The request's session and user from this process's copy, kept under the counters (skills/freshness/members.py).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "skills.freshness.members.MemberMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# django-allauth: sign up with an email address that must be verified, sign in by email.
# Rate limits live in the default cache (the database), which every server process shares.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "reset_password": "accounts.forms.ResetPasswordForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# The adapter (accounts/adapter.py) puts SITE_URL in front of every link allauth mails.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https:") else "http"
# Behind a proxy every request comes from the proxy's address: the limits keyed on the client's address
# (sign-in, sign-up, password reset, DRF's per-address throttles) then take it from X-Forwarded-For, counting
# TRUSTED_PROXY_COUNT entries from its end, each appended by one proxy of ours. Without a proxy the header is
# the client's own words and is ignored.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT}: proxies in front of the app, 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "5/5m/ip,5/5m/key"),
    "signup": env_str("RATE_LIMIT_SIGNUP", "10/h/ip"),
    "reset_password": env_str("RATE_LIMIT_RESET_PASSWORD", "5/m/ip,3/h/key"),
}

# --- Email ----------------------------------------------------------------------
# Django 6.1 configures sending through MAILERS; the variables keep their usual names.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("es", _("Spanish")), ("zh-hans", _("Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["skillmatrix.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development (and tests, which import settings with DEBUG on) and under `make run` WhiteNoise serves
# straight from the apps, with no collectstatic; production serves collected files under hashed names.
STATIC_FROM_APPS = env_bool("STATIC_FROM_APPS", DEBUG)
WHITENOISE_USE_FINDERS = STATIC_FROM_APPS
WHITENOISE_AUTOREFRESH = STATIC_FROM_APPS
# Files browsers and crawlers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if STATIC_FROM_APPS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Caches ---------------------------------------------------------------------
# The default cache holds the rate limits, so every process of every app server must share it:
# PostgreSQL's cache table, or Redis when REDIS_URL is set (faster, and off the database).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    },
    # Rendered page fragments, in each process's memory: their keys carry the catalog's revision
    # (skills/freshness/), so a process's copy is right on its own and costs no round trip.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 2000)},
    },
    # Members' own copies of whole pages (skills/freshness/pages.py), apart so that they never push
    # out the pages and fragments everyone shares.
    "member-pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "member-pages",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": env_int("MEMBER_PAGE_CACHE_ENTRIES", 500)},
    },
}
# Heavy answers (career-track PDFs, the whole catalog as JSON) are built once per catalog revision into
# files here, which every server process reads (skills/stored.py). HEAVY_BUILD_SLOTS builds run at once on
# the whole server (every process that shares the folder); a request waits HEAVY_BUILD_SLOT_WAIT seconds for
# a slot, or HEAVY_BUILD_WAIT for the same answer being built by another request, and is then answered 503
# with Retry-After. At most HEAVY_REQUESTS_PER_PROCESS threads of one server process build or wait at once;
# the next is answered 503 at once, so that a flood of heavy requests leaves threads for every other page.
# Files are kept per database (host, port, name): empty the folder when a database is recreated or restored
# under the same name, whose counters may come back to values they had before.
STORED_ANSWERS_DIR = Path(env_str("STORED_ANSWERS_DIR", str(BASE_DIR / ".data" / "stored")))
# After a change, one server process renders every skill page ahead for anonymous visitors, into files
# under STORED_ANSWERS_DIR that every process reads (skills/freshness/shared_pages.py).
PRERENDER_PAGES = env_bool("PRERENDER_PAGES", True)
# How long (ms, decimals allowed) a server thread that computes keeps the interpreter before a waiting thread gets
# it (sys.setswitchinterval), set by skillmatrix/wsgi.py in each server process. Python's 5 ms made every thread
# that came back from the database wait up to 5 ms behind one that computes, at each query: under the bench's
# mixed load 1 ms served twice the comments and answered the in-place forms in half the time (bench/RESULTS.md).
try:
    THREAD_SWITCH_MS = float(env_str("THREAD_SWITCH_MS", "") or 1)
except ValueError:
    raise ImproperlyConfigured(f"THREAD_SWITCH_MS={env_str('THREAD_SWITCH_MS')!r} is not a number.") from None
if not 0.05 <= THREAD_SWITCH_MS <= 100:
    raise ImproperlyConfigured(f"THREAD_SWITCH_MS={THREAD_SWITCH_MS} is out of range: give 0.05 to 100 (milliseconds).")
HEAVY_BUILD_SLOTS = env_int("HEAVY_BUILD_SLOTS", 1)
HEAVY_BUILD_SLOT_WAIT = env_int("HEAVY_BUILD_SLOT_WAIT", 5)
HEAVY_BUILD_WAIT = env_int("HEAVY_BUILD_WAIT", 60)
HEAVY_BUILD_RETRY_AFTER = env_int("HEAVY_BUILD_RETRY_AFTER", 10)
HEAVY_REQUESTS_PER_PROCESS = env_int("HEAVY_REQUESTS_PER_PROCESS", 2)
if (
    min(HEAVY_BUILD_SLOTS, HEAVY_REQUESTS_PER_PROCESS) < 1
    or min(HEAVY_BUILD_SLOT_WAIT, HEAVY_BUILD_WAIT, HEAVY_BUILD_RETRY_AFTER) < 0
):
    raise ImproperlyConfigured(
        "HEAVY_BUILD_SLOTS and HEAVY_REQUESTS_PER_PROCESS must be at least 1, and the HEAVY_BUILD_* seconds 0 or more."
    )
# A career-track PDF is made in a child process (skills/pdf_process.py) with this nice value (0 to 19: the
# higher, the more the pages go first) and killed after PDF_BUILD_TIMEOUT seconds. With PDF_BUILD_IDLE (Linux)
# the child also takes the SCHED_IDLE policy: it runs only when no page wants the core. Off by default: on a
# machine busy all the time its builds reach the timeout (bench/RESULTS.md, notes).
PDF_BUILD_NICE = env_int("PDF_BUILD_NICE", 10)
PDF_BUILD_IDLE = env_bool("PDF_BUILD_IDLE", False)
PDF_BUILD_TIMEOUT = env_int("PDF_BUILD_TIMEOUT", 120)
if not 0 <= PDF_BUILD_NICE <= 19 or PDF_BUILD_TIMEOUT < 1:
    raise ImproperlyConfigured("PDF_BUILD_NICE must be 0 to 19, and PDF_BUILD_TIMEOUT at least 1 second.")
# A role with more cells than this has no career-track PDF (its build's time and memory grow with it):
# its PDF address offers the role's CSV instead.
PDF_MAX_CELLS = env_int("PDF_MAX_CELLS", 1000)
# Sessions stay in the database (shared, durable); with Redis they are also read through the cache.
# Without Redis, each process keeps the sessions it has read under the "sessions" counter (skills/freshness/members.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "skills.freshness.members"

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns "not signed in" into 401 rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "skillmatrix.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "EXCEPTION_HANDLER": "skillmatrix.exception_handlers.exception_handler",
    # JSON only, nested at most JSON_MAX_DEPTH deep, with text PostgreSQL can store (skillmatrix/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["skillmatrix.parsers.JSONParser"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # the client's address, as allauth's limits take it (see ACCOUNT_RATE_LIMITS)
    # Writes by members, counted from their own recent rows (proposals.throttling); "20/min", "10/hour", ...
    "DEFAULT_THROTTLE_RATES": {
        "comments": env_str("RATE_LIMIT_COMMENTS", "20/min"),
        "proposals": env_str("RATE_LIMIT_PROPOSALS", "10/hour"),
        # Anonymous clients, per address, on the heavy reads (skills/throttling.py), counted in the default cache.
        "heavy-anon": env_str("RATE_LIMIT_HEAVY_ANON", "10/min"),
        "compare-anon": env_str("RATE_LIMIT_COMPARE_ANON", "30/min"),
    },
}
# The largest request body, API and forms alike (Django's default, 2.5 MB); a longer one is a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SPECTACULAR_SETTINGS = {
    "TITLE": "Skill Matrix API",
    "DESCRIPTION": "What each role is expected to know about each skill at each career level.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "skills.api.document_common_errors"],
}


# --- Security -------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
# Off for a site served over plain HTTP (make run on this machine): a browser may not send secure cookies back.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site's static files (or an inline one carrying the request's nonce); nothing from
# other hosts, no plugins, no framing. The API docs page loosens style-src for itself (skillmatrix/urls.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own console handler (DEBUG only) would print each of its lines a second time beside the root's.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# --- Benchmark --------------------------------------------------------------------
# Mounts the bench app's floor (pre-rendered page bytes at /__bench__/floor/); bench/run sets it for its own
# server. Never in production.
BENCH_FLOOR = env_bool("BENCH_FLOOR", False)
