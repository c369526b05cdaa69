"""``document_upload``: permission, versions, generated names, and nothing stored on any refusal."""

from __future__ import annotations

import io
import re
import stat
import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.test import override_settings
from PIL import Image

from alarfund.accounts.choices import Role
from alarfund.accounts.permissions import Refused
from alarfund.audit.models import AuditEvent
from alarfund.evidence.models import Document, DocumentFile, DocumentVersion
from alarfund.evidence.services import UploadRefused, document_upload, documents_storage

from .conftest import EICAR, jpeg_bytes, pdf_bytes, png_bytes, upload, xlsx_bytes

APPLICATION = "application"
STORED_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}$")


def rows() -> tuple[int, int, int]:
    return Document.objects.count(), DocumentVersion.objects.count(), DocumentFile.objects.count()


@pytest.fixture
def applicant(make_user):
    return make_user(Role.APPLICANT)


def test_upload_stores_under_generated_name_with_hash_and_audit(applicant, documents_dir) -> None:
    subject = uuid.uuid4()
    data = pdf_bytes()
    version = document_upload(
        actor=applicant,
        organisation=applicant.organisation,
        material_code="business_licence",
        files=[upload("../../营业执照.pdf", data)],
        subject_type=APPLICATION,
        subject_id=subject,
    )
    assert version.number == 1 and version.uploaded_by == applicant
    document = version.document
    assert (document.organisation, document.subject_type, document.subject_id) == (
        applicant.organisation,
        APPLICATION,
        subject,
    )
    assert not document.sensitive
    (stored,) = version.files.all()
    assert STORED_NAME.match(stored.stored_name)
    assert stored.original_name == "营业执照.pdf"
    assert stored.kind == "pdf" and stored.size == len(data)
    import hashlib

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    path = documents_dir / stored.stored_name
    assert path.read_bytes() == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "营业执照" not in str(path) and ".." not in str(path)
    event = AuditEvent.objects.filter(action="document.upload").latest("seq")
    assert event.result == "success" and event.object_id == str(document.pk)
    assert event.details["files"][0]["sha256"] == stored.sha256


def test_every_version_is_kept(applicant) -> None:
    org = applicant.organisation
    first = document_upload(
        actor=applicant, organisation=org, material_code="bank_receipt", files=[upload("a.pdf", pdf_bytes())]
    )
    second = document_upload(
        actor=applicant,
        organisation=org,
        material_code="bank_receipt",
        files=[upload("b.pdf", pdf_bytes(b"% second")), upload("c.png", png_bytes())],
    )
    third = document_upload(
        actor=applicant,
        organisation=org,
        material_code="bank_receipt",
        files=[upload("d.pdf", pdf_bytes(b"% third"))],
        document=first.document,
    )
    assert first.document == second.document == third.document
    assert [v.number for v in first.document.versions.order_by("number")] == [1, 2, 3]
    assert [f.original_name for f in second.files.order_by("position")] == ["b.pdf", "c.png"]
    assert DocumentFile.objects.count() == 4
    storage = documents_storage()
    assert all(storage.exists(f.stored_name) for f in DocumentFile.objects.all())
    assert first.document.latest_version == third


def test_sensitive_material_is_marked(applicant) -> None:
    version = document_upload(
        actor=applicant,
        organisation=applicant.organisation,
        material_code="id_card",
        files=[upload("front.jpg", jpeg_bytes()), upload("back.jpg", jpeg_bytes())],
    )
    assert version.document.sensitive
    assert version.files.count() == 2


def test_stored_jpeg_has_no_gps(applicant, documents_dir) -> None:
    version = document_upload(
        actor=applicant,
        organisation=applicant.organisation,
        material_code="id_card",
        files=[upload("IMG_0001.JPG", jpeg_bytes(gps=True))],
    )
    (stored,) = version.files.all()
    data = (documents_dir / stored.stored_name).read_bytes()
    assert stored.metadata_removed
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert b"Exif" not in data and b"TestCam" not in data


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([("invoice.pdf", b"<html><script>alert(1)</script></html>")], "active_content"),
        ([("ok.pdf", pdf_bytes()), ("eicar.pdf", EICAR)], "eicar"),  # one bad file: none stored
        ([(f"f{n}.pdf", pdf_bytes()) for n in range(11)], "too_many_files"),
        ([], "no_files"),
        ([("setup.exe.pdf", b"MZ\x90\x00" + b"\x00" * 200)], "executable"),
    ],
)
def test_refused_upload_leaves_nothing_behind(applicant, stored_files, files, code) -> None:
    before = rows()
    with pytest.raises(UploadRefused) as caught:
        document_upload(
            actor=applicant,
            organisation=applicant.organisation,
            material_code="business_licence",
            files=[upload(name, data) for name, data in files],
        )
    assert caught.value.reason_code == code
    assert isinstance(caught.value, ValidationError) and caught.value.messages[0]
    assert rows() == before
    assert stored_files() == []
    refusal = AuditEvent.objects.filter(action="document.upload").latest("seq")
    assert refusal.result == "refused" and refusal.details["code"] == code


