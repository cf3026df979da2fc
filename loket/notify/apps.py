from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "loket.notify"
    label = "notify"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        from loket.notify import handlers  # noqa: F401 - connects the receivers
