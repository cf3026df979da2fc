"""Loket settings. Every deployment-specific value comes from the environment (see README)."""

import base64
import hashlib
import ipaddress
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.caches import caches_for
from config.databases import database_from
from config.env import env_bool, env_choice, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("LOKET_DEV", default=True):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set in production (LOKET_DEV=off)")
    # A fixed key only for development and tests; production sets SECRET_KEY.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "loket.accounts.admin_apps.StaffAdminConfig",  # django.contrib.admin behind the staff second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "loket.core",
    "loket.offices",
    "loket.accounts",
    "loket.notify",
    "loket.booking",
    "loket.dossier",
    "loket.payments",
    "loket.payments.simulator",
    "loket.audit",
    "loket.onsite",
    "loket.walkin",
    "loket.release",
    "loket.reports",
    "loket.planner",
    "loket.privacy",
    "loket.web",
    "loket.textchannel",
    "loket.demo",
    "loket.ops",
]

MIDDLEWARE = [
    # /healthz and /readyz, before the host check and the HTTPS redirect (loket/core/views.py).
    "loket.core.views.HealthCheckMiddleware",
    # First, so every answer (redirects and errors included) carries the id and is measured.
    "loket.core.requestid.RequestIdMiddleware",
    "loket.ops.middleware.RequestMetricsMiddleware",
    # HTML compressed with the BREACH mitigation of Django's GZipMiddleware (loket/core/compression.py).
    "loket.core.compression.HtmlGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below), django-csp's
    # middleware with the policy's string built once (loket/core/headers.py).
    "loket.core.headers.PolicyOnceCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # no-store on answers with personal data; Permissions-Policy (loket/core/headers.py).
    "loket.core.headers.PrivacyHeadersMiddleware",
    # Adds user.is_verified(): True once this session passed the second factor (staff TOTP).
    "django_otp.middleware.OTPMiddleware",
    # A device locked as a self-service kiosk opens only its kiosk (loket/onsite/kiosk_lock.py).
    "loket.onsite.kiosk_lock.KioskLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "loket.api.middleware.JsonApiErrorsMiddleware",
    # Last, so its process_exception runs first: a lost database connection answers 503.
    "loket.core.faults.DatabaseFaultMiddleware",
]
# What a page needs and a client program's API call does not: a call to /api/ with a bearer
# token and no session cookie goes through MIDDLEWARE without these (loket/api/handler.py).
LOKET_PAGE_ONLY_MIDDLEWARE = [
    "loket.core.compression.HtmlGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "loket.onsite.kiosk_lock.KioskLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loket.web.context_processors.notices",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# SQLite by default so one command runs everything; PostgreSQL when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
# PostgreSQL: server-side parameters and prepared statements (config/databases.py).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
DATABASES = {
    "default": database_from(
        url=DATABASE_URL,
        sqlite_path=env_str("SQLITE_PATH", str(BASE_DIR / "var" / "loket.sqlite3")),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        prepared=DB_PREPARED_STATEMENTS,
    )
}
# A streaming replica for the read-only pages (availability, reports, the board; see
# loket/core/replica.py), skipped while it lags more than LOKET_REPLICA_MAX_LAG_SECONDS.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
LOKET_REPLICA_MAX_LAG_SECONDS = env_float("LOKET_REPLICA_MAX_LAG_SECONDS", 5.0, minimum=0.0)
LOKET_REPLICA_CHECK_SECONDS = env_float("LOKET_REPLICA_CHECK_SECONDS", 2.0, minimum=0.0)
if DATABASE_REPLICA_URL:
    if not DATABASE_URL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (the primary) to be set too")
    DATABASES["replica"] = database_from(
        url=DATABASE_REPLICA_URL,
        sqlite_path="",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        prepared=DB_PREPARED_STATEMENTS,
    )
    # A replica that is down must cost a page little: give up connecting quickly.
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DB_REPLICA_CONNECT_TIMEOUT", 2, minimum=1
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database
    DATABASE_ROUTERS = ["loket.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, availability) ------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CACHES = caches_for(
    REDIS_URL,
    timeout_seconds=env_float("REDIS_TIMEOUT_SECONDS", 0.25, minimum=0.01),
    retry_seconds=env_float("REDIS_RETRY_SECONDS", 5.0, minimum=0.1),
    key_prefix=env_str("CACHE_KEY_PREFIX"),
)

# --- Background worker (django-q2) ------------------------------------------------
# The task queue is the database (a transactional outbox: a task row commits with the data
# it needs), with or without Redis: Redis is an accelerator, never a place work could be lost.
Q_CLUSTER: dict[str, object] = {
    "name": env_str("LOKET_QUEUE_NAME", "loket"),  # the Redis queue's name: one per install
    "workers": env_int("WORKER_PROCESSES", 2, minimum=1),
    "timeout": 60,
    "retry": 120,
    "max_attempts": 5,
    "catch_up": True,
    "poll": 1,
    "sync": env_bool("WORKER_SYNC", default=False),
}
# `manage.py worker` gives running tasks this long to finish on SIGTERM, then ends them (retried later).
LOKET_WORKER_STOP_GRACE_SECONDS = env_float("LOKET_WORKER_STOP_GRACE_SECONDS", 5.0, minimum=0.0)
Q_CLUSTER["orm"] = "default"
# The database broker, its queue rows written lean and, by the booking events worker, a batch
# at a time (loket/core/tasks.py).
Q_CLUSTER["broker_class"] = "loket.core.tasks.OrmBroker"

# --- Auth ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["loket.accounts.backends.EmailOrNikBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:profile"
# Staff second factor (django-otp TOTP): the name an authenticator app shows next to the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Loket Imigrasi")
# A staff login waiting for its TOTP code is forgotten after this many seconds.
LOKET_STAFF_CODE_STEP_SECONDS = env_int("LOKET_STAFF_CODE_STEP_SECONDS", 300, minimum=30)
# How long an administrator's "open authenticator enrolment" stays open for the officer.
LOKET_STAFF_ENROL_HOURS = env_int("LOKET_STAFF_ENROL_HOURS", 72, minimum=1)

# --- Language and time --------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    # Documents are sealed on the local disk (loket/core/storage.py); S3 replaces this below.
    "default": {"BACKEND": "loket.core.storage.SealedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Mail ------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Loket <no-reply@loket.local>")

# --- Security ----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# A strict CSP: only our own scripts, styles, images, sounds and requests; no inline script
# or style anywhere (pages use static files), no plugins, no framing, forms post to us only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
HTTPS = env_bool("HTTPS", default=not DEBUG and not env_bool("LOKET_DEV", default=True))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many proxies of ours stand in front of the app (each appends to X-Forwarded-For): the
# client's address is the PROXY_HOPS-th entry from the right (loket/core/ratelimit.py, README).
PROXY_HOPS = env_int("PROXY_HOPS", 1 if BEHIND_PROXY else 0, minimum=0)
# Optional: the addresses (or networks) those proxies connect from; X-Forwarded-For from any
# other sender is ignored.
PROXY_ADDRESSES = env_list("PROXY_ADDRESSES", [])
for _network in PROXY_ADDRESSES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"PROXY_ADDRESSES: {_network!r} is not an address or network") from _error
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 2_621_440, minimum=1024)

