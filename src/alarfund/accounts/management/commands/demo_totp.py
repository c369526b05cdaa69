"""``alarfund manage demo_totp <username>``: the current TOTP code of a demo staff account."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from alarfund.accounts.demo import DEMO_USERNAMES


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (demo accounts only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if username not in DEMO_USERNAMES:
            raise CommandError(f"{username!r} is not a demo account; codes are shown for demo accounts only")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("id").first()
        if device is None:
            raise CommandError(f"{username!r} has no authenticator: run `alarfund demo` first")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        remaining = device.step - int(totp.time - device.t0) % device.step
        code = f"{totp.token():0{device.digits}d}"
        self.stdout.write(f"{code}  (valid for {remaining} more seconds; each code works once)")
