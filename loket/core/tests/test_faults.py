"""Database blips: 503 with Retry-After (JSON from the API, a page on the web), one safe retry,
and web forms that act once per key. Faults are injected at the driver boundary
(connection.execute_wrapper), where a dropped connection surfaces."""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.db import OperationalError, connection, transaction
from django.test import Client

from conftest import bearer
from loket.accounts.models import Person, User
from loket.api.testing import ApiClient
from loket.booking.models import Booking, BookingStatus
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office
from loket.core.datefmt import grouped
from loket.core.db import atomic_retry_once
from loket.core.models import FormSubmission

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tue 07:30 in Jakarta
REQUEST = BookingRequest(
    office="TST", date=dt.date(2026, 12, 2), start=dt.time(8), service="new", passport_type="regular"
)
BODY = {"office": "TST", "date": "2026-12-02", "start": "08:00", "service": "new", "passport_type": "regular"}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@contextmanager
def lost_connection(when: Callable[[str], bool], times: int = 1) -> Iterator[list[str]]:
    """The next `times` queries matching `when` fail as a dropped server connection does."""
    failed: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if len(failed) < times and when(sql):
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failed


def inserts_into(table: str) -> Callable[[str], bool]:
    """A statement that inserts into `table`: an INSERT, or (a booking on PostgreSQL) the one
    statement that claims the seat and inserts the booking and its event."""
    return lambda sql: f'INSERT INTO "{table}"' in sql


def test_the_api_answers_json_503_with_retry_after(applicant: User) -> None:
    make_office()
    api = Client(raise_request_exception=False)
    headers = bearer(applicant)
    with lost_connection(lambda sql: "booking_booking" in sql, times=100):
        answer = api.get("/api/v1/bookings", headers=headers)
    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/json"
    assert answer["Retry-After"] == "5"
    assert answer.json()["code"] == "unavailable"


def test_a_fault_outside_the_view_is_a_503_too_and_api_500s_are_json(applicant: User) -> None:
    browser = Client(raise_request_exception=False)
    browser.force_login(applicant)
    # The session is read by a middleware (the kiosk lock), before any view runs.
    with lost_connection(lambda sql: "django_session" in sql, times=100):
        page = browser.get("/akun/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    html = page.content.decode()
    assert "Layanan sedang sibuk" in html and "Service busy" in html


def test_a_web_page_gets_the_friendly_page(applicant: User) -> None:
    make_office()
    browser = Client(raise_request_exception=False)
    browser.force_login(applicant)
    with lost_connection(lambda sql: "booking_booking" in sql, times=100):
        page = browser.get("/pemesanan/")
    assert page.status_code == 503
    assert "text/html" in page["Content-Type"]
    assert "kirim ulang formulir" in page.content.decode()


# Outside the test's own transaction, as a request runs (the retry is only for an outermost one).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_booking_whose_connection_dropped_before_commit_is_retried_once(applicant: User) -> None:
    make_office()
    api = ApiClient()
    with lost_connection(inserts_into("booking_booking")) as failed:
        answer = api.post(
            "/api/v1/bookings",
            BODY,
            content_type="application/json",
            headers={**bearer(applicant), "Idempotency-Key": "k1"},
        )
    assert failed  # the fault did happen
    assert answer.status_code == 201, answer.content
    assert Booking.objects.filter(booked_by=applicant).count() == 1


# Outside the test's own transaction, as a request runs (the retry is only for an outermost one).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_retry_is_once_only(applicant: User) -> None:
    make_office()
    api = Client(raise_request_exception=False)
    with lost_connection(inserts_into("booking_booking"), times=2) as failed:
        answer = api.post(
            "/api/v1/bookings",
            BODY,
            content_type="application/json",
            headers={**bearer(applicant), "Idempotency-Key": "k2"},
        )
    assert len(failed) == 2
    assert answer.status_code == 503
    assert not Booking.objects.exists()  # nothing half-saved


def test_inside_a_callers_transaction_there_is_no_retry(applicant: User) -> None:
    make_office()
    calls = []

    def book() -> None:
        calls.append(1)
        booking_create(user=applicant, request=REQUEST)

    with pytest.raises(OperationalError), lost_connection(inserts_into("booking_booking")), transaction.atomic():
        atomic_retry_once(book)
    assert calls == [1]


def key_of(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found, "the form carries no idempotency key"
    return found.group(1)


def test_a_cancel_form_sent_twice_cancels_once(applicant: User) -> None:
    make_office()
    booking = booking_create(user=applicant, request=REQUEST)[0]
    browser = Client()
    browser.force_login(applicant)
    key = key_of(browser.get(f"/pemesanan/{booking.code}/batal/").content.decode())
    first = browser.post("/pemesanan/batal/", {"code": booking.code, "idempotency_key": key}, follow=True)
    assert f"Pemesanan {grouped(booking.code)} dibatalkan." in first.content.decode()
    again = browser.post("/pemesanan/batal/", {"code": booking.code, "idempotency_key": key}, follow=True)
    html = again.content.decode()
    assert "sudah dikirim sebelumnya" in html
    assert "tidak aktif" not in html.lower()  # not refused as a second cancel: never acted on
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert FormSubmission.objects.filter(account_id=applicant.pk).count() == 1


def test_a_household_form_sent_twice_adds_one_member(applicant: User) -> None:
    browser = Client()
    browser.force_login(applicant)
    key = key_of(browser.get("/akun/keluarga/").content.decode())
    form = {
        "full_name": "Sari Lestari",
        "nik": "1671015003150003",
        "birth_date": "2015-03-10",
        "sex": "F",
        "relation": "child",
        "idempotency_key": key,
    }
    assert browser.post("/akun/keluarga/", form).status_code == 302
    again = browser.post("/akun/keluarga/", form, follow=True)
    assert "sudah dikirim sebelumnya" in again.content.decode()
    assert Person.objects.filter(account=applicant).count() == 2  # Ani and Sari, once


def test_every_state_changing_web_form_carries_a_key(applicant: User) -> None:
    make_office()
    booking = booking_create(user=applicant, request=REQUEST)[0]
    browser = Client()
    browser.force_login(applicant)
    for url in (f"/pemesanan/{booking.code}/batal/", "/akun/keluarga/", f"/pemesanan/{booking.code}/dokumen/"):
        key_of(browser.get(url).content.decode())
    page = browser.get(f"/pemesanan/{booking.code}/ubah-jadwal/2026-12-03/")
    key_of(page.content.decode())


def test_a_reschedule_form_sent_twice_moves_once(applicant: User) -> None:
    make_office()
    booking = booking_create(user=applicant, request=REQUEST)[0]
    browser = Client()
    browser.force_login(applicant)
    url = f"/pemesanan/{booking.code}/ubah-jadwal/2026-12-03/"
    form = {"start": "08:00", "idempotency_key": key_of(browser.get(url).content.decode())}
    assert browser.post(url, form).status_code == 302
    again = browser.post(url, form, follow=True)
    assert "sudah dikirim sebelumnya" in again.content.decode()
    booking.refresh_from_db()
    assert booking.reschedule_count == 1
