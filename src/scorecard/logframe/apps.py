from django.apps import AppConfig


class LogframeConfig(AppConfig):
    name = "scorecard.logframe"
    verbose_name = "Results framework"