# --- Loket ------------------------------------------------------------------------
# Retention (loket/privacy/retention.py): days after the visit until a booking's personal data
# is anonymised and its documents deleted (once the booking and its application are over).
LOKET_RETENTION_DAYS = env_int("LOKET_RETENTION_DAYS", 730, minimum=1)
# /readyz reports "down" when no worker ran its heartbeat job (every minute) for this long.
LOKET_WORKER_HEARTBEAT_MAX_SECONDS = env_int("LOKET_WORKER_HEARTBEAT_MAX_SECONDS", 180, minimum=30)
LOKET_RATE_LIMITS = env_bool("LOKET_RATE_LIMITS", default=True)
LOKET_VERIFY_CODE_TTL_MINUTES = env_int("LOKET_VERIFY_CODE_TTL_MINUTES", 15, minimum=1)
LOKET_VERIFY_MAX_ATTEMPTS = env_int("LOKET_VERIFY_MAX_ATTEMPTS", 5, minimum=1)
LOKET_VERIFY_RESEND_SECONDS = env_int("LOKET_VERIFY_RESEND_SECONDS", 60, minimum=0)
LOKET_LOGIN_MAX_FAILURES = env_int("LOKET_LOGIN_MAX_FAILURES", 5, minimum=1)
LOKET_LOGIN_LOCK_SECONDS = env_int("LOKET_LOGIN_LOCK_SECONDS", 900, minimum=1)
# An API token dies after this many days without use, and in any case this many days after login.
LOKET_API_TOKEN_IDLE_DAYS = env_int("LOKET_API_TOKEN_IDLE_DAYS", 30, minimum=1)
LOKET_API_TOKEN_MAX_DAYS = env_int("LOKET_API_TOKEN_MAX_DAYS", 90, minimum=1)
LOKET_HOUSEHOLD_MAX = env_int("LOKET_HOUSEHOLD_MAX", 5, minimum=0)
# "This NIK cannot be used" answers one client address (and one account) may get per window
# (loket/accounts/probes.py: why the answer cannot be hidden, and how it is bounded).
LOKET_NIK_PROBE_LIMIT = env_int("LOKET_NIK_PROBE_LIMIT", 5, minimum=1)
LOKET_NIK_PROBE_WINDOW_SECONDS = env_int("LOKET_NIK_PROBE_WINDOW_SECONDS", 3600, minimum=60)
LOKET_UNVERIFIED_TTL_HOURS = env_int("LOKET_UNVERIFIED_TTL_HOURS", 48, minimum=1)
LOKET_AVAILABILITY_CACHE_SECONDS = env_int("LOKET_AVAILABILITY_CACHE_SECONDS", 2, minimum=0)
# A repeated availability read is answered from the process's copy of Django's answer while the
# shared cache holds the same ETag (loket/ops/lane.py); off: every read goes through Django.
LOKET_AVAILABILITY_LANE = env_bool("LOKET_AVAILABILITY_LANE", default=True)
# How long a process keeps an office's settings before reading them again (0: every time).
LOKET_OFFICE_CACHE_SECONDS = env_int("LOKET_OFFICE_CACHE_SECONDS", 10, minimum=0)
# Fair release (loket/release): the waiting room of each release.
LOKET_RELEASE_WAITING_ROOM = env_bool("LOKET_RELEASE_WAITING_ROOM", default=True)
LOKET_RELEASE_JOIN_MINUTES = env_int("LOKET_RELEASE_JOIN_MINUTES", 30, minimum=1)
# The waiting page reloads itself this often without JavaScript (<meta http-equiv="refresh">).
LOKET_RELEASE_REFRESH_SECONDS = env_int("LOKET_RELEASE_REFRESH_SECONDS", 15, minimum=2)
LOKET_RELEASE_PASS_MINUTES = env_int("LOKET_RELEASE_PASS_MINUTES", 10, minimum=1)
LOKET_RELEASE_ADMIT_FACTOR = env_float("LOKET_RELEASE_ADMIT_FACTOR", 1.5, minimum=1.0)
# Joining a waiting room costs a proof of work (ALTCHA v1, SHA-256): the solver tries on
# average half of this many hashes.
LOKET_RELEASE_POW_MAX_NUMBER = env_int("LOKET_RELEASE_POW_MAX_NUMBER", 100_000, minimum=1)
# Booking events (application, bill, messages) are handled by `manage.py booking_events`;
# "on" handles them inside the booking's own transaction instead (tests; a one-process demo).
LOKET_BOOKING_EVENTS_INLINE = env_bool("LOKET_BOOKING_EVENTS_INLINE", default=False)
LOKET_CANCEL_RELEASE_MINUTES = env_int("LOKET_CANCEL_RELEASE_MINUTES", 5, minimum=0)
LOKET_RESCHEDULE_MAX = env_int("LOKET_RESCHEDULE_MAX", 2, minimum=0)
LOKET_NO_SHOW_LIMIT = env_int("LOKET_NO_SHOW_LIMIT", 2, minimum=1)
LOKET_NO_SHOW_WINDOW_DAYS = env_int("LOKET_NO_SHOW_WINDOW_DAYS", 180, minimum=1)
LOKET_NO_SHOW_COOLDOWN_DAYS = env_int("LOKET_NO_SHOW_COOLDOWN_DAYS", 30, minimum=0)

