"""Priority and express numbers from the kiosk: the press takes a place of the class and gives a
P or E number; the first counter fills in the person on the place already held.

Frozen on Tue 1 Dec 2026 at 08:10 WIB (the express arrival cut-off is 10.00); office A lets the
kiosk hand out numbers and offers 1 priority and 1 express place a day.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, ClassDay, ClassQuota, DeclarationCheck, QuotaClass, WalkinDay
from loket.offices.models import Office
from loket.onsite.models import QueuePolicy, Ticket
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, TODAY
from loket.walkin.tests.conftest import share, walkin_form

KIOSK = "/petugas/OFA/kiosk/"
PRESS = "/petugas/OFA/kiosk/walkin/"


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def kiosk_classes(office_a: Office) -> Office:
    share(office_a, 50)
    QueuePolicy.objects.create(office=office_a, kiosk_walkin=True)
    for weekday in range(7):
        ClassQuota.objects.create(office=office_a, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=1)
        ClassQuota.objects.create(office=office_a, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=1)
    return office_a


def used(office: Office, quota_class: str) -> int:
    return ClassDay.objects.get(office=office, quota_class=quota_class, date=TODAY).used


def test_the_kiosk_shows_the_class_buttons_with_the_places_left(kiosk_classes: Office, checkin_officer_a: User) -> None:
    page = staff_client(checkin_officer_a).get(KIOSK).content.decode()
    assert 'id="kiosk-priority"' in page and 'id="kiosk-express"' in page
    assert "1 tempat tersisa" in page and "10.00 WIB" in page
    assert not ClassDay.objects.exists()  # a read creates no row


def test_an_express_press_takes_the_place_and_gives_an_e_number(
    kiosk_classes: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    client = staff_client(checkin_officer_a)
    pressed = client.post(PRESS, {"service": "new", "quota_class": "express"})
    assert pressed.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.display, ticket.needs_data, ticket.class_day_id is not None) == ("E001", True, True)
    assert used(kiosk_classes, "express") == 1
    assert not WalkinDay.objects.filter(used__gt=0).exists()  # the walk-in pool is not touched
    assert AuditEntry.objects.get(action="kiosk.class_ticket").after["quota_class"] == "express"
    # The day's only express place is gone: the next press is refused with the next day.
    refused = client.post(PRESS, {"service": "new", "quota_class": "express"})
    assert refused.status_code == 409
    assert "Rabu, 2 Desember 2026 sebelum pukul 10.00 WIB" in refused.content.decode()
    # The counter fills in the person on the place the number holds: an express booking, no second place.
    saved = staff_client(counter_officer_a).post(f"/petugas/OFA/tiket/{ticket.pk}/data/", walkin_form(3))
    assert saved.status_code == 302
    booking = Booking.objects.get()
    assert (booking.quota_class, booking.class_day_id, booking.pool_day_id) == ("express", ticket.class_day_id, None)
    assert booking.payment.amount == 1_350_000
    assert booking.payment.deadline == dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)  # 12.00 WIB
    assert used(kiosk_classes, "express") == 1


def test_express_after_the_cutoff_is_refused_with_when_to_come_back(
    kiosk_classes: Office, checkin_officer_a: User, clock: Any
) -> None:
    Office.objects.filter(pk=kiosk_classes.pk).update(express_arrival_cutoff=dt.time(9, 30))
    clock.move_to(dt.datetime(2026, 12, 1, 2, 45, tzinfo=dt.UTC))  # 09.45 WIB: the office is open, express is not
    refused = staff_client(checkin_officer_a).post(PRESS, {"service": "new", "quota_class": "express"})
    assert refused.status_code == 422
    assert "Rabu, 2 Desember 2026 sebelum pukul 09.30 WIB" in refused.content.decode()
    assert not Ticket.objects.exists() and not ClassDay.objects.filter(used__gt=0).exists()
    assert AuditEntry.objects.get(action="kiosk.walkin_refused").after["reason"] == "express_closed"


def test_a_priority_press_needs_a_reason_and_gives_a_p_number(kiosk_classes: Office, checkin_officer_a: User) -> None:
    client = staff_client(checkin_officer_a)
    missing = client.post(PRESS, {"service": "new", "quota_class": "priority"})
    assert missing.status_code == 422 and "Pilih alasan prioritas" in missing.content.decode()
    assert (
        client.post(PRESS, {"service": "new", "quota_class": "priority", "priority_reason": "elderly"}).status_code
        == 302
    )
    ticket = Ticket.objects.get()
    assert (ticket.display, ticket.priority) == ("P001", "elderly")
    assert used(kiosk_classes, "priority") == 1


@pytest.mark.parametrize(
    ("reason", "birth_date", "check"),
    [
        ("elderly", "1950-01-01", DeclarationCheck.NOT_NEEDED),  # the KTP shows it
        ("elderly", "1985-03-12", DeclarationCheck.PENDING),  # it does not: the counter decides
        ("pregnant", "1985-03-12", DeclarationCheck.PENDING),  # a declaration: checked at the counter
    ],
)
def test_the_counter_checks_the_kiosk_reason_against_the_ktp(
    kiosk_classes: Office,
    checkin_officer_a: User,
    counter_officer_a: User,
    reason: str,
    birth_date: str,
    check: str,
) -> None:
    staff_client(checkin_officer_a).post(
        PRESS, {"service": "new", "quota_class": "priority", "priority_reason": reason}
    )
    ticket = Ticket.objects.get()
    saved = staff_client(counter_officer_a).post(
        f"/petugas/OFA/tiket/{ticket.pk}/data/", walkin_form(4, birth_date=birth_date)
    )
    assert saved.status_code == 302
    booking = Booking.objects.get()
    assert (booking.quota_class, booking.priority_reason, booking.declaration_check) == ("priority", reason, check)
    assert used(kiosk_classes, "priority") == 1


def test_the_kiosk_gives_no_class_number_when_the_office_does_not_allow_kiosk_numbers(
    office_a: Office, checkin_officer_a: User
) -> None:
    ClassQuota.objects.create(office=office_a, quota_class=QuotaClass.EXPRESS, weekday=1, capacity=3)
    client = staff_client(checkin_officer_a)
    assert 'id="kiosk-express"' not in client.get(KIOSK).content.decode()
    assert client.post(PRESS, {"service": "new", "quota_class": "express"}).status_code == 409
    assert not Ticket.objects.exists() and not ClassDay.objects.filter(used__gt=0).exists()


def test_an_empty_walkin_pool_still_offers_the_class_places(kiosk_classes: Office, checkin_officer_a: User) -> None:
    WalkinDay.objects.create(office=kiosk_classes, date=TODAY, percent=50, capacity=3, used=3)
    page = staff_client(checkin_officer_a).get(PRESS)
    html = page.content.decode()
    assert page.status_code == 409 and 'id="walkin-refusal"' in html  # no regular walk-in number
    assert 'id="kiosk-walkin"' not in html
    assert 'id="kiosk-priority"' in html and 'id="kiosk-express"' in html  # their own quota is left
    assert 'http-equiv="refresh"' not in html  # the page stays while the person chooses
