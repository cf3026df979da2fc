from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextChannelConfig(AppConfig):
    """Booking by SMS and WhatsApp: inbound messages, the conversation, replies through the outbox."""

    name = "loket.textchannel"
    label = "textchannel"
    verbose_name = _("Pemesanan lewat SMS/WhatsApp")

    def ready(self) -> None:
        from loket.textchannel import handlers  # noqa: F401 - connects the receivers
