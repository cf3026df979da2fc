from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "loket.booking"
    label = "booking"
    verbose_name = _("Pemesanan")

    def ready(self) -> None:
        from loket.booking import closures, imports  # noqa: F401 - connect the closures' messages and the class quotas
