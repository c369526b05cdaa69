"""Objections to a public notice: filed by anyone during the period, decided by the Commerce Bureau.

* Filing (no account): name, contact, the enterprise concerned (from the notice's list, or the list
  as a whole), text, optional attachment checked by the evidence app (PDF, JPEG, PNG only; size cap).
  At most ``ALARFUND_OBJECTIONS_PER_HOUR`` per client address and hour, counted in the database (holds
  across processes). The objector gets a tracking code, shown once.
* Deciding (``PLAN_PREPARE`` or ``REVIEW_SECOND``): dismissed with a reason, or upheld with a reason:
  the application goes back to the bureau's final figures (READY → AUDITED), the notice is withdrawn
  and the plan version superseded by a new draft; the next notice of the round is its reissue.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import uuid
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from alarfund import sensitive
from alarfund.accounts.permissions import ALLOWED, Capability, Decision, Refused, check
from alarfund.applications.models import Application, ApplicationStatus
from alarfund.applications.services import application_transition
from alarfund.audit.services import Actor, AuditContext, audit_record
from alarfund.evidence import validation
from alarfund.evidence.exceptions import UploadRefused
from alarfund.evidence.services import discard_stored, documents_storage, store_checked
from alarfund.plans.models import PlanVersion, VersionStatus
from alarfund.plans.services import OutOfSequence, plan_new_version

from . import services, workdays
from .models import Notice, NoticeStatus, Objection, ObjectionStatus

logger = logging.getLogger("alarfund.notices")

#: No 0/O, 1/I/L: read aloud or copied by hand without ambiguity. 31^12 ≈ 7.9·10^17 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
ATTACHMENT_MATERIAL = "objection_attachment"
ATTACHMENT_KINDS = ("pdf", "jpeg", "png")
DEFAULT_PER_HOUR = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DECIDERS = (Capability.PLAN_PREPARE, Capability.REVIEW_SECOND)


class Throttled(Exception):
    """Too many objections from one network: the page answers 429."""


def per_hour() -> int:
    return int(getattr(settings, "ALARFUND_OBJECTIONS_PER_HOUR", DEFAULT_PER_HOUR))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "ALARFUND_OBJECTION_MAX_BYTES", DEFAULT_MAX_BYTES))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:40]


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _client_hash(address: str | None) -> str:
    return sensitive.lookup_hash(address or "unknown", kind="objection_client")


def accepting(notice: Notice, today: dt.date | None = None) -> tuple[bool, str]:
    """Does the notice take objections today? (False, why) after its period or once it is not live."""
    today = today or timezone.localdate()
    if notice.status == NoticeStatus.CLOSED:
        return False, _("This notice is closed: objections are no longer accepted.")
    if notice.status == NoticeStatus.WITHDRAWN:
        return False, _("This notice was withdrawn: objections are no longer accepted.")
    try:
        end = services.effective_end(notice)
    except workdays.CalendarMissing:
        end = notice.earliest_end
    if today > end:
        return False, _("The notice period ended on %(end)s: objections are no longer accepted.") % {
            "end": end.isoformat()
        }
    return True, ""


def _clean(
    notice: Notice, *, name: str, contact: str, application_id: str, text: str
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Enter your name (at most 100 characters).")]
    if not (PHONE.match(contact) or (EMAIL.match(contact) and len(contact) <= 200)):
        errors["contact"] = [_("Enter a phone number or an e-mail address where the bureau can reach you.")]
    if not text or len(text) > 5000:
        errors["text"] = [_("Describe the objection (at most 5,000 characters).")]
    listed = {entry["application"]: entry["name"] for entry in notice.content}
    application_id = (application_id or "").strip()
    if application_id and application_id not in listed:
        errors["application"] = [_("Choose an enterprise of this notice's list.")]
    clean = {
        "name": name,
        "contact": contact,
        "text": text,
        "application_id": application_id or None,
        "enterprise_name": listed.get(application_id, ""),
    }
    return clean, errors


def _prepare_attachment(upload: Any) -> validation.Prepared | None:
    if upload is None:
        return None
    limit = max_attachment_bytes()
    filename = str(getattr(upload, "name", ""))[:150]
    if int(getattr(upload, "size", 0) or 0) > limit:
        raise UploadRefused(
            _("the file is larger than %(limit)s, the most accepted for an objection.")
            % {"limit": filesizeformat(limit)},
            code="too_large",
            filename=filename,
        )
    prepared = validation.prepare(upload, material_code=ATTACHMENT_MATERIAL)
    if prepared.kind not in ATTACHMENT_KINDS or prepared.size > limit:
        prepared.close()
        raise UploadRefused(
            _("only PDF, JPEG or PNG files up to %(limit)s are accepted.") % {"limit": filesizeformat(limit)},
            code="kind",
            filename=filename,
        )
    return prepared


def objection_file(
    *,
    notice: Notice,
    name: str,
    contact: str,
    application_id: str,
    text: str,
    upload: Any = None,
    client_address: str | None,
    today: dt.date | None = None,
    context: AuditContext | None = None,
) -> Objection:
    """File an objection (anyone, no account). Raises ``Throttled``, ``OutOfSequence`` or ``ValidationError``."""
    client = _client_hash(client_address)
    since = timezone.now() - dt.timedelta(hours=1)
    if Objection.objects.filter(client_hash=client, filed_at__gte=since).count() >= per_hour():
        audit_record(
            action="objection.throttled",
            result="refused",
            actor=Actor(role="anonymous"),
            context=context,
            object_type="notice",
            object_id=notice.pk,
        )
        raise Throttled()
    open_now, why = accepting(notice, today)
    if not open_now:
        raise OutOfSequence(why)
    clean, errors = _clean(notice, name=name, contact=contact, application_id=application_id, text=text)
    if errors:
        raise ValidationError(errors)
    try:
        prepared = _prepare_attachment(upload)
    except UploadRefused as exc:
        raise ValidationError({"attachment": [str(m) for m in exc.messages]}, code=exc.reason_code) from None
    stored = ""
    try:
        with transaction.atomic():
            current = Notice.objects.select_for_update().get(pk=notice.pk)
            open_now, why = accepting(current, today)
            if not open_now:
                raise OutOfSequence(why)
            if prepared is not None:
                stored = store_checked(prepared, folder="objections/")
            objection = None
            for _attempt in range(5):
                try:
                    with transaction.atomic():
                        objection = Objection.objects.create(
                            notice=current,
                            application_id=clean["application_id"],
                            enterprise_name=clean["enterprise_name"],
                            tracking_code=new_code(),
                            name=clean["name"],
                            contact=clean["contact"],
                            text=clean["text"],
                            client_hash=client,
                            attachment_stored_name=stored,
                            attachment_name=prepared.display_name[:150] if prepared else "",
                            attachment_kind=prepared.kind if prepared else "",
                            attachment_content_type=prepared.content_type if prepared else "",
                            attachment_size=prepared.size if prepared else 0,
                            attachment_sha256=prepared.sha256 if prepared else "",
                        )
                    break
                except IntegrityError:
                    continue
            if objection is None:
                raise RuntimeError("no free tracking code")
            audit_record(
                action="objection.file",
                actor=Actor(role="anonymous"),
                context=context,
                object_type="objection",
                object_id=objection.pk,
                details={
                    "notice": str(current.pk),
                    "application": clean["application_id"] or "",
                    "attachment_sha256": objection.attachment_sha256,
                },
            )
    except BaseException:
        if stored:
            _discard(stored)
        raise
    finally:
        if prepared is not None:
            prepared.close()
    return objection


_discard = discard_stored


def objection_lookup(code: str) -> Objection | None:
    normalised = normalise_code(code)
    if len(normalised) != CODE_LENGTH:
        return None
    return Objection.objects.select_related("notice").filter(tracking_code=normalised).first()


# -- the bureau's side -------------------------------------------------------------------------------


def can_decide(user: Any) -> Decision:
    refusal = None
    for capability in DECIDERS:
        decision = check(user, capability)
        if decision:
            return ALLOWED
        refusal = refusal or decision
    assert refusal is not None
    return refusal


def require_decider(user: Any) -> None:
    decision = can_decide(user)
    if not decision:
        raise Refused(decision, capability=Capability.PLAN_PREPARE)


def objection_decide(
    *,
    by: Any,
    objection: Objection,
    outcome: str,
    finding: str,
    context: AuditContext | None = None,
) -> Objection:
    """Record the bureau's finding; an upheld objection sends the application back and withdraws the notice."""
    require_decider(by)
    finding = (finding or "").strip()
    if outcome not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ValidationError({"outcome": [_("Choose whether the objection is upheld or dismissed.")]})
    if not finding:
        raise ValidationError({"finding": [_("Give the reason for the finding: the objector will read it.")]})
    with transaction.atomic():
        current = Objection.objects.select_for_update().select_related("notice").get(pk=objection.pk)
        if current.status != ObjectionStatus.OPEN:
            raise OutOfSequence(_("A finding is already recorded for this objection."))
        current.status = outcome
        current.finding = finding[:5000]
        current.decided_at = timezone.now()
        current.decided_by = by
        current.save()
        consequences: dict[str, Any] = {}
        if outcome == ObjectionStatus.UPHELD:
            consequences = _uphold(current, by=by, finding=finding, context=context)
        audit_record(
            action=f"objection.{outcome}",
            actor=Actor.of(by),
            context=context,
            object_type="objection",
            object_id=current.pk,
            details={
                "notice": str(current.notice_id),
                "application": str(current.application_id or ""),
                "finding": finding[:1000],
                **consequences,
            },
        )
    return current


