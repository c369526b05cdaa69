from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "alarfund.tracking"
    label = "tracking"
    verbose_name = _("Tracking numbers")
    default_auto_field = "django.db.models.BigAutoField"
