"""The single-machine default (``alarfund serve``): SQLite and private documents in the data folder.

Plain HTTP on one host, so cookies are not marked Secure here; put the platform behind HTTPS with the
production settings for anything reachable by others. ``ALARFUND_DEBUG=true`` shows Django's debug
pages (never on a shared machine).
"""

from .base import *  # noqa: F403
from .env import flag

DEBUG = flag("ALARFUND_DEBUG", False)
