"""Writes for payments: one state machine for what the provider says, and the deadline jobs.

Payment state only moves forward (models.RANK). Every change is a conditional UPDATE or
happens under a row lock on the Payment, taken before the booking is touched, so the
webhook, reconciliation and the expiry job can run at the same moment on any number of
processes and still settle each bill once.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking.models import Booking, BookingStatus
from loket.booking.services import booking_confirm_paid, booking_expire
from loket.core import datefmt
from loket.core.errors import DomainError, NotFound
from loket.notify.events import notify
from loket.payments.adjustments import refund_note
from loket.payments.billing import payment_context
from loket.payments.credits import credit_grant, credit_tell
from loket.payments.models import (
    RANK,
    AdjustmentKind,
    AdjustmentStatus,
    BillAdjustment,
    Payment,
    PaymentEvent,
    PaymentEventOutcome,
    PaymentEventSource,
    PaymentStatus,
)
from loket.payments.provider import BillReport, PaymentProvider, ProviderError
from loket.payments.selectors import charges_to_reconcile, payments_overdue, payments_to_reconcile, payments_to_remind

log = logging.getLogger("loket.payments")
security_log = logging.getLogger("loket.security")


@dataclass(frozen=True)
class Settlement:
    """Where a bill stands after a report: the answer the webhook gives."""

    payment_status: str
    booking_status: str
    outcome: str
    replayed: bool = False


def _outcome(payment: Payment, report: BillReport) -> str:
    if report.amount != payment.amount:
        return PaymentEventOutcome.AMOUNT_MISMATCH
    # "failed" only replaces "pending"; "pending" never replaces anything; "paid" ends every unpaid state.
    forward = RANK[PaymentStatus(report.status)] > RANK[PaymentStatus(payment.status)]
    return PaymentEventOutcome.APPLIED if forward else PaymentEventOutcome.IGNORED


def _apply(payment: Payment, report: BillReport) -> None:
    if report.status == PaymentStatus.FAILED:
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(status=PaymentStatus.FAILED)
        return
    Payment.objects.filter(pk=payment.pk).exclude(status=PaymentStatus.PAID).update(
        status=PaymentStatus.PAID, paid_at=timezone.now(), provider_ref=report.provider_ref
    )
    if booking_confirm_paid(booking_id=payment.booking_id) == BookingStatus.CANCELLED:
        credit_for_late_payment(booking_id=payment.booking_id)


def credit_for_late_payment(*, booking_id: int) -> None:
    """Paid after its booking was cancelled (a transfer already on its way): the fee is kept as a credit."""
    booking = Booking.objects.select_related("office", "slot", "booked_by").get(pk=booking_id)
    credit = credit_grant(booking=booking)
    if credit is not None:
        credit_tell(booking=booking, credit=credit, message="fee_credit", suffix="credit")


def _amount_mismatch(payment: Payment) -> DomainError:
    return DomainError(
        "amount_mismatch",
        _("Jumlah pembayaran tidak sesuai dengan tagihan."),
        field="amount",
        expected=payment.amount,
    )


def payment_report_apply(*, report: BillReport, source: str, fingerprint: str) -> Settlement:
    """Apply one report from the provider. The same `fingerprint` twice changes nothing the second time.

    NotFound for an unknown billing code; DomainError (422) when the amount is not the bill's.
    """
    with transaction.atomic():
        # The row lock serialises everything that may settle this bill (see the module docstring).
        payment = Payment.objects.select_for_update().filter(billing_code=report.billing_code).first()
        if payment is None:
            settlement, refused = _adjustment_report_apply(report=report, source=source, fingerprint=fingerprint)
        else:
            earlier = PaymentEvent.objects.filter(fingerprint=fingerprint).first()
            if earlier is not None:
                outcome, replayed = earlier.outcome, True
            else:
                outcome, replayed = _outcome(payment, report), False
                _event_record(payment, report, source=source, fingerprint=fingerprint, outcome=outcome)
                if outcome == PaymentEventOutcome.APPLIED:
                    _apply(payment, report)
            refused = _amount_mismatch(payment) if outcome == PaymentEventOutcome.AMOUNT_MISMATCH else None
    if refused is not None:
        # Recorded above (committed) for the audit; nothing was marked paid.
        security_log.warning(
            "payment report for %s %s refused: amount %s, billed %s (%s)",
            "bill" if payment else "additional bill",
            payment.pk if payment else report.billing_code,
            report.amount,
            refused.extra["expected"],
            source,
        )
        raise refused
    if payment is None:
        return settlement
    payment.refresh_from_db()  # also drops the cached booking: its status may have changed
    return Settlement(payment.status, payment.booking.status, outcome, replayed)


def _event_record(payment: Payment, report: BillReport, *, source: str, fingerprint: str, outcome: str) -> None:
    """What the provider said, kept for the audit and to make a replay a no-op."""
    PaymentEvent.objects.create(
        payment=payment,
        source=source,
        fingerprint=fingerprint,
        reported_status=report.status,
        reported_amount=report.amount,
        provider_ref=report.provider_ref,
        outcome=outcome,
    )


def _adjustment_report_apply(
    *, report: BillReport, source: str, fingerprint: str
) -> tuple[Settlement, DomainError | None]:
    """A report about an additional bill (adjustments.py), inside payment_report_apply's transaction:
    the same state machine, recorded on the booking's bill. A voided charge paid anyway is kept
    paid and its fee noted as owed back. A wrong amount is recorded too (outcome amount_mismatch)
    and returned as the 422 for the caller to raise once the record is committed."""
    adjustment = (
        BillAdjustment.objects.select_for_update()
        .filter(billing_code=report.billing_code, kind=AdjustmentKind.CHARGE)
        .select_related("payment__booking")
        .first()
    )
    if adjustment is None:
        raise NotFound("unknown_billing_code", _("Kode billing tidak dikenal."), field="billing_code")
    booking_status = adjustment.payment.booking.status
    mismatch = DomainError(
        "amount_mismatch",
        _("Jumlah pembayaran tidak sesuai dengan tagihan."),
        field="amount",
        expected=adjustment.amount,
    )
    earlier = PaymentEvent.objects.filter(fingerprint=fingerprint).first()
    if earlier is not None:
        refused = mismatch if earlier.outcome == PaymentEventOutcome.AMOUNT_MISMATCH else None
        return Settlement(adjustment.status, booking_status, earlier.outcome, replayed=True), refused
    if report.amount != adjustment.amount:
        outcome = PaymentEventOutcome.AMOUNT_MISMATCH
        _event_record(adjustment.payment, report, source=source, fingerprint=fingerprint, outcome=outcome)
        return Settlement(adjustment.status, booking_status, outcome), mismatch
    settles = report.status == PaymentStatus.PAID and adjustment.status != AdjustmentStatus.PAID
    outcome = PaymentEventOutcome.APPLIED if settles else PaymentEventOutcome.IGNORED
    _event_record(adjustment.payment, report, source=source, fingerprint=fingerprint, outcome=outcome)
    if settles:
        BillAdjustment.objects.filter(pk=adjustment.pk).update(
            status=AdjustmentStatus.PAID, paid_at=timezone.now(), provider_ref=report.provider_ref
        )
        if adjustment.status == AdjustmentStatus.VOID:
            refund_note(payment=adjustment.payment, amount=adjustment.amount)
        adjustment.status = AdjustmentStatus.PAID
    return Settlement(adjustment.status, booking_status, outcome), None


def payment_notification_receive(*, report: BillReport, raw_body: bytes) -> Settlement:
    """A signed notification from the provider; its raw body identifies it against replays."""
    fingerprint = hashlib.sha256(b"webhook\n" + raw_body).hexdigest()
    settlement = payment_report_apply(report=report, source=PaymentEventSource.WEBHOOK, fingerprint=fingerprint)
    if settlement.replayed:
        log.info("payment notification replayed: nothing changed")
    return settlement


def payment_expire(*, payment_id: int) -> bool:
    """An unpaid bill past its deadline: expired, and its booking with it (seat freed at once)."""
    with transaction.atomic():
        expired = Payment.objects.filter(
            pk=payment_id, status__in=[PaymentStatus.PENDING, PaymentStatus.FAILED], deadline__lte=timezone.now()
        ).update(status=PaymentStatus.EXPIRED)
        if expired != 1:
            return False  # paid in the meantime, or another worker was first
        booking_id = Payment.objects.values_list("booking_id", flat=True).get(pk=payment_id)
        booking_expire(booking_id=booking_id)  # does nothing for a booking cancelled meanwhile
    return True


def payments_expire_overdue(*, batch_size: int = 200) -> int:
    """Expire every bill past its deadline, in batches, however many piled up while no worker ran."""
    total = 0
    while True:
        batch = list(payments_overdue(now=timezone.now()).values_list("pk", flat=True)[:batch_size])
        done = sum(payment_expire(payment_id=pk) for pk in batch)
        total += done
        # A short batch was the last; a batch where nothing changed means others are on it.
        if len(batch) < batch_size or done == 0:
            return total


def payments_remind_due(*, batch_size: int = 500) -> int:
    """Remind once, shortly before the deadline, about bills still unpaid."""
    now = timezone.now()
    sent = 0
    for payment_id in list(payments_to_remind(now=now).values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            # Claimed by a conditional UPDATE: two workers never remind the same bill.
            if Payment.objects.filter(pk=payment_id, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue
            payment = Payment.objects.select_related("booking__office", "booking__booked_by").get(pk=payment_id)
            booking = payment.booking
            notify(
                event="payment_reminder",
                user=booking.booked_by,
                key=f"booking:{booking.pk}:payment_reminder",
                context={"code": datefmt.grouped(booking.code), **payment_context(payment)},
            )
            sent += 1
    return sent


@dataclass
class ReconcileSummary:
    asked: int = 0
    changed: int = 0
    unchanged: int = 0
    unknown: int = 0
    refused: int = 0
    errors: int = 0


def payments_reconcile(
    *, provider: PaymentProvider, expired_within: dt.timedelta = dt.timedelta(hours=24), limit: int = 1000
) -> ReconcileSummary:
    """Ask the provider about bills still open (and recently expired: a lost notification
    of a late payment) and additional bills still open, and apply its answers through the
    webhook's state machine."""
    summary = ReconcileSummary()
    bills = payments_to_reconcile(now=timezone.now(), expired_within=expired_within)
    codes = list(bills.values_list("billing_code", flat=True)[:limit])
    charges = charges_to_reconcile().values_list("billing_code", flat=True)
    codes += [code for code in charges[: max(limit - len(codes), 0)] if code]
    for billing_code in codes:
        summary.asked += 1
        try:
            report = provider.bill_status(billing_code)
        except ProviderError as error:
            log.warning("reconcile: provider did not answer for a bill: %s", error)
            summary.errors += 1
            continue
        if report is None:
            summary.unknown += 1
            continue
        if report.status == PaymentStatus.PENDING:
            summary.unchanged += 1  # nothing new; not worth an audit row every run
            continue
        fingerprint = hashlib.sha256(f"reconcile\n{report.model_dump_json()}".encode()).hexdigest()
        try:
            settlement = payment_report_apply(
                report=report, source=PaymentEventSource.RECONCILE, fingerprint=fingerprint
            )
        except DomainError:
            summary.refused += 1
            continue
        if settlement.outcome == PaymentEventOutcome.APPLIED and not settlement.replayed:
            summary.changed += 1
        else:
            summary.unchanged += 1
    return summary