@override_settings(ALARFUND_UPLOAD_MAX_BYTES=4096)
def test_oversized_upload_refused_nothing_stored(applicant, stored_files) -> None:
    with pytest.raises(UploadRefused) as caught:
        document_upload(
            actor=applicant,
            organisation=applicant.organisation,
            material_code="business_licence",
            files=[upload("big.pdf", pdf_bytes(b"%" + b"x" * 10_000))],
        )
    assert caught.value.reason_code == "too_large"
    assert rows() == (0, 0, 0) and stored_files() == []


def test_zip_bomb_upload_refused_nothing_stored(applicant, stored_files) -> None:
    from .conftest import zip_with

    bomb = zip_with(xlsx_bytes(), {"xl/worksheets/sheet2.xml": b"\x00" * (40 * 1024 * 1024)})
    with pytest.raises(UploadRefused):
        document_upload(
            actor=applicant,
            organisation=applicant.organisation,
            material_code="tracking_numbers",
            files=[upload("单号.xlsx", bomb)],
        )
    assert rows() == (0, 0, 0) and stored_files() == []


def test_database_failure_removes_the_stored_files(applicant, stored_files) -> None:
    with (
        mock.patch("alarfund.evidence.services.audit_record", side_effect=DatabaseError("boom")),
        pytest.raises(DatabaseError),
    ):
        document_upload(
            actor=applicant,
            organisation=applicant.organisation,
            material_code="business_licence",
            files=[upload("a.pdf", pdf_bytes()), upload("b.png", png_bytes())],
        )
    assert rows() == (0, 0, 0)
    assert stored_files() == []


def test_only_the_organisations_own_users_upload(make_user, make_org) -> None:
    applicant = make_user(Role.APPLICANT)
    with pytest.raises(Refused):
        document_upload(
            actor=applicant,
            organisation=make_org(),
            material_code="business_licence",
            files=[upload("a.pdf", pdf_bytes())],
        )
    reviewer = make_user(Role.ASSOCIATION_REVIEWER)
    with pytest.raises(Refused):
        document_upload(
            actor=reviewer,
            organisation=applicant.organisation,
            material_code="business_licence",
            files=[upload("a.pdf", pdf_bytes())],
        )
    assert rows() == (0, 0, 0)


def test_document_of_another_subject_cannot_be_extended(applicant) -> None:
    version = document_upload(
        actor=applicant,
        organisation=applicant.organisation,
        material_code="bank_receipt",
        files=[upload("a.pdf", pdf_bytes())],
    )
    with pytest.raises(ValueError):
        document_upload(
            actor=applicant,
            organisation=applicant.organisation,
            material_code="vat_return",
            files=[upload("a.pdf", pdf_bytes())],
            document=version.document,
        )


def test_trusted_command_may_upload_without_actor(make_org) -> None:
    organisation = make_org()
    version = document_upload(
        actor=None,
        organisation=organisation,
        material_code="business_licence",
        files=[upload("a.pdf", pdf_bytes())],
    )
    assert version.uploaded_by is None


def test_form_field_helper_counts_files_and_hints_types() -> None:
    from django import forms as django_forms

    from alarfund.evidence.forms import DocumentFilesField, accept_attribute

    assert accept_attribute("tracking_numbers") == ".xlsx,.csv"
    assert ".pdf" in accept_attribute("business_licence")

    class Form(django_forms.Form):
        files = DocumentFilesField(material_code="id_card")

    from django.utils.datastructures import MultiValueDict

    two = MultiValueDict({"files": [upload("a.jpg", jpeg_bytes()), upload("b.jpg", jpeg_bytes())]})
    form = Form(data={}, files=two)
    assert form.is_valid() and len(form.cleaned_data["files"]) == 2
    widget = str(form["files"])
    assert 'accept=".jpg,.jpeg,.jpe,.jfif,.png,.pdf"' in widget and "multiple" in widget
    many = MultiValueDict({"files": [upload(f"{n}.pdf", pdf_bytes()) for n in range(11)]})
    assert not Form(data={}, files=many).is_valid()
    assert not Form(data={}, files=MultiValueDict()).is_valid()
