"""Reads for payments: the fee in force, and the bills the worker or staff must look at."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from loket.booking.models import Booking, BookingStatus, QuotaClass
from loket.core.errors import DomainError
from loket.payments.models import (
    AdjustmentKind,
    AdjustmentStatus,
    BillAdjustment,
    FeeItem,
    FeeRate,
    Payment,
    PaymentStatus,
)

UNPAID = [PaymentStatus.PENDING, PaymentStatus.FAILED]


def fee_for(passport_type: str, *, on: dt.date) -> FeeRate:
    """The rate in force on `on`: the one with the latest `effective_from` not after it."""
    rate = FeeRate.objects.filter(item=FeeItem.PASSPORT, passport_type=passport_type, effective_from__lte=on).order_by(
        "-effective_from"
    )
    found = rate.first()
    if found is None:
        # A configuration gap, not the applicant's mistake: refuse rather than bill Rp0.
        raise DomainError(
            "fee_unknown", _("Tarif PNBP untuk jenis paspor ini belum ditetapkan."), field="passport_type", status=503
        )
    return found


def express_fee_for(*, on: dt.date) -> FeeRate:
    """The express service's PNBP in force on `on`."""
    found = FeeRate.objects.filter(item=FeeItem.EXPRESS, effective_from__lte=on).order_by("-effective_from").first()
    if found is None:
        raise DomainError(
            "fee_unknown", _("Tarif PNBP layanan percepatan belum ditetapkan."), field="quota_class", status=503
        )
    return found


def bill_items(booking: Booking, *, on: dt.date, memo: dict[Any, Any] | None = None) -> list[tuple[str, int]]:
    """The lines of the booking's bill at the fees in force on `on`: the passport, and the
    express service for an express place. With `memo` (the events worker's batch: one
    transaction), a fee read once is used again for the same item and day."""
    memo = {} if memo is None else memo

    def amount(key: tuple[Any, ...], read: Callable[[], FeeRate]) -> int:
        if key not in memo:
            memo[key] = read().amount
        return int(memo[key])

    passport_type = booking.passport_type
    items = [
        (FeeItem.PASSPORT.value, amount(("payments_fee", passport_type, on), lambda: fee_for(passport_type, on=on)))
    ]
    if booking.quota_class == QuotaClass.EXPRESS:
        items.append((FeeItem.EXPRESS.value, amount(("payments_fee_express", on), lambda: express_fee_for(on=on))))
    return items


@dataclass(frozen=True)
class BillLine:
    label: str
    amount: int


def payment_lines(payment: Payment) -> list[BillLine]:
    """What a bill is for, line by line (a bill opened before lines existed is one passport line)."""
    rows = list(payment.items.all())
    if not rows:
        return [BillLine(str(FeeItem.PASSPORT.label), payment.amount)]
    return [BillLine(str(FeeItem(row.item).label), row.amount) for row in rows]


def payment_by_code(billing_code: str) -> Payment | None:
    return Payment.objects.filter(billing_code=billing_code).select_related("booking").first()


def payments_overdue(*, now: dt.datetime) -> QuerySet[Payment]:
    """Unpaid bills past their deadline, also those of bookings cancelled meanwhile (the bill closes too)."""
    return Payment.objects.filter(status__in=UNPAID, deadline__lte=now).order_by("deadline", "pk")


def payments_to_remind(*, now: dt.datetime) -> QuerySet[Payment]:
    return Payment.objects.filter(
        status__in=UNPAID,
        reminded_at__isnull=True,
        remind_at__lte=now,
        deadline__gt=now,
        booking__status=BookingStatus.AWAITING_PAYMENT,
    ).order_by("remind_at", "pk")


def payments_to_reconcile(*, now: dt.datetime, expired_within: dt.timedelta) -> QuerySet[Payment]:
    """Bills still awaiting payment, and recently expired ones whose late payment may have gone unheard."""
    still_open = Payment.objects.filter(status__in=UNPAID, booking__status=BookingStatus.AWAITING_PAYMENT)
    recently_expired = Payment.objects.filter(status=PaymentStatus.EXPIRED, deadline__gte=now - expired_within)
    return (still_open | recently_expired).order_by("deadline", "pk")


def charges_to_reconcile() -> QuerySet[BillAdjustment]:
    """Additional bills (a class change after payment, adjustments.py) still open."""
    return BillAdjustment.objects.filter(kind=AdjustmentKind.CHARGE, status=AdjustmentStatus.OPEN).order_by(
        "deadline", "pk"
    )


def payments_needing_rebooking() -> QuerySet[Payment]:
    """Paid bills whose booking holds no seat: staff pick a new window with the applicant."""
    return (
        Payment.objects.filter(status=PaymentStatus.PAID, booking__status=BookingStatus.PAID_NEEDS_REBOOKING)
        .select_related("booking", "booking__office", "booking__slot")
        .order_by("paid_at", "pk")
    )
