"""The reminder the day before the visit, on the office's local calendar."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail

from loket.accounts.models import User
from loket.booking.models import Booking, BookingStatus
from loket.booking.tests.conftest import make_office
from loket.notify import tasks
from loket.notify.models import Message
from loket.notify.tests.conftest import make_booking
from loket.offices.models import Closure

pytestmark = pytest.mark.django_db


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def remind(capture: Any) -> int:
    """One run of the job; the messages leave when its transaction commits."""
    with capture(execute=True):
        return tasks.visit_reminders_send()


def reminded_codes() -> list[str]:
    keys = Message.objects.filter(event_key__contains=":visit_reminder:").values_list("event_key", flat=True)
    return sorted(Booking.objects.filter(pk__in={int(k.split(":")[1]) for k in keys}).values_list("code", flat=True))


def test_tomorrow_is_the_offices_local_tomorrow(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    settings.LOKET_VISIT_REMINDER_HOUR = 0
    palembang = make_office("PLB", timezone="Asia/Jakarta")
    jayapura = make_office("JAP", timezone="Asia/Jayapura")
    make_booking(user=applicant, office=palembang, day=dt.date(2026, 11, 25), nik="1671015203150001", code="PLB25")
    make_booking(user=applicant, office=jayapura, day=dt.date(2026, 11, 25), nik="1671015203150002", code="JAP25")
    make_booking(user=applicant, office=jayapura, day=dt.date(2026, 11, 26), nik="1671015203150003", code="JAP26")
    # 16:30 UTC on 24 Nov: 23:30 in Palembang (WIB), already 01:30 on 25 Nov in Jayapura (WIT).
    with time_machine.travel(utc(2026, 11, 24, 16, 30), tick=False):
        assert remind(capture) == 2
    sent = {m.subject: m.body for m in mail.outbox}
    assert set(sent) == {
        "Besok: jadwal kedatangan Anda di Kantor Imigrasi PLB",
        "Besok: jadwal kedatangan Anda di Kantor Imigrasi JAP",
    }
    assert (
        "Rabu, 25 November 2026, pukul 08.00–09.00 WIB (kode pemesanan PLB2 5)"
        in sent["Besok: jadwal kedatangan Anda di Kantor Imigrasi PLB"]
    )
    assert (
        "Kamis, 26 November 2026, pukul 08.00–09.00 WIT (kode pemesanan JAP2 6)"
        in sent["Besok: jadwal kedatangan Anda di Kantor Imigrasi JAP"]
    )


def test_reminders_wait_for_the_local_reminder_hour(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    settings.LOKET_VISIT_REMINDER_HOUR = 9
    makassar = make_office("MKS", timezone="Asia/Makassar")
    make_booking(user=applicant, office=makassar, day=dt.date(2026, 11, 25), nik="1671015203150001", code="MKS25")
    with time_machine.travel(utc(2026, 11, 24, 0, 59), tick=False):  # 08:59 WITA
        assert remind(capture) == 0
    with time_machine.travel(utc(2026, 11, 24, 1, 0), tick=False):  # 09:00 WITA
        assert remind(capture) == 1
    assert len(mail.outbox) == 1


def test_every_quarter_hour_run_reminds_once(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    settings.LOKET_VISIT_REMINDER_HOUR = 9
    office = make_office("PLB")
    make_booking(user=applicant, office=office, day=dt.date(2026, 11, 25), nik="1671015203150001", code="PLB25")
    with time_machine.travel(utc(2026, 11, 24, 2, 0), tick=False) as traveller:  # 09:00 WIB
        for _run in range(4 * 14):  # until midnight
            remind(capture)
            traveller.shift(dt.timedelta(minutes=15))
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_only_confirmed_bookings_are_reminded(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    settings.LOKET_VISIT_REMINDER_HOUR = 9
    office = make_office("PLB")
    day = dt.date(2026, 11, 25)
    make_booking(user=applicant, office=office, day=day, nik="1671015203150001", code="OK")
    for n, status in enumerate([BookingStatus.CANCELLED, BookingStatus.EXPIRED, BookingStatus.AWAITING_PAYMENT]):
        make_booking(user=applicant, office=office, day=day, nik=f"167101520315001{n}", code=status[:8], status=status)
    with time_machine.travel(utc(2026, 11, 24, 3, 0), tick=False):
        assert remind(capture) == 1
    assert reminded_codes() == ["OK"]


def test_a_rescheduled_booking_is_reminded_for_its_new_day(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    settings.LOKET_VISIT_REMINDER_HOUR = 9
    office = make_office("PLB")
    booking = make_booking(user=applicant, office=office, day=dt.date(2026, 11, 25), nik="1671015203150001", code="RS")
    with time_machine.travel(utc(2026, 11, 24, 3, 0), tick=False):
        remind(capture)
    later = make_booking(
        user=applicant, office=office, day=dt.date(2026, 11, 28), nik="1671015203150009", code="TMP", status="expired"
    )
    booking.slot = later.slot
    booking.save(update_fields=["slot"])
    with time_machine.travel(utc(2026, 11, 27, 3, 0), tick=False):
        assert remind(capture) == 1
    assert Message.objects.filter(event_key__contains=":visit_reminder:").count() == 2


def test_an_english_speaker_is_reminded_in_english(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    settings.LOKET_VISIT_REMINDER_HOUR = 9
    User.objects.filter(pk=applicant.pk).update(language="en")
    make_booking(
        user=User.objects.get(pk=applicant.pk),
        office=make_office("PLB"),
        day=dt.date(2026, 11, 25),
        nik="1671015203150001",
        code="EN25",
    )
    with time_machine.travel(utc(2026, 11, 24, 3, 0), tick=False):
        remind(capture)
    assert mail.outbox[0].subject == "Tomorrow: your appointment at Kantor Imigrasi PLB"


def test_no_reminder_to_come_to_an_office_closed_that_day(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOKET_VISIT_REMINDER_HOUR = 0
    palembang, medan, batam = make_office("PLB"), make_office("MDN"), make_office("BTM")
    day = dt.date(2026, 11, 25)
    for n, office in enumerate([palembang, medan, batam], start=1):
        make_booking(user=applicant, office=office, day=day, nik=f"167101520315000{n}", code=f"{office.code}25")
    Closure.objects.create(office=medan, date=day, reason="Banjir")
    Closure.objects.create(office=batam, date=dt.date(2026, 11, 26), reason="Pemadaman listrik")  # another day
    with time_machine.travel(utc(2026, 11, 24, 3), tick=False):
        assert remind(django_capture_on_commit_callbacks) == 2
    assert reminded_codes() == ["BTM25", "PLB25"]
    # Closed everywhere that day (a national closure): nobody is reminded.
    Message.objects.all().delete()
    Closure.objects.create(office=None, date=day, reason="Cuti bersama")
    with time_machine.travel(utc(2026, 11, 24, 4), tick=False):
        assert remind(django_capture_on_commit_callbacks) == 0
