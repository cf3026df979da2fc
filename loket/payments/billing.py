"""Opening the bill of a new booking. Called by booking services inside the seat transaction.

Kept apart from services.py (which calls back into booking services) so that booking can
import it without an import cycle.
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone

from loket.booking.models import Booking
from loket.core import datefmt
from loket.core.db import insert_with_children
from loket.payments.models import Payment, PaymentItem, PaymentStatus
from loket.payments.selectors import bill_items

BILLING_CODE_LENGTH = 15  # the length of a SIMPONI billing code


def new_billing_code() -> str:
    # 9·10^14 codes: a guessed code almost surely belongs to nobody, and a collision
    # (unique constraint) fails the booking transaction like a booking-code collision.
    return str(secrets.choice("123456789")) + "".join(secrets.choice("0123456789") for _ in range(14))


def payment_open(
    *, booking: Booking, deadline: dt.datetime | None = None, memo: dict[Any, Any] | None = None
) -> Payment:
    """The bill for `booking` at today's fee, payable until the deadline (never after the visit).

    `deadline`: set by the caller for a walk-in (the end of the visit's day; see loket/walkin),
    who gets the bill on paper and no reminder (there is no account to remind).
    `memo`: where bill_items keeps the fees it read in this transaction (the worker's batch_memo).
    """
    now = timezone.now()
    office = booking.office
    items = bill_items(booking, on=office.local_today(), memo=memo)
    remind = deadline is None
    if deadline is None:
        # A seat held unpaid past the window's start would be a seat nobody can use.
        deadline = min(now + dt.timedelta(minutes=settings.LOKET_PAYMENT_DEADLINE_MINUTES), booking.slot.starts_at)
    lead = dt.timedelta(minutes=settings.LOKET_PAYMENT_REMINDER_MINUTES)
    remind_at = deadline - lead if remind and lead and deadline - lead > now else None
    payment = Payment(
        booking=booking,
        billing_code=new_billing_code(),
        amount=sum(amount for _item, amount in items),
        deadline=deadline,
        remind_at=remind_at,
    )
    # The bill and its lines in one statement (on PostgreSQL).
    insert_with_children(payment, [PaymentItem(item=item, amount=amount) for item, amount in items], link="payment")
    return payment


def payment_class_change(*, payment: Payment, deadline: dt.datetime | None = None) -> bool:
    """The booking's class changed (at the counter): an unpaid bill gets the new lines and
    amount and, when the amount changed, a new billing code (a code stands for one amount at
    the bank; the old one is void). A paid bill is not touched here: it is adjusted
    (adjustments.payment_class_adjust). True when the bill changed."""
    if payment.status == PaymentStatus.PAID:
        return False
    booking = payment.booking
    items = bill_items(booking, on=booking.office.local_today())
    amount = sum(value for _item, value in items)
    fields: dict[str, Any] = {}
    if amount != payment.amount:
        fields = {"amount": amount, "billing_code": new_billing_code(), "status": PaymentStatus.PENDING}
    if deadline is not None and deadline < payment.deadline:
        fields["deadline"] = deadline
    PaymentItem.objects.filter(payment=payment).delete()
    PaymentItem.objects.bulk_create([PaymentItem(payment=payment, item=item, amount=value) for item, value in items])
    if not fields:
        return False
    Payment.objects.filter(pk=payment.pk).exclude(status=PaymentStatus.PAID).update(**fields)
    return True


def payment_context(payment: Payment) -> dict[str, Any]:
    """The fields the payment_due and payment_reminder messages need, in the office's time zone."""
    office = payment.booking.office
    return {
        "amount": datefmt.deferred(datefmt.rupiah, payment.amount),
        "billing_code": datefmt.grouped(payment.billing_code),
        # Written in the reader's language when the message is rendered.
        "deadline": datefmt.deferred(datefmt.in_zone, payment.deadline, office),
    }
