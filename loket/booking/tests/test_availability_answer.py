"""The availability answer at release-time scale: ready bytes from the shared cache, an ETag,
304 when unchanged; reads never write; the booking decision never reads the cache.
Time frozen on Tue 1 Dec 2026, 07:30 WIB."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.booking.models import Slot, WalkinDay
from loket.offices.models import Office

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)
URL = "/api/v1/offices/TST/availability?start=2026-12-02&days=3"
BODY = {"office": "TST", "date": "2026-12-02", "start": "09:00", "service": "new", "passport_type": "regular"}


@pytest.fixture(autouse=True)
def _cached(settings: Any) -> Any:
    settings.LOKET_AVAILABILITY_CACHE_SECONDS = 30
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def seats_at_nine(answer: dict[str, Any]) -> int:
    return next(w["remaining"] for w in answer["days"][0]["windows"] if w["start"] == "09:00")


def test_an_unchanged_answer_is_a_304_without_a_body(api: Client, office: Office) -> None:
    first = api.get(URL)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=30"
    again = api.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    assert api.get(URL, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_answer_is_built_once_per_interval_and_follows_the_seats(
    api: Client, office: Office, auth_headers: dict[str, str], _cached: Any
) -> None:
    before = api.get(URL)
    assert seats_at_nine(before.json()) == 1
    booked = api.post("/api/v1/bookings", BODY, content_type="application/json", headers=auth_headers)
    assert booked.status_code == 201
    # Within the interval the same bytes are served (one build for a storm of readers)...
    assert api.get(URL).content == before.content
    # ...and after it the answer shows the seat taken, under a new ETag.
    _cached.shift(dt.timedelta(seconds=31))
    after = api.get(URL, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert seats_at_nine(after.json()) == 0
    assert after.headers["ETag"] != before.headers["ETag"]


def test_the_booking_decision_never_reads_the_cached_answer(
    api: Client, office: Office, auth_headers: dict[str, str]
) -> None:
    assert seats_at_nine(api.get(URL).json()) == 1  # cached: one seat left
    Slot.objects.create(
        office=office, date=dt.date(2026, 12, 2), start=dt.time(9), end=dt.time(10),
        starts_at="2026-12-02T02:00Z", capacity=1, booked=1,
    )  # fmt: skip
    refused = api.post("/api/v1/bookings", BODY, content_type="application/json", headers=auth_headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "window_full"
    assert seats_at_nine(api.get(URL).json()) == 1  # the page may lag; the decision did not


def test_reading_availability_creates_no_row(api: Client, office: Office) -> None:
    api.get(URL)
    api.get("/api/v1/offices/TST/availability?days=30")
    assert not Slot.objects.exists()
    assert not WalkinDay.objects.exists()


def test_an_unknown_office_is_a_404(api: Client, office: Office) -> None:
    assert api.get("/api/v1/offices/NOPE/availability").status_code == 404
