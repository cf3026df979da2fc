"""A class change at the counter after the bill was paid: the bill is adjusted, not refused.

Regular to express: the express fee becomes an additional bill with its own billing code (a
code stands for one amount at the bank, and the old one is paid). Express back to regular: an
express charge not paid yet is voided; one paid (on the bill or as a charge) leaves a note that
its fee is owed back to the person (BillAdjustment's docstring says why not a FeeCredit).
Back and forth again reuses what is there: a refund note still open is voided rather than a
second charge opened.
"""

import datetime as dt

from django.db.models import QuerySet

from loket.booking.classes import express_payment_deadline
from loket.booking.models import QuotaClass
from loket.payments.billing import new_billing_code
from loket.payments.models import (
    AdjustmentKind,
    AdjustmentStatus,
    BillAdjustment,
    FeeItem,
    Payment,
    PaymentItem,
)
from loket.payments.selectors import express_fee_for


def _express_rows(payment: Payment) -> list[BillAdjustment]:
    # Locked: the webhook settling a charge and a class change adjusting the bill take turns.
    rows = BillAdjustment.objects.select_for_update().filter(payment=payment, item=FeeItem.EXPRESS)
    return list(rows.exclude(status=AdjustmentStatus.VOID).order_by("pk"))


def payment_class_adjust(*, payment: Payment, deadline: dt.datetime | None = None) -> BillAdjustment | None:
    """Adjust a paid bill to the booking's class now; the adjustment made or voided, else None."""
    booking = payment.booking
    rows = _express_rows(payment)
    on_bill = PaymentItem.objects.filter(payment=payment, item=FeeItem.EXPRESS).values_list("amount", flat=True)
    paid = [
        *on_bill,
        *(r.amount for r in rows if r.kind == AdjustmentKind.CHARGE and r.status == AdjustmentStatus.PAID),
    ]
    owed_back = [r for r in rows if r.kind == AdjustmentKind.REFUND and r.status == AdjustmentStatus.OPEN]
    open_charges = [r for r in rows if r.kind == AdjustmentKind.CHARGE and r.status == AdjustmentStatus.OPEN]
    covered = len(paid) - len(owed_back)
    if booking.quota_class == QuotaClass.EXPRESS:
        if covered > 0 or open_charges:
            return None
        if owed_back:  # express again before the fee went back: it stays paid
            return _void(owed_back[-1])
        today = booking.office.local_today()
        return BillAdjustment.objects.create(
            payment=payment,
            kind=AdjustmentKind.CHARGE,
            item=FeeItem.EXPRESS,
            amount=express_fee_for(on=today).amount,
            billing_code=new_billing_code(),
            deadline=deadline or express_payment_deadline(booking.office, today),
        )
    if open_charges:
        return _void(open_charges[-1])
    if covered > 0:
        return refund_note(payment=payment, amount=paid[-1])
    return None


def refund_note(*, payment: Payment, amount: int) -> BillAdjustment:
    return BillAdjustment.objects.create(
        payment=payment, kind=AdjustmentKind.REFUND, item=FeeItem.EXPRESS, amount=amount
    )


def _void(row: BillAdjustment) -> BillAdjustment:
    BillAdjustment.objects.filter(pk=row.pk, status=AdjustmentStatus.OPEN).update(status=AdjustmentStatus.VOID)
    row.status = AdjustmentStatus.VOID
    return row


def adjustments_of(payment: Payment) -> QuerySet[BillAdjustment]:
    """What changed on a paid bill, oldest first (the counter and the proof show it)."""
    return BillAdjustment.objects.filter(payment=payment).exclude(status=AdjustmentStatus.VOID).order_by("pk")
