"""Every date the API reads is bounded: far past or far future is a 422 naming the field, never a 500."""

from typing import Any

import pytest
from django.test import Client

from loket.accounts.models import User
from loket.booking.tests.conftest import make_office

FAR = ["9999-12-31", "9999-11-15", "0001-01-01", "1899-12-31"]


@pytest.fixture
def plb(db: None) -> None:
    make_office("PLB")


def assert_date_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content[:300]
    assert response.json()["field"] == field
    assert "between" in response.json()["message"]


@pytest.mark.parametrize("start", FAR)
def test_availability_start_out_of_range_is_422(api: Client, plb: None, start: str) -> None:
    assert_date_refused(api.get(f"/api/v1/offices/PLB/availability?start={start}&days=62"), "start")


@pytest.mark.parametrize("day", FAR)
def test_booking_and_reschedule_dates_out_of_range_are_422(
    api: Client, plb: None, applicant: User, auth_headers: dict[str, str], day: str
) -> None:
    body = {"office": "PLB", "date": day, "start": "08:00", "service": "new", "passport_type": "regular"}
    assert_date_refused(
        api.post("/api/v1/bookings", body, content_type="application/json", headers=auth_headers), "date"
    )
    moved = api.post(
        "/api/v1/bookings/ABCD-EFGH/reschedule",
        {"date": day, "start": "08:00"},
        content_type="application/json",
        headers=auth_headers,
    )
    assert_date_refused(moved, "date")


def test_a_date_inside_the_range_still_works(api: Client, plb: None) -> None:
    assert api.get("/api/v1/offices/PLB/availability?start=2030-01-01&days=62").status_code == 200