# Payments (loket/payments): the PNBP fee is paid up front; an unpaid booking holds its seat until the deadline.
LOKET_PAYMENT_REQUIRED = env_bool("LOKET_PAYMENT_REQUIRED", default=True)
LOKET_PAYMENT_DEADLINE_MINUTES = env_int("LOKET_PAYMENT_DEADLINE_MINUTES", 120, minimum=1)
LOKET_PAYMENT_REMINDER_MINUTES = env_int("LOKET_PAYMENT_REMINDER_MINUTES", 30, minimum=0)  # 0: no reminder
# A paid fee whose booking is cancelled stays a credit of its person this many days (loket/payments/credits.py).
LOKET_FEE_CREDIT_DAYS = env_int("LOKET_FEE_CREDIT_DAYS", 365, minimum=1)
# Where to pay (bank teller, ATM, mobile banking, post office): a JSON file, see loket/payments/channels.json.
LOKET_PAYMENT_CHANNELS_FILE = env_str("LOKET_PAYMENT_CHANNELS_FILE") or str(BASE_DIR / "loket/payments/channels.json")

# The office queue (loket/onsite): estimated waits use the recent service times of the day.
LOKET_QUEUE_DEFAULT_SERVICE_MINUTES = env_int("LOKET_QUEUE_DEFAULT_SERVICE_MINUTES", 6, minimum=1)
LOKET_QUEUE_SERVICE_SAMPLE = env_int("LOKET_QUEUE_SERVICE_SAMPLE", 20, minimum=1)
PAYMENT_WEBHOOK_SECRET = env_str("PAYMENT_WEBHOOK_SECRET")
if not PAYMENT_WEBHOOK_SECRET:
    if not env_bool("LOKET_DEV", default=True):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("PAYMENT_WEBHOOK_SECRET must be set in production (LOKET_DEV=off)")
    # Like the dev SECRET_KEY: only for development, the demo simulator and tests.
    PAYMENT_WEBHOOK_SECRET = "dev-only-payment-webhook-secret"  # noqa: S105
