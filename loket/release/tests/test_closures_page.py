"""The closures page: a supervisor closes a day of the office; the people booked on it are told,
the page counts them, the action is audited, and bad dates and reasons are refused by field."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import StaffRoleKind, User
from loket.audit.models import AuditEntry
from loket.booking.models import BookingEvent, EventKind
from loket.booking.tests.conftest import make_office
from loket.notify.models import Message
from loket.offices.models import Closure, Office
from loket.onsite.tests.conftest import make_officer, staff_client
from loket.web.tests.test_bookings import DAY, NOW, book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):  # Tuesday 1 December 2026, 07:30 WIB
        yield


@pytest.fixture
def office(db: None) -> Office:
    return make_office("PLB")


@pytest.fixture
def supervisor(office: Office) -> Client:
    return staff_client(make_officer(email="kepala.plb@imigrasi.go.id", office=office, role=StaffRoleKind.SUPERVISOR))


URL = "/petugas/PLB/penutupan/"


def test_a_supervisor_closes_a_day_and_the_people_booked_are_told(
    supervisor: Client, applicant: User, other_applicant: User, office: Office
) -> None:
    mine, theirs = book(applicant, office), book(other_applicant, office)
    Closure.objects.create(office=None, date=dt.date(2026, 12, 25), reason="Hari Natal (tambahan)")
    answer = supervisor.post(URL, {"date": "2026-12-02", "reason": "  Pemadaman   listrik "}, follow=True)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Rabu, 2 Desember 2026 ditutup. 2 orang yang sudah memesan hari itu diberi tahu." in html
    closure = Closure.objects.get(office=office, date=DAY)
    assert closure.reason == "Pemadaman listrik" and closure.created_by is not None
    assert {m.event_key for m in Message.objects.filter(event_key__contains=":closed:")} == {
        f"booking:{mine.pk}:closed:2026-12-02:email",
        f"booking:{theirs.pk}:closed:2026-12-02:email",
    }
    entry = AuditEntry.objects.get(action="closure.add")
    assert (entry.office_id, entry.target_id) == (office.pk, "PLB:2026-12-02")
    assert entry.after == {"date": "2026-12-02", "reason": "Pemadaman listrik", "told": 2}
    # The page lists the office's closures and the nationwide ones, each with how many were told.
    rows = html[html.index('<table id="closures">') :]
    assert rows.index("Rabu, 2 Desember 2026") < rows.index("Jumat, 25 Desember 2026")
    assert "<td>Pemadaman listrik</td><td>2</td>" in rows
    assert "<td>Hari Natal (tambahan) (nasional)</td><td>0</td>" in rows


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"date": "2026-11-30", "reason": "Banjir"}, "date", "Pilih hari ini atau hari yang akan datang"),
        ({"date": "2027-12-31", "reason": "Banjir"}, "date", "paling jauh setahun lagi"),
        ({"date": "2026-13-45", "reason": "Banjir"}, "date", "Masukkan tanggal yang valid"),
        ({"date": "2026-12-02", "reason": "   "}, "reason", "Tulis alasan penutupan"),
        ({"date": "2026-12-02", "reason": "x" * 201}, "reason", "200"),
        ({"date": "2026-12-25", "reason": "Banjir"}, "date", "Kantor sudah tutup pada hari itu: Hari Raya Natal"),
    ],
)
def test_bad_dates_and_reasons_are_refused_by_field_and_nothing_is_closed(
    supervisor: Client, office: Office, data: dict[str, str], field: str, text: str
) -> None:
    answer = supervisor.post(URL, data)
    assert 400 <= answer.status_code < 500
    html = answer.content.decode()
    assert f'id="id_{field}-error"' in html and text in html
    assert not Closure.objects.exists()
    assert not AuditEntry.objects.filter(action="closure.add").exists()


def test_a_day_closed_already_is_refused_with_its_reason(supervisor: Client, office: Office) -> None:
    Closure.objects.create(office=office, date=DAY, reason="Pemadaman listrik")
    answer = supervisor.post(URL, {"date": "2026-12-02", "reason": "Banjir"})
    assert answer.status_code == 409
    assert "Kantor sudah tutup pada hari itu: Pemadaman listrik." in answer.content.decode()
    assert Closure.objects.get().reason == "Pemadaman listrik"


def test_only_a_supervisor_of_the_office_closes_its_days(office: Office) -> None:
    officer = staff_client(make_officer(email="loket.plb@imigrasi.go.id", office=office, role=StaffRoleKind.COUNTER))
    elsewhere = make_office("MDN")
    other = staff_client(
        make_officer(email="kepala.mdn@imigrasi.go.id", office=elsewhere, role=StaffRoleKind.SUPERVISOR)
    )
    for client in (officer, other):
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"date": "2026-12-02", "reason": "Banjir"}).status_code == 403
    assert Client().get(URL).status_code == 302  # to the staff login
    assert not Closure.objects.exists()
    assert not BookingEvent.objects.filter(kind=EventKind.DAY_CLOSED).exists()
