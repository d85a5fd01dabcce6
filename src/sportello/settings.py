"""Sportello settings, read from environment variables (see README "Configuration")."""

import secrets
from pathlib import Path

import dj_database_url
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from sportello.env import (
    email_settings,
    envbool,
    envint,
    envlist,
    envname,
    envsecret,
    envstr,
    required,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(envstr("SPORTELLO_VAR_DIR") or PROJECT_DIR / "var")

# "embedded" runs everything on one machine with SQLite and no external service;
# "production" insists on every setting a real deployment needs.
DEPLOYMENT = envstr("SPORTELLO_DEPLOYMENT", "embedded")
PRODUCTION = DEPLOYMENT == "production"
DEBUG = envbool("DEBUG", False)


def _embedded_secret_key() -> str:
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY", envsecret("SECRET_KEY"), "in production")
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [])
    required("ALLOWED_HOSTS", ",".join(ALLOWED_HOSTS), "in production")
    DATABASE_URL = required("DATABASE_URL", envstr("DATABASE_URL"), "in production")
    EMAIL_URL = required("EMAIL_URL", envstr("EMAIL_URL"), "in production")
else:
    SECRET_KEY = envsecret("SECRET_KEY") or _embedded_secret_key()
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    DATABASE_URL = envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sportello.sqlite3'}"
    EMAIL_URL = envstr("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}"

SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "csp",
    "sportello.core",
    "sportello.accounts",
    "sportello.audit",
    "sportello.switchboard",
    "sportello.hiring",
    "sportello.helpdesk",
]

MIDDLEWARE = [
    "sportello.core.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sportello.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "sportello.urls"
WSGI_APPLICATION = "sportello.wsgi.application"
ASGI_APPLICATION = "sportello.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sportello.core.context_processors.site",
            ],
        },
    },
]

# Production keeps each worker's connection open (no connect per request), checked before reuse.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", 600 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that skips `SELECT 1` on a quiet connection.
    DATABASES["default"]["ENGINE"] = "sportello.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web, worker and engine processes share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "sportello.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    if PRODUCTION:
        # Sessions stay server-side in the database (revocable, nothing in the cookie but the
        # key); Redis only saves the SELECT on each request.
        SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email", "media"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "sportello.accounts.backends.ModelBackend",
    "sportello.accounts.oidc.CitizenOIDCBackend",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 48
OTP_TOTP_ISSUER = envstr("SITE_NAME", "Sportello")

