"""Helpers for the queue tests: booked people at an office today, counters, a frozen morning.

Time is frozen on Tue 1 Dec 2026 at 08:10 WIB, inside the 08:00–09:00 window of the test offices.
"""

import datetime as dt
import itertools
from typing import Any

from django.db.models import F

from conftest import make_applicant
from loket.booking.codes import new_code
from loket.booking.models import Booking, BookingStatus, Slot
from loket.core.testing.browser import wait_for_js
from loket.dossier.models import Application, CheckState
from loket.dossier.models import Stage as DossierStage
from loket.offices.models import Office
from loket.onsite.models import Counter, Stage

NOW = dt.datetime(2026, 12, 1, 1, 10, tzinfo=dt.UTC)  # 08:10 in Jakarta
TODAY = dt.date(2026, 12, 1)

_serial = itertools.count(1)


def at_local(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    """A Jakarta wall-clock time as an aware datetime (for time_machine)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.timezone(dt.timedelta(hours=7)))


def now_window(office: Office) -> dict[str, Any]:
    """A window open right now at the office (for live-server tests that cannot freeze time)."""
    now = office.local_now()
    start = max(now - dt.timedelta(minutes=5), now.replace(hour=0, minute=0))
    return {"day": now.date(), "start": start.time().replace(second=0, microsecond=0), "end": dt.time(23, 59)}


def booked(
    office: Office,
    *,
    start: dt.time = dt.time(8),
    end: dt.time | None = None,
    day: dt.date = TODAY,
    status: str = BookingStatus.CONFIRMED,
    service: str = "new",
    birth_date: dt.date = dt.date(1990, 8, 5),
    name: str = "",
    identity: str = CheckState.MATCH,
    stage: str = DossierStage.SUBMITTED,
) -> Booking:
    """A booking of a fresh applicant at `office` (with its application), in the given state."""
    i = next(_serial)
    full_name = name or f"Pemohon Nomor{i}"
    user = make_applicant(
        email=f"pemohon{i}@example.id", nik=f"3174011203{90:02d}{i:04d}", full_name=full_name, birth_date=birth_date
    )
    person = user.people.get()
    slot, _created = Slot.objects.get_or_create(
        office=office,
        date=day,
        start=start,
        # Roomy: the queue tests put many people in one window (seat rules are tested in booking).
        defaults={
            "end": end or dt.time(start.hour + 1, start.minute),
            "capacity": 500,
            "starts_at": dt.datetime.combine(day, start, tzinfo=office.zone),
        },
    )
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    booking = Booking.objects.create(
        code=new_code(),
        person=person,
        booked_by=user,
        office=office,
        slot=slot,
        service=service,
        passport_type="regular",
        status=status,
        person_name=full_name,
    )
    Application.objects.create(
        booking=booking,
        service=service,
        replacement_reason="expired" if service == "replacement" else "",
        passport_type="regular",
        applicant_name=full_name,
        applicant_nik=person.nik,
        applicant_birth_date=birth_date,
        applicant_sex="F",
        identity_check=identity,
        stage=stage,
    )
    return booking


def counter(office: Office, number: int, *stages: str) -> Counter:
    return Counter.objects.create(office=office, number=number, stages=list(stages) or [Stage.VERIFICATION])


def scan_code(page: Any, text: str) -> None:
    """A USB scanner types into whatever has focus, then presses Enter.

    The officer scans once the page shows its focused code field; the browser applies
    `autofocus` at its next rendering step, which can come after the load event.
    """
    wait_for_js(page, "document.activeElement && document.activeElement.id === 'code'")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
