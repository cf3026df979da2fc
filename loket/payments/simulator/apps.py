from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulatorConfig(AppConfig):
    """A stand-in payment provider (bank/SIMPONI) for demos and tests, served by Loket itself."""

    name = "loket.payments.simulator"
    label = "paysim"
    verbose_name = _("Simulator pembayaran")
