"""A device locked as the office's kiosk opens the kiosk and nothing else, until staff sign out."""

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.offices.models import Office
from loket.onsite.models import Ticket
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, booked

KIOSK = "/petugas/OFA/kiosk/"


@pytest.fixture(autouse=True)
def _morning() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def locked(office_a: Office, checkin_officer_a: User) -> Client:
    client = staff_client(checkin_officer_a)
    assert "Kunci sebagai anjungan mandiri" in client.get(KIOSK).content.decode()
    assert client.post(KIOSK, {"action": "lock"}).status_code == 302
    return client


def test_locking_is_audited_and_the_kiosk_still_works(
    locked: Client, office_a: Office, checkin_officer_a: User
) -> None:
    assert AuditEntry.objects.filter(actor=checkin_officer_a, action="kiosk.lock", office=office_a).exists()
    page = locked.get(KIOSK).content.decode()
    assert "Kunci sebagai anjungan mandiri" not in page and "keluar dari mode anjungan" in page
    booking = booked(office_a, name="Budi Santoso")
    issued = locked.post(KIOSK, {"code": booking.code}, follow=True)
    assert "A001" in issued.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/petugas/",
        "/petugas/OFA/checkin/",
        "/petugas/OFA/loket/",
        "/petugas/OFA/audit/",
        "/petugas/OFA/laporan/",
        "/petugas/OFA/walkin/",
        "/petugas/OFB/kiosk/",
        "/petugas/audit/",
        "/petugas/masuk/",
        "/admin/",
        "/pemesanan/",
        "/akun/",
        "/",
    ],
)
def test_every_other_address_leads_back_to_the_kiosk(locked: Client, path: str, office_b: Office) -> None:
    for method in (locked.get, locked.post):
        response = method(path)
        assert response.status_code == 302, f"{method.__name__} {path}"
        assert response["Location"] == KIOSK


def test_the_locked_kiosk_shows_and_prints_only_its_own_ticket(locked: Client, office_a: Office) -> None:
    someone_else = ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Siti Rahmawati"))
    mine = booked(office_a, name="Budi Santoso")
    locked.post(KIOSK, {"code": mine.code})
    ticket = Ticket.objects.get(booking=mine)

    assert "Budi" in locked.get(KIOSK, {"tiket": ticket.pk}).content.decode()
    assert locked.get(f"/petugas/OFA/tiket/{ticket.pk}/slip/").status_code == 200
    other = locked.get(KIOSK, {"tiket": someone_else.pk}).content.decode()
    assert "Siti" not in other and someone_else.display not in other
    assert locked.get(f"/petugas/OFA/tiket/{someone_else.pk}/slip/")["Location"] == KIOSK


def test_only_signing_out_lifts_the_lock(locked: Client, checkin_officer_a: User) -> None:
    assert locked.post("/petugas/keluar/")["Location"] == "/petugas/masuk/"
    assert locked.get("/petugas/masuk/").status_code == 200  # signed out: the login page, not the kiosk
    again = staff_client(checkin_officer_a)
    assert again.get("/petugas/OFA/checkin/").status_code == 200


def test_an_unlocked_desk_is_unaffected(office_a: Office, checkin_officer_a: User) -> None:
    client = staff_client(checkin_officer_a)
    client.get(KIOSK)
    assert client.get("/petugas/OFA/checkin/").status_code == 200
    earlier = ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Siti Rahmawati"))
    assert "Siti" in client.get(KIOSK, {"tiket": earlier.pk}).content.decode()
