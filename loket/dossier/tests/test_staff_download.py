"""Officers download documents of their own office's bookings only, and every download is in the audit log."""

import pytest
from django.test import Client

from loket.accounts.models import StaffRoleKind, User
from loket.audit.models import AuditEntry
from loket.booking.models import Booking
from loket.booking.tests.conftest import make_office
from loket.dossier.tests import files
from loket.dossier.tests.conftest import upload
from loket.onsite.tests.conftest import make_officer, staff_client


@pytest.fixture
def document_id(api: Client, applicant: User, booking: Booking) -> int:
    return int(upload(api, applicant, booking.code, files.png(), name="kk.png", kind="kk").json()["id"])


def test_officer_of_the_booked_office_downloads_and_it_is_audited(booking: Booking, document_id: int) -> None:
    officer = make_officer(email="loket@imigrasi.go.id", office=booking.office, role=StaffRoleKind.CHECKIN)
    response = staff_client(officer).get(f"/petugas/{booking.office.code}/dokumen/{document_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    entry = AuditEntry.objects.get(action="document.download")
    assert (entry.actor, entry.office, entry.target_id, entry.allowed) == (
        officer,
        booking.office,
        str(document_id),
        True,
    )
    assert entry.after == {"booking": booking.code, "kind": "kk"}
    assert entry.ip == "127.0.0.1"


def test_officer_of_another_office_is_refused_and_the_attempt_logged(booking: Booking, document_id: int) -> None:
    office_b = make_office("OFB")
    officer_b = make_officer(email="b@imigrasi.go.id", office=office_b, role=StaffRoleKind.SUPERVISOR)
    client = staff_client(officer_b)
    # At the booked office's address: not his office.
    assert client.get(f"/petugas/{booking.office.code}/dokumen/{document_id}/").status_code == 403
    # At his own office's address: the document is not one of that office's bookings.
    assert client.get(f"/petugas/OFB/dokumen/{document_id}/").status_code == 404
    refused = AuditEntry.objects.get()
    assert (refused.actor, refused.office, refused.action, refused.allowed) == (
        officer_b,
        booking.office,
        "document.download",
        False,
    )


def test_national_admin_downloads_any_office_document(booking: Booking, document_id: int) -> None:
    admin = make_officer(email="pusat@imigrasi.go.id", office=None, role=StaffRoleKind.ADMIN)
    assert staff_client(admin).get(f"/petugas/{booking.office.code}/dokumen/{document_id}/").status_code == 200
    assert AuditEntry.objects.filter(action="document.download", actor=admin, allowed=True).count() == 1


def test_applicant_cannot_use_the_staff_download(applicant: User, booking: Booking, document_id: int) -> None:
    client = Client()
    client.force_login(applicant)
    response = client.get(f"/petugas/{booking.office.code}/dokumen/{document_id}/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")
