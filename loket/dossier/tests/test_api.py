"""The documents API (owner only) and the replacement details of the booking API."""

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.test import Client

from conftest import bearer
from loket.accounts.models import StaffRoleKind, User
from loket.booking.models import Booking
from loket.booking.tests.conftest import make_office
from loket.dossier.models import Document, Stage
from loket.dossier.selectors import document_visible_to
from loket.dossier.tests import files
from loket.dossier.tests.conftest import upload
from loket.offices.models import Office
from loket.onsite.tests.conftest import make_officer


def test_list_shows_documents_and_what_is_missing(api: Client, applicant: User, booking: Booking) -> None:
    upload(api, applicant, booking.code, files.jpeg(), kind="ktp")
    upload(api, applicant, booking.code, files.pdf(), kind="diploma", name="ijazah.pdf")
    body = api.get(f"/api/v1/bookings/{booking.code}/documents", headers=bearer(applicant)).json()
    assert [(d["kind"], d["content_type"]) for d in body["documents"]] == [
        ("ktp", "image/jpeg"),
        ("diploma", "application/pdf"),
    ]
    assert body["missing"] == [{"kinds": ["kk"], "one_of": False, "label": "Kartu Keluarga (KK)"}]


def test_download_is_an_attachment_never_sniffed(api: Client, applicant: User, booking: Booking) -> None:
    document_id = upload(api, applicant, booking.code, files.png(), name="kk.png", kind="kk").json()["id"]
    response = api.get(f"/api/v1/bookings/{booking.code}/documents/{document_id}/file", headers=bearer(applicant))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{booking.code}-kk.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


def test_delete_removes_the_row_and_then_the_file(
    api: Client, applicant: User, booking: Booking, django_capture_on_commit_callbacks: Any
) -> None:
    document_id = upload(api, applicant, booking.code, files.jpeg()).json()["id"]
    name = Document.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/v1/bookings/{booking.code}/documents/{document_id}", headers=bearer(applicant))
    assert response.status_code == 204
    assert not Document.objects.exists()
    assert not default_storage.exists(name)
    assert upload(api, applicant, booking.code, files.jpeg()).status_code == 201  # replaced


