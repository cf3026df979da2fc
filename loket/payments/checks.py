"""System checks of the payments app (run by `manage.py check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core import checks


def simulator_off_in_production(**kwargs: Any) -> list[checks.CheckMessage]:
    # The simulator is a fake bank: with it on, reconciliation may believe bills it invented.
    if settings.LOKET_PAYMENT_SIMULATOR:
        return [
            checks.Warning(
                "LOKET_PAYMENT_SIMULATOR is on: /simulator/ answers as the payment provider.",
                hint="Set LOKET_PAYMENT_SIMULATOR=off and PAYMENT_PROVIDER_URL to the real provider.",
                id="payments.W001",
            )
        ]
    return []