# --- Personal data at rest (loket/core/crypto.py, README "Keys and their rotation") --------
# LOKET_DATA_KEYS: "id:base64(32 bytes)" comma-separated, the first seals; LOKET_LOOKUP_KEY: the
# keyed hash behind NIK lookups. Development derives both from the dev SECRET_KEY.
LOKET_DATA_KEYS = env_str("LOKET_DATA_KEYS")
LOKET_LOOKUP_KEY = env_str("LOKET_LOOKUP_KEY")
if not LOKET_DATA_KEYS or not LOKET_LOOKUP_KEY:
    if not env_bool("LOKET_DEV", default=True):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("LOKET_DATA_KEYS and LOKET_LOOKUP_KEY must be set in production (LOKET_DEV=off)")
    _dev = hashlib.sha256(f"loket-dev-data-key:{SECRET_KEY}".encode()).digest()
    LOKET_DATA_KEYS = LOKET_DATA_KEYS or f"dev1:{base64.b64encode(_dev).decode()}"
    LOKET_LOOKUP_KEY = LOKET_LOOKUP_KEY or hashlib.sha256(f"loket-dev-lookup-key:{SECRET_KEY}".encode()).hexdigest()
for _part in LOKET_DATA_KEYS.split(","):
    _kid, _sep, _material = _part.strip().partition(":")
    try:
        _ok = bool(_kid) and len(base64.b64decode(_material, validate=True)) == 32
    except ValueError:
        _ok = False
    if not _ok:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOKET_DATA_KEYS: {_kid!r} must be written id:base64(32 bytes)")

