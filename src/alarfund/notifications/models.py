"""In-app notifications, their deliveries (in-app and e-mail, each logged) and each user's preference.

A notification stores a stable kind and its parameters, not text: it is rendered in the reader's
language when shown, and in both languages in the e-mail.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices


class Kind(TextChoices):
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Returned for supplement")
    AUDIT_REQUESTED = "audit_requested", _("Audit requested")
    OPINION_REQUESTED = "opinion_requested", _("Opinion requested")
    OPINION_GIVEN = "opinion_given", _("Department opinion given")
    DECISION_MADE = "decision_made", _("Decision made")
    REOPENED = "reopened", _("Reopened after the public notice")


class Channel(TextChoices):
    IN_APP = "in_app", _("in the platform")
    EMAIL = "email", _("e-mail")


class DeliveryStatus(TextChoices):
    DELIVERED = "delivered", _("delivered")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not sent")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Delivery(models.Model):
    """One attempt to deliver a notification on one channel, and what came of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices)
    #: A stable code: why it was not sent ("preference_off", "no_address") or the error's class.
    detail = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering: ClassVar[list[str]] = ["at"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.status}"


class Preference(models.Model):
    """A user's choice of channels. In-app notices are always kept (they are the record of what was
    asked of whom); e-mail can be switched off."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("also send notifications by e-mail"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: e-mail {'on' if self.email_enabled else 'off'}"
