"""Settings shared by every installation. The environment decides the rest (see env.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from . import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key(DATA_DIR)
DEBUG = False
ALLOWED_HOSTS = env.items("ALARFUND_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.items("ALARFUND_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "alarfund.audit",
    "alarfund.accounts",
    "alarfund.evidence",
    "alarfund.web",
    "alarfund.rounds",
    "alarfund.applications",
    "alarfund.tracking",
    "alarfund.review",
    "alarfund.registers",
    "alarfund.notifications",
    "alarfund.plans",
    "alarfund.notices",
    "alarfund.retention",
    "alarfund.payments",
    "alarfund.oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alarfund.web.middleware.RequestIdMiddleware",
    "alarfund.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "alarfund.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "alarfund.accounts.middleware.SessionLifetimeMiddleware",
    "alarfund.accounts.middleware.AccountGateMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alarfund.config.urls"
WSGI_APPLICATION = "alarfund.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alarfund.web.context_processors.shell",
                "alarfund.notifications.context_processors.unread",
            ],
        },
    }
]

DATABASES = {"default": env.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STORAGES = env.storages(DATA_DIR)

# --- Accounts, passwords, sessions ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "alarfund.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "alarfund.accounts.validators.StaffComplexityValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "alarfund_session"
SESSION_COOKIE_AGE = 30 * 60  # the server forgets a session idle for 30 minutes
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
ALARFUND_SESSION_IDLE_SECONDS = 30 * 60
ALARFUND_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "alarfund.web.errors.csrf_failure"

# Two-factor (TOTP) for staff.
OTP_TOTP_ISSUER = "alarfund"
OTP_TOTP_THROTTLE_FACTOR = 1

# Login throttling: 5 failures for one user name (from any address), or from one address, lock for
# 15 minutes. Unknown user names are counted like real ones, so the reply never tells them apart.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "alarfund.accounts.views_auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "alarfund.web.net.client_ip"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "token"]

# Who may see an auditor's rounds: the rounds app provides this function (see permissions.py).
ALARFUND_AUDITOR_ENGAGEMENTS = "alarfund.rounds.services.engaged_round_ids"
# Number of trusted reverse proxies in front of the app (client address from X-Forwarded-For).
ALARFUND_TRUSTED_PROXIES = env.integer("ALARFUND_TRUSTED_PROXIES", 0)

# --- Sensitive personal data and private documents (docs/adr/0007) ------------------------------
# Field-encryption master keys, current first (ALARFUND_FIELD_KEY or a generated key file).
ALARFUND_FIELD_KEYS = env.field_keys(DATA_DIR)
ALARFUND_UPLOAD_MAX_BYTES = env.integer("ALARFUND_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# A tracking-number list may hold 2,000,000 rows (issue 9): ~85 MB as CSV, ~400 MB of sheet XML inside
# an ~46 MB XLSX (read as a stream; the compression-ratio cap still stops zip bombs).
ALARFUND_UPLOAD_MAX_BYTES_BY_MATERIAL = {"tracking_numbers": 160 * 1024 * 1024}
ALARFUND_XLSX_MAX_UNCOMPRESSED_BY_MATERIAL = {"tracking_numbers": 1024 * 1024 * 1024}
ALARFUND_UPLOAD_MAX_FILES = env.integer("ALARFUND_UPLOAD_MAX_FILES", 10)
# Which kinds each material accepts (others: pdf, jpeg, png, xlsx, csv).
ALARFUND_UPLOAD_KINDS_BY_MATERIAL = {
    "tracking_numbers": ["xlsx", "csv"],
    "bank_results": ["xlsx", "csv"],
    "id_card": ["jpeg", "png", "pdf"],
}
ALARFUND_SENSITIVE_MATERIALS = ["id_card"]
# (document) -> Scope: the rounds/applications apps name their function here (auditor engagement).
ALARFUND_DOCUMENT_SCOPE = "alarfund.applications.selectors.document_scope"

# --- Retention (docs/retention.md; security checklist 29, 38) ----------------------------------
ALARFUND_RETENTION = {
    # ID card images and other sensitive uploads: days after the round's application window closed.
    "sensitive_documents_days": env.integer("ALARFUND_RETENTION_SENSITIVE_DAYS", 3 * 365),
    # Objectors' names and contacts: days after their public notice closed.
    "objection_contact_days": env.integer("ALARFUND_RETENTION_OBJECTION_DAYS", 365),
    # Audit events are never deleted by the job; this is the floor the law sets (网络安全法 Art. 21).
    "audit_min_days": 180,
}
# The separate store for copies of the audit trail (mount another volume or a write-once bucket here).
ALARFUND_AUDIT_ARCHIVE_DIR = Path(env.text("ALARFUND_AUDIT_ARCHIVE_DIR") or DATA_DIR / "audit-archive")

# --- Language -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "alarfund_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files (served by whitenoise; no CDN anywhere) ----------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.text("ALARFUND_STATIC_ROOT") or DATA_DIR / "static")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_MAX_AGE = 3600

# Uploads are bounded; the evidence app sets its own per-file limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Security headers ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Background tasks (django-tasks with the database backend) ------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- E-mail ---------------------------------------------------------------------------------------
_email = env.email()
EMAIL_BACKEND = str(_email.pop("EMAIL_BACKEND"))
DEFAULT_FROM_EMAIL = str(_email.pop("DEFAULT_FROM_EMAIL"))
SERVER_EMAIL = str(_email.pop("SERVER_EMAIL"))
globals().update(_email)

# --- Logging: no request bodies, no cookies; each line carries the request id ---------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "alarfund.web.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.text("ALARFUND_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "waitress": {"level": "INFO"},
    },
}

# Labels used in templates (kept here so that every page says the same thing).
ALARFUND_SITE_NAME = _("Alar E-commerce and Logistics Fund Platform")
# The address users reach the platform at, for links in e-mails (e.g. https://fund.example.gov.cn).
ALARFUND_BASE_URL = env.text("ALARFUND_BASE_URL")
