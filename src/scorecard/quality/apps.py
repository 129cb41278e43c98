from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "scorecard.quality"
    verbose_name = _("Enumerator quality checks")
