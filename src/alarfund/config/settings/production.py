"""Production: HTTPS behind a reverse proxy, secrets and hosts from the environment.

Must pass ``manage.py check --deploy --fail-level WARNING`` (a test runs it).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import flag, integer, items, text

DEBUG = False

SECRET_KEY = text("ALARFUND_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("production needs ALARFUND_SECRET_KEY (at least 50 random characters)")

# Every host of a deployment must encrypt and decrypt with the same key: never a per-host generated one.
if not text("ALARFUND_FIELD_KEY"):
    raise ImproperlyConfigured(
        "production needs ALARFUND_FIELD_KEY (base64 of 32 random bytes, the same on every host; "
        'generate one with: python -c "import alarfund.sensitive as s; print(s.new_master_key())")'
    )

ALLOWED_HOSTS = items("ALARFUND_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("production needs ALARFUND_ALLOWED_HOSTS (comma-separated host names)")

SECURE_SSL_REDIRECT = flag("ALARFUND_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if flag("ALARFUND_BEHIND_PROXY", True):
    # The proxy terminates TLS and must set this header (and strip it from client requests).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = integer("ALARFUND_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# "preload" in the header only permits submitting the domain to the browsers' preload list.
SECURE_HSTS_PRELOAD = flag("ALARFUND_HSTS_PRELOAD", True)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # an intranet host name cannot be preloaded anyway

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-alarfund_session"
CSRF_COOKIE_NAME = "__Host-alarfund_csrf"
