"""What a booking proof shows, read once for the page and the PDF alike."""

from dataclasses import dataclass

import segno
from django.db.models import QuerySet

from loket.accounts.models import User
from loket.booking.codes import qr_payload
from loket.booking.models import Booking
from loket.booking.selectors import booking_of
from loket.dossier.models import Application, CheckState, TimelineEntry
from loket.dossier.selectors import Requirement, application_of, required_documents
from loket.offices.models import Office


@dataclass(frozen=True)
class Proof:
    booking: Booking
    application: Application | None
    address: str
    documents: list[Requirement]

    def qr(self) -> segno.QRCode:
        """The QR of our own signed payload, as the officer's scanner reads it."""
        return segno.make(qr_payload(self.booking.code), error="m")

    def timeline(self) -> QuerySet[TimelineEntry] | list[TimelineEntry]:
        return self.application.timeline.order_by("at", "pk") if self.application else []

    def identity_check(self) -> str:
        """The Dukcapil check as the applicant sees it: a mismatch is not explained here, the counter checks."""
        if self.application is None:
            return ""
        state = self.application.identity_check
        if state in (CheckState.MISMATCH, CheckState.UNAVAILABLE):
            return str(CheckState.UNAVAILABLE.label)
        return str(CheckState(state).label)


def address_of(office: Office) -> str:
    """The office's address written once: the city and province only when the street address
    does not already name them ("Jl. Merdeka 1, Palembang" + "Palembang" is not "Palembang, Palembang")."""
    parts: list[str] = []
    for part in (office.address, office.city, office.province):
        if part and not any(part.casefold() in earlier.casefold() for earlier in parts):
            parts.append(part)
    return ", ".join(parts)


def proof_of(user: User, code: str) -> Proof | None:
    """The proof of one of the user's bookings; None for someone else's or an unknown code alike."""
    booking = booking_of(user, code)
    if booking is None:
        return None
    application = application_of(user, booking.code)
    office = booking.office
    return Proof(
        booking=booking,
        application=application,
        address=address_of(office),
        documents=required_documents(application) if application else [],
    )