# OpenID Connect for SPID/CIE identity providers (usually through a federation proxy).
OIDC_ENABLED = bool(envstr("OIDC_OP_ISSUER"))
OIDC_OP_ISSUER = (envstr("OIDC_OP_ISSUER") or "").rstrip("/")
OIDC_RP_CLIENT_ID = envstr("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = envsecret("OIDC_RP_CLIENT_SECRET") or ""
OIDC_RP_SIGN_ALGO = envstr("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = envstr("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = envstr(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", f"{OIDC_OP_ISSUER}/authorize/"
)
OIDC_OP_TOKEN_ENDPOINT = envstr("OIDC_OP_TOKEN_ENDPOINT", f"{OIDC_OP_ISSUER}/token/")
OIDC_OP_USER_ENDPOINT = envstr("OIDC_OP_USER_ENDPOINT", f"{OIDC_OP_ISSUER}/userinfo/")
OIDC_OP_JWKS_ENDPOINT = envstr("OIDC_OP_JWKS_ENDPOINT", f"{OIDC_OP_ISSUER}/.well-known/jwks.json")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_USE_PKCE = True
# mozilla-django-oidc redirects to this one as it is, without resolving a URL name.
LOGIN_REDIRECT_URL_FAILURE = reverse_lazy("accounts:login")

LANGUAGE_CODE = "it"
LANGUAGES = [
    ("it", _("Italian")),
    ("fr", _("French")),
    ("ca", _("Catalan")),
    ("es", _("Spanish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT") or VAR_DIR / "static")
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve static files straight from the apps in the embedded run; production runs collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files (attachments, recordings) live outside the web root and are served by views
# that check permissions; nothing under MEDIA_ROOT is ever served directly.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Sportello <noreply@sportello.invalid>")

# Security defaults.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 8)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"] + ([OIDC_OP_ISSUER] if OIDC_OP_ISSUER else []),
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

RATELIMIT_LOGIN = envstr("RATELIMIT_LOGIN", "10/m")
RATELIMIT_SIGNUP = envstr("RATELIMIT_SIGNUP", "5/m")
RATELIMIT_PASSWORD_RESET = envstr("RATELIMIT_PASSWORD_RESET", "5/m")
# Per citizen, not per address: on a click day many citizens apply from one office's address.
RATELIMIT_APPLICATION = envstr("RATELIMIT_APPLICATION", "20/m")
RATELIMIT_VIEW = "sportello.core.views.ratelimited"
# Django's cache-based lockout: after this many failed logins an account waits.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 15 * 60)

# Theme: another region's service can use its own identity.
SITE_NAME = envstr("SITE_NAME", "Sportello")
SITE_OWNER = envstr("SITE_OWNER", "Servizio per l'impiego")
THEME_PRIMARY_COLOR = envstr("THEME_PRIMARY_COLOR", "#0066cc")
THEME_LOGO_URL = envstr("THEME_LOGO_URL", "")

METRICS_TOKEN = envsecret("METRICS_TOKEN") or ""

# Switchboard engine. With no SWITCHBOARD_MEDIA_NODES the engine starts its own rtpengine.
SWITCHBOARD_SIP_HOST = envstr("SWITCHBOARD_SIP_HOST", "127.0.0.1")
SWITCHBOARD_SIP_PORT = envint("SWITCHBOARD_SIP_PORT", 5060)
# With several engine instances, each its own name: a restarting instance closes only its own
# calls and queues again only its own callbacks.
SWITCHBOARD_ENGINE_NAME = envname("SWITCHBOARD_ENGINE_NAME", "main", max_length=64)  # Call.engine
SWITCHBOARD_MEDIA_NODES = envlist("SWITCHBOARD_MEDIA_NODES", [])
SWITCHBOARD_MEDIA_INTERFACE = envstr("SWITCHBOARD_MEDIA_INTERFACE", "127.0.0.1")
SWITCHBOARD_RTP_PORT_MIN = envint("SWITCHBOARD_RTP_PORT_MIN", 30000)
SWITCHBOARD_RTP_PORT_MAX = envint("SWITCHBOARD_RTP_PORT_MAX", 39999)
SWITCHBOARD_DTMF_PORT = envint("SWITCHBOARD_DTMF_PORT", 0)
# A browser agent whose desktop WebSocket stays closed this long is logged out of the ACD.
SWITCHBOARD_AGENT_GRACE_SECONDS = envint("SWITCHBOARD_AGENT_GRACE_SECONDS", 20)
# ICE for browser agents behind strict NAT: stun:/turn:/turns: URLs; with a secret, coturn's
# REST-API credentials (use-auth-secret) valid for the TTL are generated per desktop page.
SWITCHBOARD_TURN_URLS = envlist("SWITCHBOARD_TURN_URLS", [])
SWITCHBOARD_TURN_SECRET = envsecret("SWITCHBOARD_TURN_SECRET") or ""
SWITCHBOARD_TURN_TTL_SECONDS = envint("SWITCHBOARD_TURN_TTL_SECONDS", 86400)
# The number an agent's click-to-dial call presents; empty means the first service number.
SWITCHBOARD_DIAL_OUT_NUMBER = envstr("SWITCHBOARD_DIAL_OUT_NUMBER", "")
# The wallboard follows engine events live; this slow poll only catches a lost one.
SWITCHBOARD_WALLBOARD_POLL_SECONDS = envint("SWITCHBOARD_WALLBOARD_POLL_SECONDS", 30)
# Callback requests older than this are not re-queued when the engine restarts.
SWITCHBOARD_CALLBACK_EXPIRY_HOURS = envint("SWITCHBOARD_CALLBACK_EXPIRY_HOURS", 24)
# A caller typing the number to be called back on: this pause after a digit ends the number.
SWITCHBOARD_CALLBACK_DIGIT_SECONDS = envint("SWITCHBOARD_CALLBACK_DIGIT_SECONDS", 5)

# Hiring: attachments (PDF/JPEG) per file, and how long they are kept after a call closes.
HIRING_ATTACHMENT_MAX_BYTES = envint("HIRING_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
HIRING_ATTACHMENT_RETENTION_DAYS = envint("HIRING_ATTACHMENT_RETENTION_DAYS", 365)

# SMS gateway (Twilio Messages API or compatible) for help-desk reminders; unset means no SMS.
SMS_API_URL = envstr("SMS_API_URL", "")
SMS_ACCOUNT = envstr("SMS_ACCOUNT", "")
SMS_TOKEN = envsecret("SMS_TOKEN") or ""
SMS_FROM = envstr("SMS_FROM", "")

LOG_FORMAT = envstr("LOG_FORMAT", "text")
LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
