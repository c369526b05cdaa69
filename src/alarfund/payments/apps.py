from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "alarfund.payments"
    label = "payments"
    verbose_name = _("Payments and clawback")
    default_auto_field = "django.db.models.BigAutoField"
