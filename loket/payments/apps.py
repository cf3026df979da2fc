from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "loket.payments"
    label = "payments"
    verbose_name = _("Pembayaran PNBP")

    def ready(self) -> None:
        from loket.payments import handlers  # connects the receivers
        from loket.payments.checks import payment_channels_readable, simulator_off_in_production

        checks.register(simulator_off_in_production, checks.Tags.security, deploy=True)
        checks.register(payment_channels_readable)
        handlers.load_settled()
