"""GET /api/v1/offices: the public list and detail of offices with their weekly windows and quotas."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from loket.offices.importer import offices_import

pytestmark = pytest.mark.django_db

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def entry(code: str, name: str, city: str, province: str, per_window: int, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "city": city,
        "province": province,
        "timezone": "Asia/Jakarta",
        "horizon_days": 30,
        "windows": [
            {"days": WEEKDAYS, "start": "10:00", "end": "11:00", "capacity": per_window},
            {"days": WEEKDAYS, "start": "08:00", "end": "09:00", "capacity": per_window},
        ],
        **extra,
    }


@pytest.fixture
def offices() -> None:
    offices_import(
        data=[
            entry("PLB", "Kantor Imigrasi Kelas I TPI Palembang", "Palembang", "Sumatera Selatan", 100),
            entry("PMS", "Kantor Imigrasi Kelas II TPI Pematangsiantar", "Pematangsiantar", "Sumatera Utara", 35),
            entry("MDN", "Kantor Imigrasi Kelas I Khusus TPI Medan", "Medan", "Sumatera Utara", 100),
            entry(
                "JYP",
                "Kantor Imigrasi Kelas I TPI Jayapura",
                "Jayapura",
                "Papua",
                30,
                timezone="Asia/Jayapura",
                online_booking=False,
                release_time="07:30",
            ),
        ]
    )


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [office["code"] for office in response.json()]


def test_list_returns_every_office_by_name(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices")) == ["MDN", "JYP", "PLB", "PMS"]


def test_list_is_empty_without_offices(api: Client, db: None) -> None:
    assert codes(api.get("/api/v1/offices")) == []


def test_list_shows_weekly_windows_in_start_order_and_daily_quota(api: Client, offices: None) -> None:
    plb = next(o for o in api.get("/api/v1/offices").json() if o["code"] == "PLB")

    assert set(plb["weekly_windows"]) == set(WEEKDAYS)
    assert plb["weekly_windows"]["mon"] == [
        {"start": "08:00", "end": "09:00", "capacity": 100},
        {"start": "10:00", "end": "11:00", "capacity": 100},
    ]
    assert plb["daily_quota"] == {day: 200 for day in WEEKDAYS}


def test_search_by_city(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices", {"q": "siantar"})) == ["PMS"]


def test_search_by_name_ignores_case(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices", {"q": "KHUSUS"})) == ["MDN"]


def test_search_by_exact_code(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices", {"q": "jyp"})) == ["JYP"]


def test_search_with_no_match_is_empty(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices", {"q": "Tokyo"})) == []


def test_filter_by_province(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices", {"province": "sumatera utara"})) == ["MDN", "PMS"]


def test_search_and_province_together(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices", {"q": "Medan", "province": "Sumatera Utara"})) == ["MDN"]
    assert codes(api.get("/api/v1/offices", {"q": "Medan", "province": "Papua"})) == []


def test_detail_gives_daily_quota_per_weekday(api: Client, offices: None) -> None:
    response = api.get("/api/v1/offices/PLB")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "PLB"
    assert body["daily_quota"] == {"mon": 200, "tue": 200, "wed": 200, "thu": 200, "fri": 200}
    assert "sat" not in body["weekly_windows"]


def test_detail_shows_zone_booking_switch_and_release_time(api: Client, offices: None) -> None:
    body = api.get("/api/v1/offices/JYP").json()

    assert (body["timezone"], body["zone"]) == ("Asia/Jayapura", "WIT")
    assert body["online_booking"] is False
    assert body["release_time"] == "07:30"
    assert body["horizon_days"] == 30
    assert body["daily_quota"]["fri"] == 60


def test_detail_code_is_case_insensitive(api: Client, offices: None) -> None:
    response = api.get("/api/v1/offices/plb")

    assert response.status_code == 200
    assert response.json()["code"] == "PLB"


def test_unknown_office_is_404_json(api: Client, offices: None) -> None:
    response = api.get("/api/v1/offices/NOPE")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
    assert response.json()["message"]


def test_very_long_office_code_is_rejected_not_a_prefix_match(api: Client, offices: None) -> None:
    response = api.get("/api/v1/offices/" + "PLB" + "X" * 500)

    assert response.status_code == 422
    assert response.json()["field"] == "code"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "Palembang\x00"},
        {"q": "\x1b[31m"},
        {"province": "y" * 65},
        {"province": "Papua\x00"},
    ],
    ids=["long q", "NUL in q", "escape in q", "long province", "NUL in province"],
)
def test_odd_search_input_is_422_json_never_500(api: Client, offices: None, params: dict[str, str]) -> None:
    response = api.get("/api/v1/offices", params)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == next(iter(params))


def test_search_input_is_trimmed(api: Client, offices: None) -> None:
    assert codes(api.get("/api/v1/offices", {"q": "  Medan  "})) == ["MDN"]


def test_offices_are_public(api: Client, offices: None) -> None:
    # no Authorization header needed
    assert api.get("/api/v1/offices").status_code == 200
    assert api.get("/api/v1/offices/PMS").status_code == 200


def test_list_reflects_a_reimport(api: Client, offices: None) -> None:
    offices_import(data=[entry("PMS", "Kantor Imigrasi Pematangsiantar", "Pematangsiantar", "Sumatera Utara", 70)])

    body = api.get("/api/v1/offices/PMS").json()

    assert body["daily_quota"]["wed"] == 140
    assert dt.time.fromisoformat(body["release_time"]) == dt.time(0, 0)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("%00", id="NUL"),
        pytest.param("PL%00B", id="NUL inside"),
        pytest.param("%1B", id="escape"),
    ],
)
def test_control_characters_in_office_code_are_not_a_500(api: Client, offices: None, code: str) -> None:
    for path in (f"/api/v1/offices/{code}", f"/api/v1/offices/{code}/availability"):
        response = api.get(path)
        assert response.status_code in (404, 422), path
    assert response.json()["code"] in ("not_found", "invalid")
