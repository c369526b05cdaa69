"""Notifications to whoever must act next, in the platform and by e-mail, after the commit.

Services that change an application call `notify_status_change` / `notify_opinion` inside their
transaction; the work is registered with `transaction.on_commit`, so a rolled-back change notifies
nobody. After the commit each recipient gets an in-app notification and, unless they switched e-mail
off (or have no address), an e-mail; every delivery is logged as a `Delivery` row. A failing mail
server is logged and never undoes or breaks the change that was committed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alarfund.accounts.choices import Role
from alarfund.accounts.models import User
from alarfund.accounts.permissions import Capability, roles_with
from alarfund.audit.services import Actor, AuditContext, audit_record

from .models import Channel, Delivery, DeliveryStatus, Kind, Notification, Preference
from .texts import render_email

logger = logging.getLogger("alarfund.notifications")


def _after_commit(work: Callable[[], None]) -> None:
    def run() -> None:
        try:
            with transaction.atomic():
                work()
        except Exception:
            logger.exception("notifications could not be delivered")

    transaction.on_commit(run)


def users_with(capability: Capability) -> list[User]:
    """Every active account whose role holds the capability (per the permission table)."""
    return list(User.objects.filter(role__in=list(roles_with(capability)), is_active=True))


def _members(application: Any) -> list[User]:
    return list(User.objects.filter(organisation_id=application.organisation_id, is_active=True))


def _engaged_auditors(application: Any) -> list[User]:
    from alarfund.rounds.models import AuditorEngagement

    ids = AuditorEngagement.objects.filter(round_id=application.round_id).values("auditor_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _url(recipient: User, application: Any) -> str:
    if application is None:
        return reverse("notifications:inbox")
    if recipient.role == Role.APPLICANT:
        return reverse("applications:detail", args=[application.pk])
    return reverse("review:application", args=[application.pk])


def email_enabled(user: User) -> bool:
    preference = Preference.objects.filter(user=user).first()
    return preference.email_enabled if preference else True


def deliver(
    *, recipients: Iterable[User], kind: str, application: Any = None, params: dict[str, Any]
) -> list[Notification]:
    """Create the in-app notifications and send the e-mails, logging each delivery (after a commit)."""
    created = []
    base = getattr(settings, "ALARFUND_BASE_URL", "").rstrip("/")
    seen: set[uuid.UUID] = set()
    for recipient in recipients:
        if recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        url = _url(recipient, application)
        notification = Notification.objects.create(
            recipient=recipient, kind=kind, application=application, params=params, url=url
        )
        Delivery.objects.create(
            notification=notification, channel=Channel.IN_APP, status=DeliveryStatus.DELIVERED
        )
        _send_email(notification, recipient, f"{base}{url}" if base else "")
        created.append(notification)
    return created


def _send_email(notification: Notification, recipient: User, link: str) -> None:
    if not email_enabled(recipient):
        Delivery.objects.create(
            notification=notification,
            channel=Channel.EMAIL,
            status=DeliveryStatus.SKIPPED,
            detail="preference_off",
        )
        return
    if not recipient.email:
        Delivery.objects.create(
            notification=notification,
            channel=Channel.EMAIL,
            status=DeliveryStatus.SKIPPED,
            detail="no_address",
        )
        return
    text = render_email(notification, link)
    try:
        EmailMessage(
            subject=text.subject.replace("\n", " "),
            body=text.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
        ).send(fail_silently=False)
    except Exception as exc:  # the mail server's problem must not break anything else
        logger.warning("e-mail notification %s failed: %s", notification.pk, type(exc).__name__)
        Delivery.objects.create(
            notification=notification,
            channel=Channel.EMAIL,
            status=DeliveryStatus.FAILED,
            detail=type(exc).__name__[:100],
            address=recipient.email,
        )
        return
    Delivery.objects.create(
        notification=notification, channel=Channel.EMAIL, status=DeliveryStatus.SENT, address=recipient.email
    )


def _common(application: Any) -> dict[str, Any]:
    return {"organisation": application.organisation.name, "round_year": application.round.sales_year}


def notify_status_change(*, application: Any, from_status: str, note: str = "") -> None:
    """After the commit: tell whoever must act next on the application's new status."""
    to_status = application.status
    application_id = application.pk

    def work() -> None:
        from alarfund.applications.models import Application
        from alarfund.applications.models import ApplicationStatus as S
        from alarfund.applications.services import open_request

        app = Application.objects.select_related("organisation", "round").get(pk=application_id)
        params = {**_common(app), "status": to_status, "from": from_status}
        if to_status == S.SUBMITTED:
            params.update(stage="first", resubmitted=from_status == S.RETURNED)
            deliver(
                recipients=users_with(Capability.REVIEW_FIRST),
                kind=Kind.REVIEW_REQUESTED,
                application=app,
                params=params,
            )
        elif to_status == S.ASSOCIATION_ACCEPTED:
            params.update(stage="second")
            deliver(
                recipients=users_with(Capability.REVIEW_SECOND),
                kind=Kind.REVIEW_REQUESTED,
                application=app,
                params=params,
            )
        elif to_status == S.BUREAU_ACCEPTED:
            deliver(
                recipients=_engaged_auditors(app), kind=Kind.AUDIT_REQUESTED, application=app, params=params
            )
        elif to_status == S.AUDITED:
            deliver(
                recipients=users_with(Capability.DEPARTMENT_OPINION),
                kind=Kind.OPINION_REQUESTED,
                application=app,
                params=params,
            )
            if from_status == S.READY:  # an objection in the public notice was upheld (Art. 17)
                params["note"] = note
                deliver(recipients=_members(app), kind=Kind.REOPENED, application=app, params=params)
        elif to_status == S.RETURNED:
            request = open_request(app)
            params["items"] = list(request.items) if request else []
            deliver(recipients=_members(app), kind=Kind.SUPPLEMENT_REQUESTED, application=app, params=params)
        elif to_status in (S.READY, S.REJECTED):
            params["note"] = note
            deliver(recipients=_members(app), kind=Kind.DECISION_MADE, application=app, params=params)

    _after_commit(work)


