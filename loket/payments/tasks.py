"""Periodic jobs of payments, run by the background worker every minute (migration 0003)."""

from loket.payments.services import payments_expire_overdue, payments_remind_due


def payment_deadlines() -> dict[str, int]:
    # Expire first: a bill past its deadline gets the expiry message, not a late reminder.
    expired = payments_expire_overdue()
    reminded = payments_remind_due()
    return {"expired": expired, "reminded": reminded}
