"""Periodic jobs of payments, run by the background worker (schedules made by migrations 0003, 0004)."""

import datetime as dt

from loket.payments.provider import provider_from_settings
from loket.payments.services import payments_expire_overdue, payments_reconcile, payments_remind_due


def payment_deadlines() -> dict[str, int]:
    # Expire first: a bill past its deadline gets the expiry message, not a late reminder.
    expired = payments_expire_overdue()
    reminded = payments_remind_due()
    return {"expired": expired, "reminded": reminded}


def payments_reconcile_recent() -> dict[str, int]:
    """Every 30 minutes (migration 0004): ask the provider about open and recently expired bills,
    so a payment whose notification was lost is still applied without anyone running a command."""
    with provider_from_settings() as provider:
        summary = payments_reconcile(provider=provider, expired_within=dt.timedelta(hours=24), limit=1000)
    return {"asked": summary.asked, "changed": summary.changed, "errors": summary.errors}
