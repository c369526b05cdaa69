from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "alarfund.plans"
    label = "plans"
    verbose_name = _("Reward plans")
    default_auto_field = "django.db.models.BigAutoField"