# The secret being rotated out: notifications signed with it are still accepted until it is removed.
PAYMENT_WEBHOOK_SECRET_PREVIOUS = env_str("PAYMENT_WEBHOOK_SECRET_PREVIOUS")
# The demo provider under /simulator/ (and `simulate_payment`); never on in production.
LOKET_PAYMENT_SIMULATOR = env_bool("LOKET_PAYMENT_SIMULATOR", default=env_bool("LOKET_DEV", default=True))
LOKET_BASE_URL = env_str("LOKET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PAYMENT_PROVIDER_URL = env_str("PAYMENT_PROVIDER_URL", f"{LOKET_BASE_URL}/simulator").rstrip("/")
PAYMENT_PROVIDER_TIMEOUT_SECONDS = env_float("PAYMENT_PROVIDER_TIMEOUT_SECONDS", 10.0, minimum=0.1)
PAYMENT_PROVIDER_RETRIES = env_int("PAYMENT_PROVIDER_RETRIES", 2, minimum=0)

# Notifications (loket/notify): SMS and WhatsApp gateways (dotted paths), delivery retries, reminders.
LOKET_SMS_BACKEND = env_str("LOKET_SMS_BACKEND", "loket.notify.gateways.ConsoleGateway")
LOKET_WHATSAPP_BACKEND = env_str("LOKET_WHATSAPP_BACKEND", "loket.notify.gateways.ConsoleGateway")
LOKET_SMS_GATEWAY_URL = env_str("LOKET_SMS_GATEWAY_URL")
LOKET_SMS_GATEWAY_TOKEN = env_str("LOKET_SMS_GATEWAY_TOKEN")
LOKET_WHATSAPP_GATEWAY_URL = env_str("LOKET_WHATSAPP_GATEWAY_URL")
LOKET_WHATSAPP_GATEWAY_TOKEN = env_str("LOKET_WHATSAPP_GATEWAY_TOKEN")
LOKET_GATEWAY_TIMEOUT_SECONDS = env_float("LOKET_GATEWAY_TIMEOUT_SECONDS", 10.0, minimum=0.1)
LOKET_NOTIFY_MAX_ATTEMPTS = env_int("LOKET_NOTIFY_MAX_ATTEMPTS", 6, minimum=1)
LOKET_NOTIFY_RETRY_BASE_SECONDS = env_int("LOKET_NOTIFY_RETRY_BASE_SECONDS", 60, minimum=1)
LOKET_NOTIFY_RETRY_MAX_SECONDS = env_int("LOKET_NOTIFY_RETRY_MAX_SECONDS", 3600, minimum=1)
# Longer than the worker's task timeout (Q_CLUSTER "timeout"), so a slow send is not taken for a dead one.
LOKET_NOTIFY_SENDING_TIMEOUT_SECONDS = env_int("LOKET_NOTIFY_SENDING_TIMEOUT_SECONDS", 300, minimum=120)
LOKET_VISIT_REMINDER_HOUR = env_int("LOKET_VISIT_REMINDER_HOUR", 9, minimum=0)
if LOKET_VISIT_REMINDER_HOUR > 23:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOKET_VISIT_REMINDER_HOUR must be 0-23; got {LOKET_VISIT_REMINDER_HOUR}")
if LOKET_SMS_BACKEND.endswith(".HttpGateway") and not LOKET_SMS_GATEWAY_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOKET_SMS_GATEWAY_URL must be set when LOKET_SMS_BACKEND is the HTTP gateway")
if LOKET_WHATSAPP_BACKEND.endswith(".HttpGateway") and not LOKET_WHATSAPP_GATEWAY_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOKET_WHATSAPP_GATEWAY_URL must be set when LOKET_WHATSAPP_BACKEND is the HTTP gateway")

# Booking by text message (loket/textchannel): each channel's gateway signs what it forwards with
# its own secret (hex HMAC-SHA256 over "<timestamp>.<raw body>", like the payment webhook). A
# channel without a secret refuses every inbound message (401): it is simply not connected.
LOKET_SMS_INBOUND_SECRET = env_str("LOKET_SMS_INBOUND_SECRET")
LOKET_WHATSAPP_INBOUND_SECRET = env_str("LOKET_WHATSAPP_INBOUND_SECRET")
if env_bool("LOKET_DEV", default=True):
    # Like the dev payment secret: only for development, the demo phone and tests.
    LOKET_SMS_INBOUND_SECRET = LOKET_SMS_INBOUND_SECRET or "dev-only-sms-inbound-secret"
    LOKET_WHATSAPP_INBOUND_SECRET = LOKET_WHATSAPP_INBOUND_SECRET or "dev-only-whatsapp-inbound-secret"
LOKET_SMS_INBOUND_SECRET_PREVIOUS = env_str("LOKET_SMS_INBOUND_SECRET_PREVIOUS")
LOKET_WHATSAPP_INBOUND_SECRET_PREVIOUS = env_str("LOKET_WHATSAPP_INBOUND_SECRET_PREVIOUS")
# How long a question waiting for "YA" (book, change, cancel) or a registration code stays open.
LOKET_TEXT_CONFIRM_MINUTES = env_int("LOKET_TEXT_CONFIRM_MINUTES", 10, minimum=1)
# The number people text (SMS/WhatsApp), shown on pages that offer the text channel; empty: not shown.
LOKET_TEXT_NUMBER = env_str("LOKET_TEXT_NUMBER")

# Dossier: uploaded documents (checked by content, see loket/dossier/uploads.py).
LOKET_UPLOAD_MAX_BYTES = env_int("LOKET_UPLOAD_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
LOKET_UPLOAD_MAX_PIXELS = env_int("LOKET_UPLOAD_MAX_PIXELS", 25_000_000, minimum=10_000)
LOKET_UPLOAD_MAX_FILES = env_int("LOKET_UPLOAD_MAX_FILES", 20, minimum=1)
# The size limit is applied before Django stores a byte of a multipart body (no big temp files).
FILE_UPLOAD_HANDLERS = [
    "loket.dossier.uploads.UploadSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Documents in S3-compatible storage when a bucket is named; boto3 reads AWS_ACCESS_KEY_ID
# and AWS_SECRET_ACCESS_KEY from the environment itself.
LOKET_S3_BUCKET = env_str("LOKET_S3_BUCKET")
if LOKET_S3_BUCKET:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = LOKET_S3_BUCKET
    AWS_S3_ENDPOINT_URL = env_str("LOKET_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env_str("LOKET_S3_REGION") or None
    AWS_DEFAULT_ACL = "private"
    AWS_S3_FILE_OVERWRITE = False

# Registry checks: Dukcapil (civil registry) and the passport registry; "file" reads the demo data.
LOKET_DUKCAPIL_ADAPTER = env_choice("LOKET_DUKCAPIL_ADAPTER", "file", ["file", "http"])
LOKET_DUKCAPIL_FILE = env_str("LOKET_DUKCAPIL_FILE", str(BASE_DIR / "loket" / "dossier" / "demo" / "dukcapil.json"))
LOKET_DUKCAPIL_URL = env_str("LOKET_DUKCAPIL_URL")
LOKET_DUKCAPIL_TOKEN = env_str("LOKET_DUKCAPIL_TOKEN")
LOKET_PASSPORT_REGISTRY_ADAPTER = env_choice("LOKET_PASSPORT_REGISTRY_ADAPTER", "file", ["file", "http"])
LOKET_PASSPORT_REGISTRY_FILE = env_str(
    "LOKET_PASSPORT_REGISTRY_FILE", str(BASE_DIR / "loket" / "dossier" / "demo" / "passports.json")
)
LOKET_PASSPORT_REGISTRY_URL = env_str("LOKET_PASSPORT_REGISTRY_URL")
LOKET_PASSPORT_REGISTRY_TOKEN = env_str("LOKET_PASSPORT_REGISTRY_TOKEN")
LOKET_REGISTRY_TIMEOUT_SECONDS = env_float("LOKET_REGISTRY_TIMEOUT_SECONDS", 5.0, minimum=0.1)
LOKET_REGISTRY_RETRIES = env_int("LOKET_REGISTRY_RETRIES", 2, minimum=0)
if LOKET_DUKCAPIL_ADAPTER == "http" and not LOKET_DUKCAPIL_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOKET_DUKCAPIL_URL must be set when LOKET_DUKCAPIL_ADAPTER=http")
if LOKET_PASSPORT_REGISTRY_ADAPTER == "http" and not LOKET_PASSPORT_REGISTRY_URL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOKET_PASSPORT_REGISTRY_URL must be set when LOKET_PASSPORT_REGISTRY_ADAPTER=http")

# Operators' metrics (loket/ops): /metrics answers a Bearer token or the listed client addresses
# (the direct peer, never a forwarded header), nobody when neither is set.
LOKET_METRICS_TOKEN = env_str("LOKET_METRICS_TOKEN")
LOKET_METRICS_ALLOWED_IPS = env_list("LOKET_METRICS_ALLOWED_IPS", [])
LOKET_METRICS_SEAT_DAYS = env_int("LOKET_METRICS_SEAT_DAYS", 7, minimum=1)
LOKET_METRICS_CACHE_SECONDS = env_int("LOKET_METRICS_CACHE_SECONDS", 30, minimum=0)

# text for a terminal; json (one object a line, with the request id) for a log service.
LOG_FORMAT = env_choice("LOG_FORMAT", "text" if env_bool("LOKET_DEV", default=True) else "json", ["text", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_pii": {"()": "loket.core.logging.MaskPiiFilter"},
        "request_id": {"()": "loket.core.logging.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "loket.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "mask_pii"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 4xx answers (a full window, a bad code) are outcomes, not faults: log 5xx only.
        "django.request": {"level": "ERROR"},
        # django-q logs every enqueued task at INFO: one line per booking in a rush.
        "django-q": {"level": "WARNING"},
        "loket.security": {"level": "INFO"},
        # One line per answered request (loket/ops/middleware.py); LOG_REQUESTS=off leaves it to the proxy.
        "loket.request": {"level": "INFO" if env_bool("LOG_REQUESTS", default=True) else "WARNING"},
    },
}
