from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alarfund.oversight"
    label = "oversight"
    verbose_name = "Oversight"
