"""The data subject's rights and retention: a JSON copy, account deletion, anonymising after a period."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from conftest import PASSWORD, bearer, make_applicant
from loket.accounts.models import Person, User
from loket.api.testing import ApiClient
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, BookingStatus
from loket.booking.services import BookingRequest, booking_cancel, booking_create
from loket.booking.tests.conftest import make_office
from loket.dossier.models import Application, Document, Stage
from loket.privacy.retention import retention_run

NIK = "1671014508900002"
VISIT = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def book(user: User, day: dt.date = VISIT) -> Booking:
    make_office("PLB") if not Booking.objects.exists() and not _office_exists() else None
    request = BookingRequest(office="PLB", date=day, start=dt.time(8), service="new", passport_type="regular")
    with time_machine.travel(day_before(day), tick=False):
        return booking_create(user=user, request=request)[0]


def day_before(day: dt.date) -> dt.datetime:
    """The moment the tests book (and cancel) a visit on `day`: the day before, whatever today is."""
    return dt.datetime.combine(day - dt.timedelta(days=1), dt.time(1), tzinfo=dt.UTC)


def _office_exists() -> bool:
    from loket.offices.models import Office

    return Office.objects.filter(code="PLB").exists()


def with_document(booking: Booking) -> str:
    name = default_storage.save("documents/ktp", ContentFile(b"%PDF-1.7 KTP"))
    Document.objects.create(
        application=booking.application,
        kind="ktp",
        file=name,
        content_type="application/pdf",
        size=12,
        sha256="0" * 64,
        uploaded_by=booking.booked_by,
    )
    return name


def test_the_api_gives_a_json_copy(applicant: User) -> None:
    booking = book(applicant)
    answer = ApiClient().get("/api/v1/auth/me/data", headers=bearer(applicant))
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]
    data = answer.json()
    assert data["account"]["email"] == applicant.email
    assert data["people"][0]["nik"] == NIK
    assert [b["code"] for b in data["bookings"]] == [booking.code]


def test_an_account_with_an_active_booking_cannot_be_deleted(applicant: User) -> None:
    book(applicant)
    answer = ApiClient().post(
        "/api/v1/auth/me/delete", {"password": PASSWORD}, content_type="application/json", headers=bearer(applicant)
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "active_booking_exists"
    assert User.objects.get(pk=applicant.pk).is_active


def test_deleting_the_account_erases_the_person_and_keeps_the_past_anonymous(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    booking = book(applicant)
    name = with_document(booking)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(day_before(VISIT), tick=False):
        booking_cancel(user=applicant, code=booking.code)
    headers = bearer(applicant)
    wrong = ApiClient().post(
        "/api/v1/auth/me/delete", {"password": "salah"}, content_type="application/json", headers=headers
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "password"
    with django_capture_on_commit_callbacks(execute=True):  # the files go after the commit
        answer = ApiClient().post(
            "/api/v1/auth/me/delete", {"password": PASSWORD}, content_type="application/json", headers=headers
        )
    assert answer.status_code == 204
    assert ApiClient().get("/api/v1/auth/me", headers=headers).status_code == 401  # tokens gone
    assert not User.objects.get(pk=applicant.pk).is_active
    assert not Person.objects.filter(nik=NIK).exists()  # the NIK can be registered again
    booking.refresh_from_db()
    assert booking.person_name == "" and booking.person.full_name == ""
    application = Application.objects.get(booking=booking)
    assert (application.applicant_name, application.applicant_nik) == ("", "")
    assert not Document.objects.exists() and not default_storage.exists(name)
    entry = AuditEntry.objects.get(action="account.deleted")
    assert NIK not in str(entry.after) and "ani@example.id" not in str(entry.after)
    assert (
        Client()
        .post(
            "/api/v1/auth/token", {"username": "ani@example.id", "password": PASSWORD}, content_type="application/json"
        )
        .status_code
        == 401
    )


def test_the_profile_page_offers_the_copy_and_the_deletion(applicant: User) -> None:
    browser = Client()
    browser.force_login(applicant)
    html = browser.get("/akun/").content.decode()
    assert "/akun/data/" in html and "/akun/hapus/" in html
    download = browser.get("/akun/data/")
    assert download["Content-Disposition"].startswith("attachment")
    assert b'"nik": "1671014508900002"' in download.content
    refused = browser.post("/akun/hapus/", {"password": PASSWORD})  # the confirmation box unticked
    assert refused.status_code == 200 and User.objects.get(pk=applicant.pk).is_active
    done = browser.post("/akun/hapus/", {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    assert not User.objects.get(pk=applicant.pk).is_active
    assert browser.get("/akun/").status_code == 302  # signed out


def test_retention_anonymises_old_ended_bookings_only_and_is_safe_to_rerun(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOKET_RETENTION_DAYS = 30
    old = book(applicant, dt.date(2026, 9, 1))
    name = with_document(old)
    Booking.objects.filter(pk=old.pk).update(status=BookingStatus.COMPLETED)
    Application.objects.filter(booking=old).update(stage=Stage.COLLECTED)
    in_progress = book(
        make_applicant(email="b@example.id", nik="3174011203850003", birth_date=dt.date(1985, 3, 12), sex="M"),
        dt.date(2026, 9, 2),
    )
    Booking.objects.filter(pk=in_progress.pk).update(status=BookingStatus.COMPLETED)
    Application.objects.filter(booking=in_progress).update(stage=Stage.PRINTED)  # passport not collected yet
    recent = book(
        make_applicant(email="c@example.id", nik="3174014203850004", birth_date=dt.date(1985, 3, 2), sex="F"),
        dt.date(2026, 11, 20),
    )
    Booking.objects.filter(pk=recent.pk).update(status=BookingStatus.NO_SHOW)

    with (
        time_machine.travel(dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = retention_run()
        again = retention_run()
    assert first == {"bookings": 1, "documents": 1, "people": 0}
    assert again == {"bookings": 0, "documents": 0, "people": 0}
    old.refresh_from_db()
    assert old.person_name == "" and Application.objects.get(booking=old).applicant_nik == ""
    assert not default_storage.exists(name)
    assert Booking.objects.get(pk=in_progress.pk).person_name != ""
    assert Booking.objects.get(pk=recent.pk).person_name != ""


def test_retention_strips_people_registered_at_the_office_once_none_of_their_bookings_is_kept(
    applicant: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A walk-in person (no account) goes with their last kept booking; one with a booking still kept stays."""
    settings.LOKET_RETENTION_DAYS = 30
    gone = book(applicant, dt.date(2026, 9, 1))
    old = book(make_applicant(email="b@example.id", nik="3174011203850003", birth_date=dt.date(1985, 3, 12), sex="M"),
               dt.date(2026, 9, 2))  # fmt: skip
    recent = book(make_applicant(email="c@example.id", nik="3174014203850004", birth_date=dt.date(1985, 3, 2), sex="F"),
                  dt.date(2026, 11, 20))  # fmt: skip
    walkin = Person.objects.create(
        account=None, relation="self", full_name="Budi Santoso", nik="3174011203850111", birth_date=dt.date(1985, 3, 12), sex="M"
    )  # fmt: skip
    regular = Person.objects.create(
        account=None, relation="self", full_name="Siti Aminah", nik="3174014203850112", birth_date=dt.date(1985, 3, 2), sex="F"
    )  # fmt: skip
    Booking.objects.filter(pk=gone.pk).update(person=walkin, status=BookingStatus.COMPLETED)
    Booking.objects.filter(pk=old.pk).update(person=regular, status=BookingStatus.COMPLETED)
    Booking.objects.filter(pk=recent.pk).update(person=regular, status=BookingStatus.NO_SHOW)  # not due yet
    Application.objects.filter(booking__in=[gone, old]).update(stage=Stage.COLLECTED)

    with (
        time_machine.travel(dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = retention_run()
        again = retention_run()
    assert first == {"bookings": 2, "documents": 0, "people": 1}
    assert again == {"bookings": 0, "documents": 0, "people": 0}
    walkin.refresh_from_db()
    assert walkin.full_name == "" and walkin.nik == f"erased-{walkin.pk}" and walkin.phone == ""
    assert not Person.objects.filter(nik="3174011203850111").exists()  # the NIK no longer finds anyone
    regular.refresh_from_db()
    assert regular.full_name == "Siti Aminah" and regular.nik == "3174014203850112"
