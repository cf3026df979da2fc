from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "loket.notify"
    label = "notify"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        from loket.booking.events import load_with
        from loket.notify import handlers  # noqa: F401 - connects the receivers

        # The channels of the account a booking's messages go to, read with the event.
        load_with("booking__booked_by__notification_preference")
