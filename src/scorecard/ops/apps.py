from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "scorecard.ops"
    label = "ops"
    verbose_name = "Operations"
