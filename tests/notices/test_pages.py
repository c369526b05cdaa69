"""The public pages (no sign-in) show no personal data; printable lists per jurisdiction; exports;
the bureau's publish and close pages; the plan page's notice block; the administrator's calendar."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from alarfund.accounts.choices import Role
from alarfund.accounts.models import Organisation
from alarfund.audit.models import AuditEvent
from alarfund.notices.models import CalendarDay, CalendarYear, Notice, NoticeStatus
from alarfund.notices.services import notice_close, notice_publish

pytestmark = pytest.mark.django_db
D = dt.date
ID_NUMBER = "65290119800101123X"


@pytest.fixture
def live(known_today, officer, frozen) -> Notice:
    Organisation.objects.update(representative_id_number=ID_NUMBER)
    return notice_publish(by=officer, version=frozen, starts_on=known_today)


def _personal_data() -> list[str]:
    values = []
    for org in Organisation.objects.all():
        values += [org.uscc, org.bank_account, org.contact_phone, org.contact_name, org.legal_representative]
        values.append(org.representative_id_number)
    return [v for v in values if v]


def test_public_pages_and_exports_show_no_personal_data(live) -> None:
    client = Client()
    personal = _personal_data()
    assert ID_NUMBER in personal and "13999700000" in personal and "6228480123456789012" in personal
    pages = [
        reverse("notices:public_list"),
        reverse("notices:public_detail", args=[live.pk]),
        reverse("notices:print", args=[live.pk]),
        reverse("notices:print", args=[live.pk]) + "?jurisdiction=regiment_12",
        reverse("notices:object", args=[live.pk]),
        reverse("notices:lookup"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for value in personal:
            assert value not in body, (url, value)
    detail = client.get(pages[1]).content.decode()
    assert live.content[0]["name"] in detail and "objections/new" in detail
    xlsx = client.get(reverse("notices:export_xlsx", args=[live.pk]))
    csv = client.get(reverse("notices:export_csv", args=[live.pk]))
    assert xlsx.status_code == csv.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    text = csv.content.decode("utf-8-sig")
    for value in personal:
        assert value not in " ".join(cells) and value not in text
    # A hostile enterprise name never becomes a formula.
    assert any(c.startswith("'=HYPERLINK") for c in cells) and "'=HYPERLINK" in text
    assert not any(c.startswith("=") for c in cells)


def test_printable_page_per_jurisdiction(live) -> None:
    client = Client()
    detail = client.get(reverse("notices:public_detail", args=[live.pk])).content.decode()
    assert "?jurisdiction=regiment_12" in detail and "?jurisdiction=alar_city" in detail
    assert '?jurisdiction=regiment_1"' not in detail  # only jurisdictions present
    regiment = client.get(reverse("notices:print", args=[live.pk]), {"jurisdiction": "regiment_12"})
    body = regiment.content.decode()
    names = {e["jurisdiction"]: e["name"] for e in live.content}
    assert "十二团" in body and names["alar_city"] not in body
    assert (
        client.get(reverse("notices:print", args=[live.pk]), {"jurisdiction": "regiment_3"}).status_code
        == 404
    )


def test_after_closing_the_list_is_no_longer_public(officer, frozen) -> None:
    notice = notice_publish(by=officer, version=frozen, starts_on=D(2025, 3, 27), today=D(2025, 3, 27))
    notice = notice_close(by=officer, notice=notice, lock=notice.lock, today=D(2025, 4, 4))
    client = Client()
    body = client.get(reverse("notices:public_detail", args=[notice.pk])).content.decode()
    assert notice.content[0]["name"] not in body and notice.status == NoticeStatus.CLOSED
    for name in ("notices:print", "notices:export_xlsx", "notices:export_csv"):
        assert client.get(reverse(name, args=[notice.pk])).status_code == 404
    form = client.get(reverse("notices:object", args=[notice.pk])).content.decode()
    assert '<form method="post" enctype' not in form


def test_officer_publishes_from_the_plan_page_and_cannot_close_early(known_today, client_as, frozen) -> None:
    client, _officer = client_as(Role.BUREAU_OFFICER)
    version_page = client.get(reverse("plans:version", args=[frozen.pk])).content.decode()
    assert reverse("notices:publish", args=[frozen.pk]) in version_page
    preview = client.get(reverse("notices:publish", args=[frozen.pk]), {"starts_on": known_today.isoformat()})
    assert preview.status_code == 200 and known_today.isoformat() in preview.content.decode()
    past = client.post(reverse("notices:publish", args=[frozen.pk]), {"starts_on": "2020-01-01"})
    assert past.status_code == 400 and not Notice.objects.exists()
    response = client.post(
        reverse("notices:publish", args=[frozen.pk]), {"starts_on": known_today.isoformat()}
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:manage", args=[notice.pk])
    assert (
        client.post(
            reverse("notices:publish", args=[frozen.pk]), {"starts_on": known_today.isoformat()}
        ).status_code
        == 409
    )
    early = client.post(reverse("notices:close", args=[notice.pk]), {"lock": notice.lock})
    assert early.status_code == 409 and Notice.objects.get().status == NoticeStatus.PUBLISHED
    version_page = client.get(reverse("plans:version", args=[frozen.pk])).content.decode()
    assert reverse("notices:public_detail", args=[notice.pk]) in version_page
    approver, _user = client_as(Role.BUREAU_APPROVER)
    approver_page = approver.get(reverse("plans:version", args=[frozen.pk])).content.decode()
    assert reverse("notices:manage", args=[notice.pk]) not in approver_page
    assert approver.get(reverse("notices:manage", args=[notice.pk])).status_code == 403


def test_publishing_into_an_unknown_year_names_the_year_on_the_page(client_as, frozen) -> None:
    client, _officer = client_as(Role.BUREAU_OFFICER)
    CalendarYear.objects.filter(year__gte=2026).delete()
    # 2026 has no confirmed Xinjiang days here (the current year may be later: then it is unknown too).
    preview = client.get(reverse("notices:publish", args=[frozen.pk]), {"starts_on": "2026-12-28"})
    assert (
        preview.status_code == 200
        and "2026" in preview.content.decode()
        and "管理员" in preview.content.decode()
    )


def test_administrator_keeps_the_calendar(client_as) -> None:
    client, admin = client_as(Role.ADMINISTRATOR)
    page = client.get(reverse("notices:calendar"))
    assert page.status_code == 200
    url = reverse("notices:calendar_day_add")
    data = {
        "date": "2027-01-01",
        "region": "national",
        "kind": "holiday",
        "name": "元旦",
        "source": "国办发明电〔2026〕X号（测试）",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 400  # the same date and region twice
    assert client.post(url, {**data, "source": ""}).status_code == 400
    day = CalendarDay.objects.get(date=D(2027, 1, 1))
    assert day.entered_by == admin
    year_url = reverse("notices:calendar_year")
    response = client.post(year_url, {"year": 2027, "part": "national", "source": "国办发明电（测试）"})
    assert response.status_code == 302 and CalendarYear.objects.get(year=2027).national_confirmed
    refused = client.post(year_url, {"year": 2026, "part": "national", "source": "x"})
    assert refused.status_code == 400  # built in: only exceptions are entered
    detail = client.get(reverse("notices:calendar"), {"year": 2027}).content.decode()
    assert "元旦" in detail and "国办发明电" in detail
    assert client.post(reverse("notices:calendar_day_remove", args=[day.pk])).status_code == 302
    actions = list(AuditEvent.objects.filter(action__startswith="calendar.").values_list("action", flat=True))
    assert actions == ["calendar.day_add", "calendar.year_confirm", "calendar.day_remove"]
    removed = AuditEvent.objects.get(action="calendar.day_remove")
    assert removed.details["name"] == "元旦" and removed.details["date"] == "2027-01-01"
    seeded = client.get(reverse("notices:calendar"), {"year": 2025}).content.decode()
    assert "肉孜节" in seeded and "古尔邦节" in seeded
    for role in (Role.BUREAU_OFFICER, Role.APPLICANT):
        other, _user = client_as(role)
        assert other.get(reverse("notices:calendar")).status_code == 403
        assert other.post(url, data).status_code == 403


def test_calendar_page_in_english_has_no_chinese_chrome(client_as) -> None:
    client, _admin = client_as(Role.ADMINISTRATOR, full_name="Test User")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("notices:calendar")).content.decode()
    visible = re.sub(r"<[^>]+>", " ", body).replace("简体中文", "")
    assert "Working-day calendar" in body and not re.findall(r"[\u4e00-\u9fff]+", visible)
