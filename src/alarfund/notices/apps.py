from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "alarfund.notices"
    label = "notices"
    verbose_name = _("Public notice and working-day calendar")
    default_auto_field = "django.db.models.BigAutoField"
