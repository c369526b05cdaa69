"""WSGI entry point (served by waitress through ``alarfund serve``, or any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alarfund.config.settings.dev")

application = get_wsgi_application()