def notify_opinion(*, application: Any, opinion: Any) -> None:
    """After the commit: the bureau hears of an objection at once, and of the consultation's end when
    the three departments have all answered without objection."""
    application_id = application.pk
    department, verdict, reason = opinion.department, opinion.verdict, opinion.reason

    def work() -> None:
        from alarfund.applications.models import Application
        from alarfund.review.selectors import DEPARTMENTS, latest_opinions

        app = Application.objects.select_related("organisation", "round").get(pk=application_id)
        latest = latest_opinions(app)
        complete = all(d in latest and latest[d].verdict == "no_objection" for d in DEPARTMENTS)
        if verdict != "objection" and not complete:
            return
        params = {**_common(app), "department": department, "verdict": verdict, "reason": reason}
        deliver(
            recipients=users_with(Capability.REVIEW_SECOND),
            kind=Kind.OPINION_GIVEN,
            application=app,
            params=params,
        )

    _after_commit(work)


# -- the recipient's side --------------------------------------------------------------------------
def notification_open(*, by: Any, notification_id: uuid.UUID) -> Notification:
    """Mark one of the user's own notifications read (someone else's: not found)."""
    notification = Notification.objects.get(pk=notification_id, recipient_id=by.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, by: Any) -> int:
    return Notification.objects.filter(recipient_id=by.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_set(*, by: Any, email_enabled: bool, context: AuditContext | None = None) -> Preference:
    """Switch e-mail notifications on or off for oneself (in-app notices always stay)."""
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user=by)
        before = preference.email_enabled
        preference.email_enabled = bool(email_enabled)
        preference.save()
        audit_record(
            action="notifications.preference",
            actor=Actor.of(by),
            context=context,
            object_type="user",
            object_id=by.pk,
            details={"before": {"email": before}, "after": {"email": preference.email_enabled}},
        )
    return preference


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
