"""GET /api/v1/offices/{code}/classes: priority and express places per day, the cut-offs and the express fee."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from loket.booking.class_changes import class_place_claim
from loket.booking.models import ClassDay
from loket.offices.importer import offices_import
from loket.offices.models import Closure, Office
from loket.offices.tests.test_importer import WEEKDAYS, office_entry

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def batam() -> Office:
    offices_import(
        data=[
            office_entry(
                "BTM",
                class_quotas=[
                    {"class": "priority", "days": WEEKDAYS, "capacity": 50},
                    {"class": "express", "days": WEEKDAYS, "capacity": 35},
                ],
                express_arrival_cutoff="09:30",
                express_payment_cutoff="12:00",
            )
        ]
    )
    return Office.objects.get(code="BTM")


@time_machine.travel(dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC), tick=False)  # Monday 08:00 WIB
def test_places_left_per_class_and_day_with_the_cutoffs_and_fee(batam: Office) -> None:
    Closure.objects.create(office=batam, date=MONDAY + dt.timedelta(days=1), reason="Rapat dinas")
    with transaction.atomic():
        class_place_claim(office=batam, quota_class="express", day=MONDAY)
    rows = ClassDay.objects.count()
    response = Client().get("/api/v1/offices/btm/classes?days=7")
    assert response.status_code == 200
    body = response.json()
    assert (body["office"], body["express_arrival_cutoff"], body["express_payment_cutoff"]) == ("BTM", "09:30", "12:00")
    assert body["express_fee"] == 1_000_000
    days = {d["date"]: d["classes"] for d in body["days"]}
    assert days["2026-11-30"] == [
        {"quota_class": "priority", "capacity": 50, "remaining": 50, "bookable_online": False},
        {"quota_class": "express", "capacity": 35, "remaining": 34, "bookable_online": False},
    ]
    assert days["2026-12-01"] == []  # closed
    assert days["2026-12-05"] == []  # Saturday: no class places
    assert ClassDay.objects.count() == rows  # reading creates nothing


def test_bad_input_is_a_4xx_naming_the_field(batam: Office) -> None:
    assert Client().get("/api/v1/offices/NOPE/classes").status_code == 404
    response = Client().get("/api/v1/offices/BTM/classes?days=0")
    assert response.status_code == 422 and "days" in response.content.decode()
    assert Client().get("/api/v1/offices/BTM/classes?start=kemarin").status_code == 422


def test_the_endpoint_is_in_the_openapi_schema() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/offices/{code}/classes"]["get"]
    assert "express" in operation["description"]
    assert "ClassAvailabilityOut" in str(operation["responses"]["200"])
