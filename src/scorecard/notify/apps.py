from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "scorecard.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from scorecard.notify import signals  # noqa: F401  (connects the receivers)
