"""The round is opened; the applicants register, apply, and one is returned and supplements."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alarfund.accounts.demo import demo_id_number
from alarfund.applications.models import Application, ApplicationStatus
from alarfund.rounds.materials import checklist
from alarfund.rounds.models import Round, RoundStatus

from . import files
from .flow import (
    ENTERPRISES,
    RETURN_REASON,
    SALES_YEAR,
    Enterprise,
    Flow,
    accept,
    open_from_queue,
    status,
)
from .pages import Person, zh, zh_of


def bureau_opens_round(flow: Flow) -> None:
    """Art. 15: the bureau creates the round for the sales year and publishes its call."""
    officer = flow.as_("officer")
    officer.shoot("dashboard-bureau")
    officer.follow(officer.link(zh("Yearly rounds"), within=officer.page.locator("nav.site-nav")))
    officer.heading(zh("Yearly rounds"))
    officer.page.get_by_label(zh("Sales year")).select_option(str(SALES_YEAR))
    officer.submit(officer.button(zh("Continue")))
    officer.heading(str(SALES_YEAR))
    today = timezone.localdate()
    opens = max(today - dt.timedelta(days=3), dt.date(SALES_YEAR + 1, 1, 1))
    officer.page.get_by_label(zh("Applications open on")).fill(opens.isoformat())
    officer.page.get_by_label(zh("Applications close on (inclusive)")).fill(
        (today + dt.timedelta(days=30)).isoformat()
    )
    officer.shoot("round-create")
    officer.submit(officer.button(zh("Create the round")))
    officer.flash(zh("The round for %(year)s is created as a draft.", year=SALES_YEAR))
    officer.submit(officer.button(zh("Publish the round")))
    officer.flash(zh("The round is published: its call for applications is public."))
    round_ = Round.objects.get(sales_year=SALES_YEAR)
    assert round_.status == RoundStatus.PUBLISHED
    flow.round_id = str(round_.pk)
    officer.sees(status(RoundStatus.PUBLISHED))
    officer.follow(officer.link(zh("Public call for applications")))
    officer.shoot("round-public-call")


def enterprises_register(flow: Flow) -> None:
    """Each applicant registers its organisation and first user on the public registration page."""
    for enterprise in ENTERPRISES:
        person = flow.person(enterprise.full_name)
        person.goto("/accounts/register/")
        person.heading(zh("Register your organisation"))
        page = person.page
        page.get_by_label(zh("Unified social credit code")).fill(enterprise.uscc)
        page.get_by_label(zh("Name of the organisation")).fill(enterprise.name)
        page.get_by_label(zh("Type"), exact=True).select_option(enterprise.org_type)
        page.get_by_label(zh("Regiment or town")).select_option("alar_city")
        page.get_by_label(zh("Legal representative or operator"), exact=True).fill(enterprise.representative)
        page.get_by_label(zh("ID number of the legal representative or operator")).fill(
            demo_id_number(enterprise.birth_date, "215")
        )
        page.get_by_label(zh("Contact person")).fill(enterprise.full_name)
        page.get_by_label(zh("Contact phone")).fill(enterprise.phone)
        page.get_by_label(zh("Bank (branch)")).fill("中国农业银行阿拉尔分行")
        page.get_by_label(zh("Bank account number")).fill(enterprise.bank_account)
        page.get_by_label(zh("Your full name")).fill(enterprise.full_name)
        page.get_by_label(zh("User name")).fill(enterprise.username)
        page.get_by_label(zh("Password"), exact=True).fill(enterprise.password)
        page.get_by_label(zh("Password again")).fill(enterprise.password)
        if enterprise.key == "tahe":
            person.shoot("register")
        person.submit(person.button(zh("Register")))
        person.flash(zh("Your organisation is registered and you are signed in."))
        person.heading(zh("Dashboard"))
        person.sees(enterprise.name)
        enterprise.person = person
        flow.enterprises[enterprise.key] = enterprise


def _fill_application(person: Person, enterprise: Enterprise) -> None:
    page = person.page
    if enterprise.claims_traffic:
        page.get_by_label(zh("Online traffic support (Art. 7)")).check()
    page.get_by_label(zh("Online sales in the sales year (yuan)")).fill(enterprise.online_sales)
    page.get_by_label(zh("Total sales per the VAT returns (yuan)")).fill(enterprise.total_sales)
    if enterprise.claims_traffic:
        page.get_by_label(zh("Online promotion fees paid to platforms (yuan)")).fill(
            enterprise.promotion_fees
        )
        page.get_by_label(zh("We sell products of the 1st Division and Alar city online (Art. 7)")).check()
    answers = {
        "Art. 14(1): are you registered with the market regulation authorities": "Yes",
        "Art. 14(2): do you have a dishonesty record": "No",
        "Art. 14(3): have you provided false materials": "No",
        "Art. 14(4): have you submitted statistics": "Yes",
        "Art. 21: did you have a major accident": "No",
        "Art. 19: do you receive the Division's reward": "No",
    }
    groups = page.locator("fieldset.yes-no")
    assert groups.count() == len(answers)
    for index, answer in enumerate(answers.values()):
        groups.nth(index).get_by_label(zh(answer), exact=True).check()


def _upload_materials(person: Person, enterprise: Enterprise, *, only: set[str] | None = None) -> None:
    """One file per material of the checklist (the ID card as a PNG image, the others as PDF)."""
    page = person.page
    claimed = ["7"] if enterprise.claims_traffic else []
    for material in checklist(enterprise.entity, claimed):
        if only is not None and material.code not in only:
            continue
        item = page.locator(f"#m-{material.code}")
        upload = (
            files.png("身份证复印件.png") if material.code == "id_card" else files.pdf(f"{material.code}.pdf")
        )
        item.get_by_label(zh("Files")).set_input_files(upload)
        again = only is not None
        person.submit(person.button(zh("Upload a new version") if again else zh("Upload"), within=item))
        person.flash(zh("Uploaded: %(material)s", material=zh_of(material.label)))


def _submit(person: Person, enterprise: Enterprise) -> None:
    page = person.page
    person.follow(person.link(zh("Submit"), within=page.locator("nav.subnav")))
    person.heading(zh("Check and submit"))
    person.sees(zh("Your application is complete."))
    page.get_by_label(zh("Your full name (signs the pledge)")).fill(enterprise.full_name)
    page.get_by_label(
        zh("I pledge that the figures and materials of this application are true, complete and accurate.")
    ).check()
    if enterprise.key == "tahe":
        person.shoot("application-submit")
    person.submit(person.button(zh("Submit the application")))
    person.flash(
        zh("Your application is submitted. The E-commerce Association carries out the first review.")
    )


def enterprises_apply(flow: Flow) -> None:
    """Art. 16: figures, claims and declarations, every material, the pledge, submission."""
    for enterprise in flow.enterprises.values():
        person = enterprise.person
        assert person is not None
        person.follow(person.link(zh("Applications"), within=person.page.locator("nav.site-nav")))
        person.heading(zh("My applications"))
        person.submit(person.button(zh("Start an application")))
        person.heading(zh("Figures and declarations"))
        _fill_application(person, enterprise)
        person.submit(person.button(zh("Save draft")))
        person.flash(zh("The draft is saved."))
        if enterprise.key == "tahe":
            person.shoot("application-figures")
        application = Application.objects.get(organisation__uscc=enterprise.uscc)
        enterprise.application_id = str(application.pk)
        person.follow(person.link(zh("Next: materials")))
        person.heading(zh("Materials (Art. 16)"))
        _upload_materials(person, enterprise)
        if enterprise.key == "tahe":
            person.shoot("application-materials")
        _submit(person, enterprise)
        person.sees(status(ApplicationStatus.SUBMITTED))
        assert flow.application(enterprise.key).status == ApplicationStatus.SUBMITTED


def association_returns_one(flow: Flow) -> None:
    """Art. 17(2): the association's first review returns the individual business for a supplement."""
    association = flow.as_("association")
    hongzao = flow.enterprises["hongzao"]
    open_from_queue(association, zh("First review"), hongzao)
    page = association.page
    for radio in page.get_by_role("radio", name=zh("Accepted"), exact=True).all():
        radio.check()
    licence = page.get_by_role("group", name=zh("Business licence"), exact=True)
    licence.get_by_role("radio", name=zh("Needs supplement"), exact=True).check()
    licence.get_by_label(zh("What must be supplemented, and why")).fill(RETURN_REASON)
    association.shoot("first-review-return")
    association.submit(association.button(zh("Return for supplement")))
    association.flash(zh("The application was returned to the applicant for supplement."))
    assert flow.application("hongzao").status == ApplicationStatus.RETURNED


def enterprise_supplements(flow: Flow) -> None:
    """The applicant reads the reason, uploads a new version of the licence and resubmits."""
    hongzao = flow.enterprises["hongzao"]
    person = hongzao.person
    assert person is not None
    person.goto("/applications/")
    person.sees(status(ApplicationStatus.RETURNED), RETURN_REASON)
    person.shoot("applicant-returned")
    person.follow(person.link(zh("Materials"), within=person.page.locator(f"#a-{hongzao.application_id}")))
    _upload_materials(person, hongzao, only={"business_licence"})
    _submit(person, hongzao)
    assert flow.application("hongzao").status == ApplicationStatus.SUBMITTED


def association_accepts_both(flow: Flow) -> None:
    association = flow.as_("association")
    for key in ("tahe", "hongzao"):
        accept(association, zh("First review"), flow.enterprises[key])
        assert flow.application(key).status == ApplicationStatus.ASSOCIATION_ACCEPTED
