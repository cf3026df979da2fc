"""The application follows the booking: opened when a seat is booked (connected in DossierConfig.ready())."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.dispatch import receiver

from loket.booking.events import annotate_with, booking_event
from loket.booking.models import BookingEvent, EventKind
from loket.dossier.models import Application
from loket.dossier.services import application_open

# Loaded with every event (the statement that locks them): has its booking an application yet?
OPENED = "dossier_application_opened"


def _applications_of(booking_id: Any) -> QuerySet[Application]:
    """A booking's application (a booking id, or OuterRef to one)."""
    return Application.objects.filter(booking_id=booking_id)


def load_opened() -> None:
    """Called from DossierConfig.ready()."""
    annotate_with(**{OPENED: Exists(_applications_of(OuterRef("booking_id")))})


@receiver(booking_event)
def booking_event_application(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    if event.kind != EventKind.BOOKED:
        return
    booking = event.booking
    opened = getattr(event, OPENED, None)  # None: an event not loaded by the worker's loader
    if opened or (opened is None and _applications_of(booking.pk).exists()):
        return  # opened already: a replayed event changes nothing
    application_open(
        booking=booking,
        person=booking.person,
        replacement_reason=event.data.get("replacement_reason", ""),
        old_passport_number=event.data.get("old_passport_number", ""),
    )
