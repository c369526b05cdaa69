"""The client's address, trusting X-Forwarded-For only from the configured number of proxies."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """REMOTE_ADDR, or the address the nearest trusted proxy saw (``ALARFUND_TRUSTED_PROXIES``)."""
    meta = getattr(request, "META", {})
    trusted = int(getattr(settings, "ALARFUND_TRUSTED_PROXIES", 0) or 0)
    if trusted > 0:
        hops = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(hops) >= trusted:
            address = _valid(hops[-trusted])
            if address:
                return address
    return _valid(meta.get("REMOTE_ADDR", "") or "")
