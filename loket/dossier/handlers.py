"""The application follows the booking: opened when a seat is booked (connected in DossierConfig.ready())."""

from typing import Any

from django.dispatch import receiver

from loket.booking.events import booking_event
from loket.booking.models import BookingEvent, EventKind
from loket.dossier.models import Application
from loket.dossier.services import application_open


@receiver(booking_event)
def booking_event_application(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    if event.kind != EventKind.BOOKED:
        return
    booking = event.booking
    if Application.objects.filter(booking=booking).exists():
        return  # opened already: a replayed event changes nothing
    application_open(
        booking=booking,
        person=booking.person,
        replacement_reason=event.data.get("replacement_reason", ""),
        old_passport_number=event.data.get("old_passport_number", ""),
    )
