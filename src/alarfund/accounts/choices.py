"""Closed lists stored as stable codes; the labels are translated."""

from django.utils.translation import gettext_lazy as _

from alarfund.config.choices import TextChoices


class Role(TextChoices):
    """Who a user is in the procedure of Art. 17–18."""

    APPLICANT = "applicant", _("Enterprise user")
    ASSOCIATION_REVIEWER = "association_reviewer", _("Association reviewer")
    BUREAU_OFFICER = "bureau_officer", _("Commerce Bureau officer")
    BUREAU_APPROVER = "bureau_approver", _("Commerce Bureau approver")
    AUDITOR = "auditor", _("Third-party auditor")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    FINANCE_OFFICER = "finance_officer", _("Finance Bureau officer")
    ADMINISTRATOR = "administrator", _("System administrator")


STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}


class Department(TextChoices):
    """The departments the Commerce Bureau consults (Art. 17 (三))."""

    STATISTICS = "statistics", _("Statistics Bureau")
    TAX = "tax", _("Tax Bureau")
    MARKET_REGULATION = "market_regulation", _("Market Regulation Bureau")


class OrganisationType(TextChoices):
    """Kinds of applicant named in Art. 14."""

    ENTERPRISE = "enterprise", _("Enterprise with independent legal-person status")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    BRANCH = "branch", _("Branch")
    SERVICE_PROVIDER = "service_provider", _("Third-party service provider")


class Jurisdiction(TextChoices):
    """Where the organisation is registered within the 师市 (the list is confirmed by the bureau)."""

    ALAR_CITY = "alar_city", _("Alar city urban area")
    REGIMENT_1 = "regiment_1", _("1st Regiment")
    REGIMENT_2 = "regiment_2", _("2nd Regiment")
    REGIMENT_3 = "regiment_3", _("3rd Regiment")
    REGIMENT_4 = "regiment_4", _("4th Regiment")
    REGIMENT_5 = "regiment_5", _("5th Regiment")
    REGIMENT_6 = "regiment_6", _("6th Regiment")
    REGIMENT_7 = "regiment_7", _("7th Regiment")
    REGIMENT_8 = "regiment_8", _("8th Regiment")
    REGIMENT_9 = "regiment_9", _("9th Regiment")
    REGIMENT_10 = "regiment_10", _("10th Regiment")
    REGIMENT_11 = "regiment_11", _("11th Regiment")
    REGIMENT_12 = "regiment_12", _("12th Regiment")
    REGIMENT_13 = "regiment_13", _("13th Regiment")
    REGIMENT_14 = "regiment_14", _("14th Regiment")
    REGIMENT_16 = "regiment_16", _("16th Regiment")
    OTHER = "other", _("Elsewhere within the Division and city")
