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


def payment_channels_readable(**kwargs: Any) -> list[checks.CheckMessage]:
    """The payment channels file (shown with every bill) must read, or the pages showing it fail."""
    from loket.payments.channels import payment_channels

    try:
        payment_channels("id")
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [checks.Error(f"LOKET_PAYMENT_CHANNELS_FILE: {error}", id="payments.E001")]
    return []
