"""The URL map. Object routes use UUIDs only (a test fails on any ``<int:...>`` converter)."""

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("alarfund.web.urls")),
    path("accounts/", include("alarfund.accounts.urls")),
    path("documents/", include("alarfund.evidence.urls")),
    path("rounds/", include("alarfund.rounds.urls")),
    path("applications/", include("alarfund.applications.urls")),
    path("calculator/", include("alarfund.calculator.urls")),
    path("tracking/", include("alarfund.tracking.urls")),
    path("review/", include("alarfund.review.urls")),
    path("registers/", include("alarfund.registers.urls")),
    path("notifications/", include("alarfund.notifications.urls")),
    path("plans/", include("alarfund.plans.urls")),
    path("payments/", include("alarfund.payments.urls")),
    path("oversight/", include("alarfund.oversight.urls")),
    path("notices/", include("alarfund.notices.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler400 = "alarfund.web.errors.bad_request"
handler403 = "alarfund.web.errors.permission_denied"
handler404 = "alarfund.web.errors.page_not_found"
handler500 = "alarfund.web.errors.server_error"
