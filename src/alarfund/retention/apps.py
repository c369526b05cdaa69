from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "alarfund.retention"
    verbose_name = "Retention"
