"""Settings for every environment, read from environment variables with safe embedded defaults.

Without any variable set the portal runs on SQLite (``var/db.sqlite3``) with Celery in eager mode.
``DATABASE_URL`` switches to PostgreSQL (psycopg 3); ``REDIS_URL`` makes Redis the Celery broker
and result backend. Every variable is documented in the README and in ``.env.example``.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from portal.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# A local `.env` fills in what the real environment does not set; it never overrides it.
load_dotenv(BASE_DIR / ".env", override=False)

DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key while DEBUG is off. Set SECRET_KEY to a long random value "
        "(or DEBUG=1 for local development)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    "portal.apps.PortalAdminConfig",  # django.contrib.admin, with the portal's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "allauth",
    "allauth.account",
    "portal.apps.PortalMFAConfig",  # allauth.mfa, named in the reader's language
    "portal.apps.PortalAuditlogConfig",  # auditlog, named in the reader's language
    "csp",
    "portal",
    "sponsorship",
    "housing",
    "matching",
    "training",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions and authentication, so that a cached public page costs one cache read; after the
    # security middleware (the redirect to HTTPS comes first). A stored page keeps the headers of the
    # middleware below, the CSP included (portal.page_cache).
    "portal.page_cache.PageCacheMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication, so that it sees every page a signed-in person gets (redirects included).
    "portal.middleware.PrivatePagesNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything reads the session or the user: drops forged cookies, refuses NUL bytes (400).
    "portal.middleware.RefuseUnstorableInputMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "portal.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.alternates",
                "portal.context_processors.notifications",
                "portal.navigation.nav_section",
            ],
        },
    },
]
# Selects offer "Choose…" (translated) rather than "---------" in every form.
FORM_RENDERER = "portal.form_renderer.PortalFormRenderer"

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL unset: a SQLite file under var/ (git-ignored). Set: e.g. postgres://user:pw@host:5432/db
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions and the cache behind allauth's rate limits live in the database, so that a Redis outage
# never takes logins down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Flash messages ("signed in as …" quotes the email address) live in the session, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    },
    # Progress of matching runs, written by workers while the run's transaction is still open, so it
    # cannot live in the database. In Redis when there is one; else in the process (eager mode).
    # Reads and writes give up after PROGRESS_CACHE_TIMEOUT seconds (the page then says the progress
    # is unavailable), so a stopped or frozen Redis never holds a page.
    "progress": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL", ""),
        "KEY_PREFIX": "portal",
        "OPTIONS": {
            "socket_connect_timeout": env_float("PROGRESS_CACHE_TIMEOUT", 0.5),
            "socket_timeout": env_float("PROGRESS_CACHE_TIMEOUT", 0.5),
        },
    }
    if env_str("REDIS_URL", "")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "matching-progress"},
    # Whole public pages for visitors who are not signed in (portal.page_cache), shared by every worker:
    # in Redis when there is one, else in files under var/ (shared by the processes of this machine).
    # Each call gives up after PAGE_CACHE_TIMEOUT seconds, without retries; after a failure the process
    # renders pages without the cache for PAGE_CACHE_PAUSE seconds.
    "pages": {
        "BACKEND": "portal.page_cache.RedisCache",
        "LOCATION": env_str("REDIS_URL", ""),
        # Several sites (or test and benchmark runs) may share one Redis: each its own prefix.
        "KEY_PREFIX": env_str("PAGE_CACHE_KEY_PREFIX", "portal"),
        "OPTIONS": {
            "socket_connect_timeout": env_float("PAGE_CACHE_TIMEOUT", 0.1),
            "socket_timeout": env_float("PAGE_CACHE_TIMEOUT", 0.1),
            "retry_on_timeout": False,
        },
    }
    if env_str("REDIS_URL", "")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "page-cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# How long a cached public page may be served at most (0: no page cache); edits invalidate it at once.
# Off by default in development, where templates change under a running server.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 600)
PAGE_CACHE_PAUSE = env_float("PAGE_CACHE_PAUSE", 5)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = env_str("ACCOUNT_EMAIL_SUBJECT_PREFIX", "[RISE] ")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http" if DEBUG else "https")
# allauth's own rate limits: they use the database cache above. allauth counts failed logins per
# address and per "key"; portal.adapters.AccountAdapter makes the key the account *and* the client's
# address, so failures from one address never lock the account out at another (a stranger cannot lock
# anyone out). Wrong second-factor codes count per user (allauth's key): only someone who has the
# password gets that far, and a per-user limit is what stops a spread-out guess of a 6-digit code.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# Against guessing spread over many addresses: failed logins per account from all the addresses where
# it has not signed in before. An address where the right password was given in the last
# LOGIN_KNOWN_ADDRESS_DAYS days is never held back by it, so a person keeps signing in from home or
# office; a password reset clears it.
LOGIN_FAILED_ACCOUNT_RATE = env_str("LOGIN_FAILED_ACCOUNT_RATE", "50/h/key")
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", 90)
# Certificate codes typed into the public verification form, per client address (against guessing).
CERTIFICATE_LOOKUP_RATE = env_str("CERTIFICATE_LOOKUP_RATE", "20/m/ip")

# Staff who can see beneficiary households sign in with a second factor (authenticator app codes,
# recovery codes); see portal.middleware.StaffMFAMiddleware.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "RISE portal"
# Development only (allauth refuses it when DEBUG is off): a code accepted as every second factor,
# so that the demo staff accounts can be tried without an authenticator app. `make run` sets it.
MFA_TOTP_INSECURE_BYPASS_CODE = env_str("MFA_TOTP_INSECURE_BYPASS_CODE", "") or None
# The audit log records who viewed and changed beneficiary data; it never stores the requester's IP.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# --- Email ----------------------------------------------------------------------------------
# Development prints every email (including verification links) on the console. In production the
# console would copy password-reset links into the worker's log, so with DEBUG off EMAIL_BACKEND must
# be set explicitly (e.g. django.core.mail.backends.smtp.EmailBackend).
CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "") or CONSOLE_EMAIL_BACKEND
if not DEBUG and not env_str("EMAIL_BACKEND", ""):
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is not set while DEBUG is off: emails would be printed to the log, password-reset "
        "links included. Set EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST), "
        f"or EMAIL_BACKEND={CONSOLE_EMAIL_BACKEND} if you really want the console (or DEBUG=1 for development)."
    )
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RISE portal <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "lt"
LANGUAGES = [
    ("lt", _("Lithuanian")),
    ("en", _("English")),
    ("bg", _("Bulgarian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Vilnius")
# Dates, times and numbers as each language writes them (see portal/formats/).
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

MODELTRANSLATION_DEFAULT_LANGUAGE = "lt"
MODELTRANSLATION_LANGUAGES = ("lt", "en", "bg")
# Content missing in a language shows English, then Lithuanian.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "lt")

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded files live in MEDIA_ROOT under unguessable names and are never served from MEDIA_URL:
# their URL is the view /files/<name>, which asks the file's app who may read it (portal.media).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Set (e.g. "/_protected_media/") behind nginx: the view answers with X-Accel-Redirect to this
# `internal` location, which nginx maps to MEDIA_ROOT. Empty: Django streams the file itself.
PRIVATE_MEDIA_INTERNAL_URL = env_str("PRIVATE_MEDIA_INTERNAL_URL", "")
# Readable by the front server's workers (another user, read-only volume); never executable.
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755
# Static files: with DEBUG off they are served from STATIC_ROOT, filled by `collectstatic` (`make setup`,
# the Dockerfile), under names carrying a hash of their content, compressed (gzip), and WhiteNoise sends
# them with far-future, immutable caching. `collectstatic` always writes the hashed names and their
# manifest, whatever DEBUG, so that a server started with DEBUG off after `make setup` (e.g. `make bench`)
# finds them; with DEBUG on, pages link the plain names, served from static/ as they are.
STATICFILES_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "portal.media.PrivateStorage"},
    "staticfiles": {"BACKEND": STATICFILES_BACKEND},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Celery ---------------------------------------------------------------------------------
# REDIS_URL unset: tasks run eagerly in the web process (same code path: apply_async after commit).
REDIS_URL = env_str("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "portal")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A web request must not hang when Redis is down: give up quickly and keep the task in the outbox.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Nobody waits for a task's result (tasks write to the database), and subscribing to it before each
# publish is what made requests hang with Redis down. Tasks that do return a result to a caller
# (`portal.tasks.ping`) say so themselves.
CELERY_TASK_IGNORE_RESULT = True
# Queuing a task from a request (portal.services.task_enqueue) uses its own connection: connect and
# send each give up after TASK_PUBLISH_TIMEOUT seconds, without retries, and the task waits in the
# outbox (QueuedTask) instead. After a failure the process sends straight to the outbox for
# TASK_PUBLISH_PAUSE seconds, so a request queuing several tasks waits at most once.
TASK_PUBLISH_TIMEOUT = env_float("TASK_PUBLISH_TIMEOUT", 0.5)
TASK_PUBLISH_PAUSE = env_float("TASK_PUBLISH_PAUSE", 5)
# Matching runs whose worker died (kill -9, lost machine) are queued again by beat
# (`matching_runs_recover_task`, every minute) once they have been left alone this many seconds.
MATCHING_RUN_LEASE_SECONDS = env_int("MATCHING_RUN_LEASE_SECONDS", 60)
MATCHING_RUN_MAX_ATTEMPTS = env_int("MATCHING_RUN_MAX_ATTEMPTS", 5)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "portal.tasks.outbox_flush_task", "schedule": 60.0},
    "matching-runs-recover": {"task": "matching.tasks.matching_runs_recover_task", "schedule": 60.0},
    "offers-expire": {"task": "housing.tasks.offers_expire_task", "schedule": 60 * 60.0},
    "offers-reconfirmation": {"task": "housing.tasks.offers_reconfirmation_request_task", "schedule": 60 * 60.0},
    "proposals-remind": {"task": "matching.tasks.proposals_remind_task", "schedule": 15 * 60.0},
    "proposals-expire": {"task": "matching.tasks.proposals_expire_task", "schedule": 15 * 60.0},
    "events-remind": {"task": "training.tasks.events_remind_task", "schedule": 15 * 60.0},
    # Matching runs every night (at MATCHING_NIGHTLY_HOUR, local time); one run per day, however often
    # beat fires.
    "matching-nightly": {
        "task": "matching.tasks.matching_nightly_task",
        "schedule": crontab(hour=env_int("MATCHING_NIGHTLY_HOUR", 2), minute=0),
    },
    # The retention schedule (portal.retention) applies once a day, at RETENTION_HOUR local time.
    "retention-apply": {
        "task": "portal.tasks.retention_apply_task",
        "schedule": crontab(hour=env_int("RETENTION_HOUR", 3), minute=30),
    },
}

# --- Retention (GDPR Art. 5(1)(e)) ---------------------------------------------------------------
# Closed household cases (closed, or the last placement ended) are anonymised after this many months.
RETENTION_CLOSED_CASE_MONTHS = env_int("RETENTION_CLOSED_CASE_MONTHS", 24)
# Unconfirmed training registrations are deleted this many days after their event or session ended.
RETENTION_UNCONFIRMED_REGISTRATION_DAYS = env_int("RETENTION_UNCONFIRMED_REGISTRATION_DAYS", 30)
# Scans of checks (certificates of no criminal record, identity documents) are deleted this many days
# after the check expired; the check itself stays.
RETENTION_CHECK_SCAN_DAYS = env_int("RETENTION_CHECK_SCAN_DAYS", 90)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Production (DEBUG off) redirects to HTTPS and sends HSTS for a year, subdomains included; each can
# be turned off (SECURE_SSL_REDIRECT=0, SECURE_HSTS_SECONDS=0, SECURE_HSTS_INCLUDE_SUBDOMAINS=0).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading puts the whole registrable domain (e.g. the organisation's, of which the portal may be one
# subdomain) into browsers' built-in HTTPS-only lists, which is hard to undo: only the domain's owner
# can decide it, so it is off unless SECURE_HSTS_PRELOAD=1, and the deploy check's reminder (W021) is
# silenced while it is off.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Behind a proxy, allauth's rate limits must key on the client's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
# The container health check calls /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp) on every response, the admin's and allauth's included: scripts
# and styles only from the portal's own static files (no inline script, no eval, no inline <style> or
# style attribute), images also as data: URIs (allauth's authenticator QR code), nothing may frame
# the portal, and forms post only to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

DJANGO_ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/")

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# Logs carry paths and ids, never query strings (admin searches put names and document numbers there),
# secret links or form data: every handler strips them (portal.logs). The web server's access log is
# configured in portal/gunicorn.conf.py (path only); nothing is mailed to admins.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portal.logs.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Demo accounts (admin, caseworker, sponsor) are created by `manage.py demo_setup` when DEBUG is on.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-portal-2026")

# modeltranslation's tabbed admin: jQuery UI is vendored in static/ (no CDN).
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# django-filter: the empty choice of every filter reads "Any" (translated).
FILTERS_EMPTY_CHOICE_LABEL = _("Any")

# Django 6 behaviour now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# The portal's public address, the one base of links in emails (workers have no request; allauth's
# account emails are built from the request, which reaches the same address). In development it follows
# the served port: `make run` and `make worker` pass PORT (default 8000).
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

# Countries of the sponsorship schemes (RISE: Lithuania, Belgium, Italy).
SPONSOR_COUNTRIES = env_list("SPONSOR_COUNTRIES", ["LT", "BE", "IT"])

# Match proposals waiting for an answer: a reminder after this many hours, expiry after these days.
PROPOSAL_REMINDER_HOURS = env_int("PROPOSAL_REMINDER_HOURS", 48)
PROPOSAL_EXPIRY_DAYS = env_int("PROPOSAL_EXPIRY_DAYS", 10)

# Housing offers
OFFER_PHOTO_MAX_BYTES = env_int("OFFER_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
OFFER_PHOTO_MAX_COUNT = 10
# Pictures of projects, good practices and news (uploaded by staff), at most this many bytes each.
CONTENT_IMAGE_MAX_BYTES = env_int("CONTENT_IMAGE_MAX_BYTES", 8 * 1024 * 1024)
# Evidence (photos and PDF documents of an inspection, scans of a sponsor's checks): at most this size
# each, and this many at once (no more than DATA_UPLOAD_MAX_NUMBER_FILES, below).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 8 * 1024 * 1024)
EVIDENCE_MAX_COUNT = 5
OFFER_RECONFIRM_DAYS = env_int("OFFER_RECONFIRM_DAYS", 30)
OFFER_RECONFIRM_GRACE_DAYS = env_int("OFFER_RECONFIRM_GRACE_DAYS", 7)
# Photos above this many pixels are refused from their header, before anything is decoded; Pillow
# itself refuses to open images of more than twice as many (a decompression bomb).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 12_000_000)
# Uploads are bounded in memory: files above this size are written to a temporary file, the other
# fields of a request may hold at most DATA_UPLOAD_MAX_MEMORY_SIZE, and a request at most
# DATA_UPLOAD_MAX_NUMBER_FILES files (Django answers 400 beyond): an offer's photos, chosen at once.
# The front server refuses bodies above its client_max_body_size (90 MB, deploy/nginx): that many
# photos of OFFER_PHOTO_MAX_BYTES each.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = OFFER_PHOTO_MAX_COUNT
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
