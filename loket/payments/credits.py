"""A paid fee is never lost silently: it becomes a credit (FeeCredit) of its person.

When a paid booking ends without a visit (cancelled by its owner, paid after it was
cancelled, or paid so late that its seat was gone), its fee stays with the person for the
same service and passport type until `valid_until` (LOKET_FEE_CREDIT_DAYS after it was paid;
a booking paid with a credit passes on that credit's date, so cancelling again never extends
it). The next booking of that person for the same service and passport type uses it and is
confirmed without a new bill. The credit covers that booking whatever the fee table says on
the new booking's day: the person paid the fee in force when they paid.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation

from loket.accounts.models import User
from loket.booking.models import Booking
from loket.booking.selectors import booking_message_context
from loket.core import datefmt
from loket.notify.events import notify
from loket.payments.models import FeeCredit, Payment, PaymentStatus


@dataclass(frozen=True)
class CreditTerms:
    """What a booking's paid fee would become as a credit if the booking ended now."""

    amount: int
    valid_until: dt.datetime

    @property
    def lapsed(self) -> bool:
        return self.valid_until <= timezone.now()


def credit_terms(booking: Booking) -> CreditTerms | None:
    """None when nothing was paid for the booking (an open bill is simply closed)."""
    payment = Payment.objects.filter(booking=booking, status=PaymentStatus.PAID).first()
    if payment is not None:
        paid_at = payment.paid_at or timezone.now()
        return CreditTerms(payment.amount, paid_at + dt.timedelta(days=settings.LOKET_FEE_CREDIT_DAYS))
    used = FeeCredit.objects.filter(used_by=booking).first()
    if used is not None:
        return CreditTerms(used.amount, used.valid_until)
    return None


def credit_grant(*, booking: Booking) -> FeeCredit | None:
    """Keep an ended booking's paid fee as its person's credit; once per booking (a replay finds it).

    None when nothing was paid, or when the period of the credit it was paid with has passed.
    """
    existing = FeeCredit.objects.filter(source=booking).first()
    if existing is not None:
        return existing
    terms = credit_terms(booking)
    if terms is None or terms.lapsed:
        return None
    return FeeCredit.objects.create(
        person_id=booking.person_id,
        source=booking,
        service=booking.service,
        passport_type=booking.passport_type,
        amount=terms.amount,
        valid_until=terms.valid_until,
    )


def credits_usable(*, person_id: Any, service: Any, passport_type: Any) -> QuerySet[FeeCredit]:
    """The person's unused credits for this service and passport type, the one ending first first
    (values, or OuterRef for a subquery)."""
    return FeeCredit.objects.filter(
        person_id=person_id,
        service=service,
        passport_type=passport_type,
        used_by__isnull=True,
        valid_until__gt=timezone.now(),
    ).order_by("valid_until", "pk")


def credits_usable_by(person_id: int) -> QuerySet[FeeCredit]:
    """All of a person's unused, unexpired credits (the counter shows them)."""
    return FeeCredit.objects.filter(person_id=person_id, used_by__isnull=True, valid_until__gt=timezone.now()).order_by(
        "valid_until", "pk"
    )


def credit_use(*, booking: Booking) -> FeeCredit | None:
    """Pay a new booking with a fitting credit of its person, if there is one.

    Claimed by a conditional UPDATE: two bookings never use one credit (and the booking's
    person has one active booking at a time anyway).
    """
    usable = credits_usable(person_id=booking.person_id, service=booking.service, passport_type=booking.passport_type)
    for credit_id in list(usable.values_list("pk", flat=True)[:3]):
        claimed = FeeCredit.objects.filter(pk=credit_id, used_by__isnull=True).update(
            used_by=booking, used_at=timezone.now()
        )
        if claimed == 1:
            return FeeCredit.objects.get(pk=credit_id)
    return None


def credits_of(user: User) -> QuerySet[FeeCredit]:
    """The unused, unexpired credits of an account's people (holder and household)."""
    return (
        FeeCredit.objects.filter(person__account=user, used_by__isnull=True, valid_until__gt=timezone.now())
        .select_related("person", "source")
        .order_by("valid_until", "pk")
    )


def credit_context(credit: FeeCredit) -> dict[str, Any]:
    """The fields of the messages that tell where a credit stands, in the office's time zone."""
    office = credit.source.office
    return {
        "credit_amount": datefmt.rupiah(credit.amount),
        "credit_until": datefmt.long_date(timezone.localtime(credit.valid_until, office.zone).date()),
        "service": credit.get_service_display(),
        "passport_type": credit.get_passport_type_display(),
    }


def credit_tell(*, booking: Booking, credit: FeeCredit | None, message: str, suffix: str) -> None:
    """Queue `message` about the booking with where its credit stands, in the reader's language."""
    user = booking.booked_by
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {**booking_message_context(booking), **(credit_context(credit) if credit else {})}
    notify(event=message, user=user, key=f"booking:{booking.pk}:{suffix}", context=context)
