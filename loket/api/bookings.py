import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from pydantic import Field

from loket.accounts.nik import mask_nik
from loket.api.schemas import IsoDate, Short
from loket.api.security import VerifiedTokenAuth, current_user
from loket.booking import services
from loket.booking.closures import day_closed_reason
from loket.booking.codes import qr_payload
from loket.booking.models import Booking, BookingStatus
from loket.booking.selectors import booking_of, bookings_of
from loket.core.db import retry_once_if_keyed
from loket.core.errors import NotFound
from loket.core.ratelimit import hit

router = Router(tags=["bookings"], auth=VerifiedTokenAuth())


class BookingIn(Schema):
    office: Short
    date: IsoDate
    start: dt.time
    service: Literal["new", "replacement"]
    passport_type: Literal["regular", "electronic"]
    member: int | None = Field(default=None, ge=1)
    # Replacement only; required there (422 naming the field, checked by the service).
    replacement_reason: Literal["expired", "pages_full", "lost", "damaged", "data_changed"] | None = None
    old_passport_number: Short | None = None
    # A priority or express place booked online, where the office allows it (GET
    # /offices/{code}/classes, "bookable_online"); the rules are checked by the service.
    quota_class: Literal["regular", "priority", "express"] = "regular"
    # Priority only: "elderly" / "small_child" follow from the birth date (empty: the birth date's);
    # "disabled" / "pregnant" are declared and checked at the counter.
    priority_reason: Literal["", "elderly", "small_child", "disabled", "pregnant"] = ""


class RescheduleIn(Schema):
    date: IsoDate
    start: dt.time


class PaymentOut(Schema):
    billing_code: str
    amount: int  # whole rupiah
    deadline: dt.datetime
    status: str


class BookingOut(Schema):
    code: str
    status: str
    office: str
    office_name: str
    timezone: str
    date: dt.date
    start: str
    end: str
    service: str
    passport_type: str
    quota_class: str
    priority_reason: str
    name: str
    nik: str
    member: int
    reschedule_count: int
    # Why the office is closed on the booking's day, announced after it was booked (a closure or a
    # holiday), else null: the person should not come, and may reschedule for free.
    day_closed: str | None
    qr: str
    # null while the bill is being prepared (payment_pending; it follows within seconds) or when
    # no fee is due (LOKET_PAYMENT_REQUIRED off).
    payment: PaymentOut | None
    payment_pending: bool


def booking_out(booking: Booking, *, just_booked: bool = False) -> BookingOut:
    """`just_booked`: the answer to the booking request itself, whose bill is opened by the worker
    right after (loket/booking/events.py): no query for it, the answer says it is coming."""
    slot = booking.slot
    # getattr: the reverse one-to-one raises when there is none.
    payment = None if just_booked and not settings.LOKET_BOOKING_EVENTS_INLINE else getattr(booking, "payment", None)
    pending = payment is None and settings.LOKET_PAYMENT_REQUIRED and booking.status == BookingStatus.AWAITING_PAYMENT
    return BookingOut(
        code=booking.code,
        status=booking.status,
        office=booking.office.code,
        office_name=booking.office.name,
        timezone=booking.office.timezone,
        date=slot.date,
        start=f"{slot.start:%H:%M}",
        end=f"{slot.end:%H:%M}",
        service=booking.service,
        passport_type=booking.passport_type,
        quota_class=booking.quota_class,
        priority_reason=booking.priority_reason,
        name=booking.person_name,
        nik=mask_nik(booking.person.nik),
        member=booking.person_id,
        reschedule_count=booking.reschedule_count,
        day_closed=None if just_booked else day_closed_reason(booking),
        qr=qr_payload(booking.code),
        payment=PaymentOut(
            billing_code=payment.billing_code, amount=payment.amount, deadline=payment.deadline, status=payment.status
        )
        if payment
        else None,
        payment_pending=pending,
    )


@router.post("", response={200: BookingOut, 201: BookingOut})
def booking_create(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=100),
    release_pass: str | None = Header(
        default=None,
        alias="X-Loket-Pass",
        max_length=300,
        description="The waiting room's pass, needed while the day is under release (409 pass_required).",
    ),
) -> Status[BookingOut]:
    user = current_user(request)
    hit(scope="book", key=str(user.pk), limit=20, window_seconds=60)
    booking_request = services.BookingRequest(**payload.dict())
    # The booking keeps its own short transactions (the seat's lock); with a key, a lost
    # connection is retried once, and the key makes that safe.
    booking, created = retry_once_if_keyed(
        lambda: services.booking_create(
            user=user, request=booking_request, idempotency_key=idempotency_key, release_pass=release_pass
        ),
        idempotency_key=idempotency_key,
    )
    return Status(201 if created else 200, booking_out(booking, just_booked=created))


@router.get("", response=list[BookingOut])
def booking_list(request: HttpRequest) -> list[BookingOut]:
    return [booking_out(b) for b in bookings_of(current_user(request))[:100]]


def _mine(request: HttpRequest, code: str) -> Booking:
    booking = booking_of(current_user(request), code)
    if booking is None:
        raise NotFound("not_found", "Pemesanan tidak ditemukan.")
    return booking


@router.get("/{code}", response=BookingOut)
def booking_detail(request: HttpRequest, code: Short) -> BookingOut:
    return booking_out(_mine(request, code))


@router.post("/{code}/cancel", response=BookingOut)
def booking_cancel(request: HttpRequest, code: Short) -> BookingOut:
    return booking_out(services.booking_cancel(user=current_user(request), code=code))


@router.post("/{code}/reschedule", response=BookingOut)
def booking_reschedule(request: HttpRequest, code: Short, payload: RescheduleIn) -> BookingOut:
    booking = services.booking_reschedule(user=current_user(request), code=code, date=payload.date, start=payload.start)
    return booking_out(booking)
