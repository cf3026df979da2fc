"""The check-in, slip, counter and kiosk pages: who may open them, what they show, bad input never a 500."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.codes import qr_payload
from loket.booking.models import BookingStatus
from loket.dossier.models import Stage as DossierStage
from loket.offices.models import Office
from loket.onsite.models import QueuePolicy, Stage, Ticket, TicketStatus
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, at_local, booked, counter
from loket.payments.models import Payment


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def checkin_url(office: Office) -> str:
    return f"/petugas/{office.code}/checkin/"


def test_the_check_in_page_is_for_check_in_officers_and_supervisors(
    office_a: Office, checkin_officer_a: User, supervisor_a: User, counter_officer_a: User, officer_b: User
) -> None:
    assert staff_client(checkin_officer_a).get(checkin_url(office_a)).status_code == 200
    assert staff_client(supervisor_a).get(checkin_url(office_a)).status_code == 200
    assert staff_client(counter_officer_a).get(checkin_url(office_a)).status_code == 403
    assert staff_client(officer_b).get(checkin_url(office_a)).status_code == 403
    assert AuditEntry.objects.filter(actor=officer_b, office=office_a, allowed=False).exists()


def test_a_scan_shows_the_person_with_a_masked_nik(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a, birth_date=dt.date(1960, 5, 1), name="Rahmat Hidayat")
    response = staff_client(checkin_officer_a).post(
        checkin_url(office_a), {"action": "lookup", "code": qr_payload(booking.code)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rahmat Hidayat" in page and booking.person.masked_nik in page
    assert booking.person.nik not in page
    assert 'value="elderly" selected' in page
    assert AuditEntry.objects.filter(action="checkin.view", target_id=booking.code).exists()


def test_issuing_from_the_page_shows_the_ticket_and_the_estimate(office_a: Office, checkin_officer_a: User) -> None:
    counter(office_a, 1)
    booking = booked(office_a)
    client = staff_client(checkin_officer_a)
    response = client.post(
        checkin_url(office_a), {"action": "issue", "code": booking.code, "ktp": "on", "priority": ""}, follow=True
    )
    ticket = Ticket.objects.get(booking=booking)
    page = response.content.decode()
    assert ticket.display in page and "segera dipanggil" in page
    assert f"/petugas/{office_a.code}/tiket/{ticket.pk}/slip/?cetak=1" in page


def test_another_offices_booking_is_refused_on_the_page_without_the_person(
    office_a: Office, office_b: Office, officer_b: User
) -> None:
    booking = booked(office_a, name="Rahasia Kantor A")
    client = staff_client(officer_b)
    for action in ("lookup", "issue"):
        response = client.post(checkin_url(office_b), {"action": action, "code": booking.code, "ktp": "on"})
        assert response.status_code == 403
        assert "Rahasia" not in response.content.decode()
    assert AuditEntry.objects.filter(action="checkin.other_office", actor=officer_b, allowed=False).count() == 2
    assert not Ticket.objects.exists()


def test_unpaid_and_missing_ktp_are_answered_next_to_the_form(office_a: Office, checkin_officer_a: User) -> None:
    client = staff_client(checkin_officer_a)
    unpaid = booked(office_a, status=BookingStatus.AWAITING_PAYMENT)
    response = client.post(checkin_url(office_a), {"action": "issue", "code": unpaid.code, "ktp": "on"})
    assert response.status_code == 409 and "belum dibayar" in response.content.decode()
    paid = booked(office_a)
    response = client.post(checkin_url(office_a), {"action": "issue", "code": paid.code})
    assert response.status_code == 422 and 'id="ktp-error"' in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"code": ""},
        {"code": "LOKET1:XXXX:deadbeef"},
        {"code": "\x00\x01"},
        {"code": "A" * 5000},
        {"action": "explode", "code": "K7H3QXPA"},
        {"action": "issue", "code": "K7H3QXPA", "priority": "vip"},
    ],
)
def test_bad_check_in_input_is_a_4xx(office_a: Office, checkin_officer_a: User, data: dict[str, str]) -> None:
    response = staff_client(checkin_officer_a).post(checkin_url(office_a), data)
    assert 400 <= response.status_code < 500


def test_bad_query_values_are_ignored(office_a: Office, checkin_officer_a: User) -> None:
    client = staff_client(checkin_officer_a)
    for value in ("x", "-1", "9" * 40):
        assert client.get(f"{checkin_url(office_a)}?tiket={value}").status_code == 200
        assert client.get(f"/petugas/{office_a.code}/kiosk/?tiket={value}").status_code == 200


def test_a_supervisor_decides_a_late_arrival_on_the_page(
    office_a: Office, checkin_officer_a: User, supervisor_a: User
) -> None:
    booking = booked(office_a)
    with time_machine.travel(at_local(10, 0), tick=False):
        asked = staff_client(checkin_officer_a).post(
            checkin_url(office_a), {"action": "late_ask", "code": booking.code, "ktp": "on"}
        )
        assert asked.status_code == 302
        decision = booking.late_decision
        assert (
            staff_client(checkin_officer_a)
            .post(f"{checkin_url(office_a)}keputusan/{decision.pk}/", {"approve": "1"})
            .status_code
            == 403
        )
        supervisor = staff_client(supervisor_a)
        assert booking.code in supervisor.get(checkin_url(office_a)).content.decode()
        response = supervisor.post(f"{checkin_url(office_a)}keputusan/{decision.pk}/", {"approve": "1"}, follow=True)
    ticket = Ticket.objects.get(booking=booking)
    assert ticket.late and ticket.display in response.content.decode()
    assert supervisor.post(f"{checkin_url(office_a)}keputusan/999999/", {"approve": "1"}).status_code == 404


def test_the_slip_fits_the_printer_and_carries_no_nik(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a)
    ticket = ticket_issue(office=office_a, by=checkin_officer_a, booking=booking)
    client = staff_client(checkin_officer_a)
    url = f"/petugas/{office_a.code}/tiket/{ticket.pk}/slip/"
    page = client.get(url).content.decode()
    assert "A001" in page and "onsite/slip-80.css" in page and booking.person.nik not in page and "08.10" in page
    assert "onsite/slip-58.css" in client.get(url + "?lebar=58").content.decode()
    assert "onsite/slip-80.css" in client.get(url + "?lebar=1000").content.decode()
    QueuePolicy.objects.update_or_create(office=office_a, defaults={"slip_width_mm": 58})
    assert "onsite/slip-58.css" in client.get(url).content.decode()
    assert client.get(f"/petugas/{office_a.code}/tiket/999999/slip/").status_code == 404


def test_the_slip_of_another_office_is_not_shown(office_a: Office, office_b: Office, officer_b: User) -> None:
    ticket = ticket_issue(office=office_a, by=None, booking=booked(office_a))
    client = staff_client(officer_b)
    assert client.get(f"/petugas/{office_a.code}/tiket/{ticket.pk}/slip/").status_code == 403
    assert client.get(f"/petugas/{office_b.code}/tiket/{ticket.pk}/slip/").status_code == 404


def test_a_counter_officer_works_the_queue_from_the_page(office_a: Office, counter_officer_a: User) -> None:
    desk = counter(office_a, 1)
    ticket = ticket_issue(office=office_a, by=None, booking=booked(office_a))
    client = staff_client(counter_officer_a)
    base = f"/petugas/{office_a.code}/loket/1/"
    page = client.get(base).content.decode()
    assert "A001" in page and "segera dipanggil" in page
    for action in ("call_next", "start", "transfer"):
        assert client.post(f"{base}{action}/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.stage == Stage.PHOTO_INTERVIEW and ticket.status == TicketStatus.WAITING
    response = client.post(f"{base}finish/")
    assert response.status_code == 409 and "Tidak ada tiket" in response.content.decode()
    assert client.post(f"{base}explode/").status_code == 404
    assert client.get(f"{base}call_next/").status_code == 405
    assert client.post(f"{base}resume/", {"ticket": "x"}).status_code == 400
    assert client.post(f"{base}resume/", {"ticket": "9" * 30}).status_code == 400
    assert client.get(f"/petugas/{office_a.code}/loket/99/").status_code == 404
    assert client.post(f"{base}configure/", {"stages": ["pickup"]}).status_code == 403
    assert desk.stages == [Stage.VERIFICATION]


@pytest.mark.parametrize(("state", "shown"), [("pending", "Menunggu pembayaran"), ("paid", "Lunas")])
def test_the_counter_sees_whether_the_fee_is_paid(
    office_a: Office, counter_officer_a: User, state: str, shown: str
) -> None:
    counter(office_a, 1)
    booking = booked(office_a)
    Payment.objects.create(booking=booking, billing_code="820261201000042", amount=350_000, status=state, deadline=NOW)
    ticket_issue(office=office_a, by=None, booking=booking)
    client = staff_client(counter_officer_a)
    client.post(f"/petugas/{office_a.code}/loket/1/call_next/")
    page = client.get(f"/petugas/{office_a.code}/loket/1/").content.decode()
    assert f"PNBP: {shown}" in page.replace('<strong class="badge unpaid">', "")
    assert ("820261201000042" in page) is (state != "paid")


def test_counter_pages_are_for_counter_officers_of_the_office(
    office_a: Office, checkin_officer_a: User, officer_b: User
) -> None:
    counter(office_a, 1)
    assert staff_client(checkin_officer_a).get(f"/petugas/{office_a.code}/loket/1/").status_code == 403
    assert staff_client(officer_b).post(f"/petugas/{office_a.code}/loket/1/call_next/").status_code == 403


def test_a_supervisor_configures_a_counter_on_its_page(office_a: Office, supervisor_a: User) -> None:
    desk = counter(office_a, 2)
    client = staff_client(supervisor_a)
    response = client.post(
        f"/petugas/{office_a.code}/loket/2/configure/", {"stages": ["photo_interview", "pickup"], "active": "on"}
    )
    assert response.status_code == 302
    desk.refresh_from_db()
    assert desk.stages == ["photo_interview", "pickup"]


def test_the_kiosk_gives_a_ticket_and_shows_only_the_first_name(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a, name="Budi Santoso Wijaya")
    client = staff_client(checkin_officer_a)
    response = client.post(f"/petugas/{office_a.code}/kiosk/", {"code": booking.code}, follow=True)
    page = response.content.decode()
    assert "A001" in page and "Budi" in page and "Santoso" not in page
    assert booking.person.masked_nik not in page and booking.person.nik not in page
    again = client.post(f"/petugas/{office_a.code}/kiosk/", {"code": booking.code})
    assert again.status_code == 409 and "Anda sudah punya nomor antrean A001" in again.content.decode()
    assert client.post(f"/petugas/{office_a.code}/kiosk/", {"code": "???"}).status_code == 422


def test_oversized_numbers_in_addresses_are_404(office_a: Office, supervisor_a: User) -> None:
    client = staff_client(supervisor_a)
    huge = "9" * 30
    for url in (f"loket/{huge}/", f"loket/{huge}/call_next/", f"tiket/{huge}/slip/", f"checkin/keputusan/{huge}/"):
        assert client.post(f"/petugas/{office_a.code}/{url}").status_code == 404
    assert client.get(f"/petugas/{office_a.code}/loket/99999999999/").status_code == 404


def test_a_pickup_scan_offers_the_pickup_ticket(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a, status=BookingStatus.COMPLETED, stage=DossierStage.READY_FOR_PICKUP)
    client = staff_client(checkin_officer_a)
    page = client.post(checkin_url(office_a), {"action": "lookup", "code": booking.code}).content.decode()
    assert "Terbitkan tiket pengambilan (C)" in page
    client.post(checkin_url(office_a), {"action": "issue", "code": booking.code, "ktp": "on"})
    assert Ticket.objects.get(person=booking.person).display == "C001"


def test_a_supervisor_at_the_desk_approves_a_late_arrival_in_one_step(
    office_a: Office, supervisor_a: User, checkin_officer_a: User
) -> None:
    booking = booked(office_a)
    with time_machine.travel(at_local(10, 0), tick=False):
        page = staff_client(checkin_officer_a).post(checkin_url(office_a), {"action": "lookup", "code": booking.code})
        assert "Minta keputusan supervisor" in page.content.decode()
        assert "Setujui keterlambatan" not in page.content.decode()
        response = staff_client(supervisor_a).post(
            checkin_url(office_a), {"action": "late_approve", "code": booking.code, "ktp": "on"}
        )
    assert response.status_code == 302
    ticket = Ticket.objects.get(booking=booking)
    assert ticket.late and ticket.issued_by == supervisor_a
    assert set(AuditEntry.objects.filter(target_id=booking.code).values_list("action", flat=True)) >= {
        "checkin.late_asked",
        "checkin.late_approved",
    }


def test_opening_the_office_pages_creates_no_queue_policy(
    office_a: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    """Reads never write: an office without a policy row gets the defaults, and keeps no row."""
    counter(office_a, 1)
    assert staff_client(checkin_officer_a).get(checkin_url(office_a)).status_code == 200
    assert staff_client(counter_officer_a).get(f"/petugas/{office_a.code}/loket/1/").status_code == 200
    assert staff_client(checkin_officer_a).get(f"/petugas/{office_a.code}/kiosk/").status_code == 200
    assert not QueuePolicy.objects.filter(office=office_a).exists()