def test_someone_elses_booking_is_404_everywhere(
    api: Client, applicant: User, other_applicant: User, booking: Booking
) -> None:
    document_id = upload(api, applicant, booking.code, files.jpeg()).json()["id"]
    stranger = bearer(other_applicant)
    base = f"/api/v1/bookings/{booking.code}"
    unknown = api.get("/api/v1/bookings/ZZZZZZZZ/documents", headers=stranger)
    responses = [
        api.get(f"{base}/documents", headers=stranger),
        api.get(f"{base}/application", headers=stranger),
        api.get(f"{base}/documents/{document_id}/file", headers=stranger),
        api.delete(f"{base}/documents/{document_id}", headers=stranger),
        upload(api, other_applicant, booking.code, files.jpeg()),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert responses[0].json() == unknown.json()
    assert Document.objects.count() == 1
    assert api.get(f"{base}/documents").status_code == 401


def test_another_bookings_document_id_is_404(
    api: Client, applicant: User, other_applicant: User, booking: Booking, office: Office
) -> None:
    from loket.dossier.tests.conftest import book

    theirs = book(other_applicant)
    their_doc = upload(api, other_applicant, theirs.code, files.jpeg()).json()["id"]
    response = api.get(f"/api/v1/bookings/{booking.code}/documents/{their_doc}/file", headers=bearer(applicant))
    assert response.status_code == 404


def test_documents_are_locked_once_verified(api: Client, applicant: User, booking: Booking) -> None:
    document_id = upload(api, applicant, booking.code, files.jpeg()).json()["id"]
    booking.application.__class__.objects.filter(pk=booking.application.pk).update(stage=Stage.DOCUMENTS_VERIFIED)
    assert upload(api, applicant, booking.code, files.jpeg(), kind="kk").status_code == 409
    response = api.delete(f"/api/v1/bookings/{booking.code}/documents/{document_id}", headers=bearer(applicant))
    assert (response.status_code, response.json()["code"]) == (409, "documents_locked")


def test_document_visible_to_owner_and_staff_of_the_booked_office_only(
    api: Client, applicant: User, other_applicant: User, booking: Booking
) -> None:
    upload(api, applicant, booking.code, files.jpeg())
    document = Document.objects.select_related("application__booking__person").get()
    elsewhere = make_office("OFB")
    officer_here = make_officer(email="loket@imigrasi.go.id", office=booking.office, role=StaffRoleKind.COUNTER)
    officer_elsewhere = make_officer(email="b@imigrasi.go.id", office=elsewhere, role=StaffRoleKind.SUPERVISOR)
    national = make_officer(email="pusat@imigrasi.go.id", office=None, role=StaffRoleKind.ADMIN)
    # A staff permission or superuser flag alone no longer opens a citizen's documents.
    reader = User.objects.create_user("baca@imigrasi.go.id", "x", full_name="Baca", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_document"))
    reader = User.objects.get(pk=reader.pk)
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", "x", full_name="Kepala")
    assert document_visible_to(applicant, document)
    assert document_visible_to(officer_here, document)
    assert document_visible_to(national, document)
    assert not document_visible_to(officer_elsewhere, document)
    assert not document_visible_to(reader, document)
    assert not document_visible_to(boss, document)
    assert not document_visible_to(other_applicant, document)


# --- the booking API: replacement details --------------------------------------------------

BODY = {"office": "TST", "date": "2026-12-02", "start": "08:00", "passport_type": "regular"}


def post_booking(api: Client, user: User, key: str | None = None, **fields: Any) -> Any:
    headers = {**bearer(user), **({"Idempotency-Key": key} if key else {})}
    return api.post("/api/v1/bookings", {**BODY, **fields}, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"service": "replacement"}, "replacement_reason", "required"),
        ({"service": "replacement", "replacement_reason": "expired"}, "old_passport_number", "required"),
        (
            {"service": "replacement", "replacement_reason": "expired", "old_passport_number": "12345"},
            "old_passport_number",
            "invalid",
        ),
        ({"service": "replacement", "replacement_reason": "stolen"}, "replacement_reason", "invalid"),
        ({"service": "new", "replacement_reason": "expired"}, "replacement_reason", "not_replacement"),
        ({"service": "new", "old_passport_number": "B1234567"}, "old_passport_number", "not_replacement"),
    ],
)
def test_replacement_details_are_checked_before_a_seat_is_taken(
    api: Client, applicant: User, office: Office, fields: dict[str, str], field: str, code: str
) -> None:
    response = post_booking(api, applicant, **fields)
    assert response.status_code == 422, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert not Booking.objects.exists()


def test_replacement_booking_opens_its_application(api: Client, applicant: User, office: Office) -> None:
    response = post_booking(
        api, applicant, service="replacement", replacement_reason="data_changed", old_passport_number="x2345678"
    )
    assert response.status_code == 201, response.content
    application = Booking.objects.get().application
    assert (application.service, application.replacement_reason, application.old_passport_number) == (
        "replacement",
        "data_changed",
        "X2345678",
    )
    assert (application.applicant_name, application.applicant_nik) == ("Ani Lestari", "1671014508900002")
    assert [e.stage for e in application.timeline.all()] == [Stage.SUBMITTED]


def test_lost_passport_needs_no_number(api: Client, applicant: User, office: Office) -> None:
    response = post_booking(api, applicant, service="replacement", replacement_reason="lost")
    assert response.status_code == 201, response.content
    assert Booking.objects.get().application.passport_check == "not_required"


def test_idempotency_fingerprint_covers_the_replacement_details(api: Client, applicant: User, office: Office) -> None:
    first = post_booking(api, applicant, "k-1", service="replacement", replacement_reason="lost")
    again = post_booking(api, applicant, "k-1", service="replacement", replacement_reason="lost")
    assert (first.status_code, again.status_code) == (201, 200)
    other = post_booking(
        api, applicant, "k-1", service="replacement", replacement_reason="damaged", old_passport_number="X2345678"
    )
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