def _uphold(objection: Objection, *, by: Any, finding: str, context: AuditContext | None) -> dict[str, Any]:
    reason = _("Objection %(code)s upheld in the public notice: %(finding)s") % {
        "code": display_code(objection.tracking_code),
        "finding": finding,
    }
    done: dict[str, Any] = {}
    if objection.application_id:
        application = Application.objects.get(pk=objection.application_id)
        if application.status == ApplicationStatus.READY:
            application_transition(
                by=by, application=application, to=ApplicationStatus.AUDITED, note=reason, context=context
            )
            done["application_reopened"] = str(application.pk)
    notice = Notice.objects.select_for_update().get(pk=objection.notice_id)
    if notice.status == NoticeStatus.PUBLISHED:
        services.withdraw(notice, by=by, reason=reason)
        services._audit(by, "notice.withdraw", notice, context, reason=reason, objection=str(objection.pk))
        done["notice_withdrawn"] = str(notice.pk)
    version = PlanVersion.objects.get(pk=notice.plan_version_id)
    if version.status in (VersionStatus.FROZEN, VersionStatus.APPROVED):
        new = plan_new_version(by=by, version=version, reason=reason, context=context)
        done["new_plan_version"] = str(new.pk)
    return done


def objection_view(*, by: Any, objection: Objection, context: AuditContext | None = None) -> Objection:
    """The bureau opens an objection with the objector's name and contact (personal data: audited)."""
    require_decider(by)
    audit_record(
        action="objection.view",
        actor=Actor.of(by),
        context=context,
        object_type="objection",
        object_id=objection.pk,
        details={"notice": str(objection.notice_id)},
    )
    return objection


def objection_attachment_open(
    *, by: Any, objection_id: uuid.UUID, context: AuditContext | None = None
) -> tuple[Objection, IO[bytes]]:
    require_decider(by)
    objection = Objection.objects.filter(pk=objection_id).first()
    if objection is None or not objection.has_attachment:
        raise Http404
    handle = documents_storage().open(objection.attachment_stored_name, "rb")
    audit_record(
        action="objection.attachment_view",
        actor=Actor.of(by),
        context=context,
        object_type="objection",
        object_id=objection.pk,
        details={"sha256": objection.attachment_sha256},
    )
    return objection, handle
