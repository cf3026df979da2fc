"""The booking API: availability, book, list, cancel, reschedule. Time frozen on Tue 1 Dec 2026, 07:30 WIB."""

import datetime as dt
import hashlib
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import bearer, make_applicant
from loket.accounts.models import ApiToken, Person, Relation, User
from loket.booking.codes import ALPHABET, code_from_qr
from loket.booking.models import Booking, BookingStatus, Slot
from loket.booking.seats import seats_release_due
from loket.offices.models import Closure, Office

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 in Jakarta
DAY = "2026-12-02"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def add_child(parent: User) -> Person:
    """Rina, Ani's daughter (born 2015), a household member."""
    return Person.objects.create(
        account=parent,
        relation=Relation.CHILD,
        full_name="Rina",
        nik="1671015003150003",
        birth_date=dt.date(2015, 3, 10),
        sex="F",
    )


def book(api: Client, headers: dict[str, str], **overrides: Any) -> Any:
    body = {
        "office": "TST",
        "date": DAY,
        "start": "08:00",
        "service": "new",
        "passport_type": "regular",
        "member": None,
    }
    body.update(overrides)
    extra = {"Idempotency-Key": overrides.pop("key")} if "key" in overrides else {}
    body.pop("key", None)
    return api.post("/api/v1/bookings", body, content_type="application/json", headers={**headers, **extra})


def test_booking_takes_a_seat_and_returns_the_proof(api: Client, office: Office, auth_headers: dict[str, str]) -> None:
    response = book(api, auth_headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "awaiting_payment"  # the seat is held; the PNBP fee is due first
    assert (body["payment"]["amount"], body["payment"]["status"]) == (350_000, "pending")
    assert (body["office"], body["date"], body["start"], body["end"]) == ("TST", DAY, "08:00", "09:00")
    assert body["name"] == "Ani Lestari"
    assert body["nik"] == "1671********0002"
    assert len(body["code"]) == 8 and set(body["code"]) <= set(ALPHABET)
    assert code_from_qr(body["qr"]) == body["code"]
    assert Slot.objects.get(office=office, date=DAY, start="08:00").booked == 1


def test_without_payment_required_the_booking_is_confirmed_at_once(
    api: Client, office: Office, auth_headers: dict[str, str], settings: Any
) -> None:
    settings.LOKET_PAYMENT_REQUIRED = False
    body = book(api, auth_headers).json()
    assert (body["status"], body["payment"]) == ("confirmed", None)
    assert Slot.objects.get(office=office, date=DAY, start="08:00").booked == 1


def test_code_is_never_ambiguous() -> None:
    assert not set("0O1I") & set(ALPHABET)


def test_availability_counts_down(api: Client, office: Office, auth_headers: dict[str, str]) -> None:
    book(api, auth_headers)
    body = api.get("/api/v1/offices/TST/availability", {"start": DAY, "days": 1}).json()
    windows = body["days"][0]["windows"]
    assert windows[0] == {"start": "08:00", "end": "09:00", "capacity": 2, "remaining": 1}
    assert body["next_available"] == "2026-12-01"


@pytest.mark.parametrize("days", [0, 63, -1, "x"])
def test_availability_days_out_of_range_is_422(api: Client, office: Office, days: object) -> None:
    response = api.get("/api/v1/offices/TST/availability", {"start": DAY, "days": days})
    assert response.status_code == 422
    assert response.json()["field"] == "days"


def test_availability_of_a_wholly_past_month_is_422_on_start(api: Client, office: Office) -> None:
    response = api.get("/api/v1/offices/TST/availability", {"start": "2026-11-01", "days": 30})
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("past", "start")
    assert "2026-12-01" in body["message"]
    # A range that reaches today still answers, past days marked as such.
    days = api.get("/api/v1/offices/TST/availability", {"start": "2026-11-30", "days": 2}).json()["days"]
    assert [d["reason_code"] for d in days] == ["past", None]


def test_availability_of_unknown_office_is_404(api: Client, db: None) -> None:
    assert api.get("/api/v1/offices/NOPE/availability").status_code == 404


def test_full_window_is_409_with_next_available(api: Client, office: Office, other_applicant: User) -> None:
    book(api, bearer(other_applicant), start="09:00", date="2026-12-01")  # 1-seat window today
    third = make_applicant(email="c@example.id", nik="3174011203850004", sex="M", birth_date=dt.date(1985, 3, 12))
    response = book(api, bearer(third), start="09:00", date="2026-12-01")
    assert response.status_code == 409
    assert response.json()["code"] == "window_full"
    assert response.json()["next_available"] == "2026-12-01"  # the 08:00 window has started? no: 07:30 now


def test_second_active_booking_for_same_person_is_409(
    api: Client, office: Office, auth_headers: dict[str, str]
) -> None:
    assert book(api, auth_headers).status_code == 201
    response = book(api, auth_headers, date="2026-12-03")
    assert response.status_code == 409
    assert response.json()["code"] == "active_booking_exists"


def test_member_can_be_booked_beside_the_holder(api: Client, office: Office, applicant: User) -> None:
    child = add_child(applicant)
    headers = bearer(applicant)
    assert book(api, headers).status_code == 201
    response = book(api, headers, member=child.pk)
    assert response.status_code == 201
    assert response.json()["name"] == "Rina"
    assert len(api.get("/api/v1/bookings", headers=headers).json()) == 2


def test_someone_elses_member_is_rejected(api: Client, office: Office, applicant: User, other_applicant: User) -> None:
    stranger = Person.objects.get(account=other_applicant)
    response = book(api, bearer(applicant), member=stranger.pk)
    assert response.status_code == 422
    assert response.json()["field"] == "member"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"office": "NOPE"}, "unknown_office"),
        ({"start": "08:30"}, "unknown_window"),
        ({"date": "2026-11-30"}, "past"),
        ({"date": "2027-02-01"}, "beyond_horizon"),
        ({"date": "2026-12-25"}, "closed"),
        ({"date": "2026-12-24"}, "closed"),
    ],
)
def test_unbookable_requests_are_422(
    api: Client, office: Office, auth_headers: dict[str, str], overrides: dict[str, str], code: str
) -> None:
    response = book(api, auth_headers, **overrides)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code


def test_window_already_started_today_is_not_bookable(
    api: Client, office: Office, auth_headers: dict[str, str]
) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC), tick=False):  # 08:30 WIB
        response = book(api, auth_headers, date="2026-12-01", start="08:00")
        assert response.status_code == 422
        assert response.json()["code"] == "unknown_window"
        assert book(api, auth_headers, date="2026-12-01", start="09:00").status_code == 201


def test_staff_closure_closes_the_day_and_says_why(api: Client, office: Office, auth_headers: dict[str, str]) -> None:
    Closure.objects.create(office=office, date=dt.date(2026, 12, 2), reason="Pemadaman listrik")
    day = api.get("/api/v1/offices/TST/availability", {"start": DAY, "days": 1}).json()["days"][0]
    assert (day["open"], day["reason"], day["windows"]) == (False, "Pemadaman listrik", [])
    assert book(api, auth_headers).json()["code"] == "closed"


def test_online_booking_off_is_not_bookable(api: Client, office: Office, auth_headers: dict[str, str]) -> None:
    Office.objects.filter(pk=office.pk).update(online_booking=False)
    assert book(api, auth_headers).json()["code"] == "online_booking_off"


def test_unverified_account_cannot_book(api: Client, office: Office) -> None:
    user = make_applicant(
        email="new@example.id", nik="3174011203850005", sex="M", birth_date=dt.date(1985, 3, 12), verified=False
    )
    ApiToken.objects.create(user=user, key_hash=hashlib.sha256(b"k" * 40).hexdigest())
    response = book(api, {"Authorization": "Bearer " + "k" * 40})
    assert response.status_code == 401
    assert book(api, {}).status_code == 401


def test_same_idempotency_key_and_body_returns_the_same_booking(
    api: Client, office: Office, auth_headers: dict[str, str]
) -> None:
    first = book(api, auth_headers, key="abc-1")
    again = book(api, auth_headers, key="abc-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert Slot.objects.get(start="08:00").booked == 1
    different = book(api, auth_headers, key="abc-1", start="09:00")
    assert different.status_code == 422
    assert different.json()["code"] == "idempotency_key_reused"


def test_someone_elses_code_is_404_like_an_unknown_one(
    api: Client, office: Office, auth_headers: dict[str, str], other_applicant: User
) -> None:
    code = book(api, auth_headers).json()["code"]
    theirs = api.get(f"/api/v1/bookings/{code}", headers=bearer(other_applicant))
    unknown = api.get("/api/v1/bookings/ZZZZZZZZ", headers=bearer(other_applicant))
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()
    assert api.post(f"/api/v1/bookings/{code}/cancel", headers=bearer(other_applicant)).status_code == 404
    assert api.get(f"/api/v1/bookings/{code.lower()}", headers=auth_headers).status_code == 200


def test_cancel_frees_the_seat_only_after_the_delay(
    api: Client, office: Office, auth_headers: dict[str, str], settings: Any
) -> None:
    settings.LOKET_CANCEL_RELEASE_MINUTES = 5
    code = book(api, auth_headers).json()["code"]
    response = api.post(f"/api/v1/bookings/{code}/cancel", headers=auth_headers)
    assert response.json()["status"] == "cancelled"
    slot = Slot.objects.get(start="08:00")
    assert seats_release_due() == 0
    slot.refresh_from_db()
    assert slot.booked == 1  # still held: a broker cannot hand it over by cancelling
    with time_machine.travel(NOW + dt.timedelta(minutes=5, seconds=1), tick=False):
        assert seats_release_due() == 1
        assert seats_release_due() == 0  # exactly once
    slot.refresh_from_db()
    assert slot.booked == 0
    assert api.post(f"/api/v1/bookings/{code}/cancel", headers=auth_headers).json()["code"] == "not_active"


def test_cancelled_person_can_book_again(api: Client, office: Office, auth_headers: dict[str, str]) -> None:
    code = book(api, auth_headers).json()["code"]
    api.post(f"/api/v1/bookings/{code}/cancel", headers=auth_headers)
    assert book(api, auth_headers, date="2026-12-03").status_code == 201


def test_cannot_cancel_once_the_window_started(api: Client, office: Office, auth_headers: dict[str, str]) -> None:
    code = book(api, auth_headers, date="2026-12-01", start="09:00").json()["code"]
    with time_machine.travel(dt.datetime(2026, 12, 1, 2, 0, 1, tzinfo=dt.UTC), tick=False):  # 09:00:01 WIB
        response = api.post(f"/api/v1/bookings/{code}/cancel", headers=auth_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "window_started"


def test_reschedule_moves_the_seat_atomically(api: Client, office: Office, auth_headers: dict[str, str]) -> None:
    code = book(api, auth_headers).json()["code"]
    response = api.post(
        f"/api/v1/bookings/{code}/reschedule",
        {"date": "2026-12-03", "start": "09:00"},
        content_type="application/json",
        headers=auth_headers,
    )
    assert response.status_code == 200, response.content
    assert (response.json()["date"], response.json()["start"]) == ("2026-12-03", "09:00")
    assert Slot.objects.get(date="2026-12-02", start="08:00").booked == 0
    assert Slot.objects.get(date="2026-12-03", start="09:00").booked == 1


def test_reschedule_into_a_full_window_changes_nothing(
    api: Client, office: Office, auth_headers: dict[str, str], other_applicant: User
) -> None:
    book(api, bearer(other_applicant), date="2026-12-03", start="09:00")
    code = book(api, auth_headers).json()["code"]
    response = api.post(
        f"/api/v1/bookings/{code}/reschedule",
        {"date": "2026-12-03", "start": "09:00"},
        content_type="application/json",
        headers=auth_headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "window_full"
    booking = Booking.objects.get(code=code)
    assert (str(booking.slot.date), booking.reschedule_count) == ("2026-12-02", 0)
    assert Slot.objects.get(date="2026-12-02", start="08:00").booked == 1
    assert Slot.objects.get(date="2026-12-03", start="09:00").booked == 1


def test_reschedule_limit_and_deadline(
    api: Client, office: Office, auth_headers: dict[str, str], settings: Any
) -> None:
    settings.LOKET_RESCHEDULE_MAX = 2
    code = book(api, auth_headers, date="2026-12-05").json()["code"]

    def move(day: str) -> Any:
        return api.post(
            f"/api/v1/bookings/{code}/reschedule",
            {"date": day, "start": "08:00"},
            content_type="application/json",
            headers=auth_headers,
        )

    assert move("2026-12-06").status_code == 200
    assert move("2026-12-07").status_code == 200
    assert move("2026-12-08").json()["code"] == "reschedule_limit"

    other = make_applicant(email="e@example.id", nik="3174011203850006", sex="M", birth_date=dt.date(1985, 3, 12))
    headers = bearer(other)
    today_code = book(api, headers, date="2026-12-01", start="09:00").json()["code"]
    response = api.post(
        f"/api/v1/bookings/{today_code}/reschedule",
        {"date": "2026-12-04", "start": "08:00"},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["code"] == "too_late"


def test_repeated_no_shows_cool_off(api: Client, office: Office, applicant: User, settings: Any) -> None:
    settings.LOKET_NO_SHOW_LIMIT = 2
    settings.LOKET_NO_SHOW_COOLDOWN_DAYS = 30
    person = Person.objects.get(account=applicant)
    for day in (dt.date(2026, 11, 10), dt.date(2026, 11, 20)):
        slot = Slot.objects.create(
            office=office,
            date=day,
            start=dt.time(8),
            end=dt.time(9),
            capacity=2,
            booked=0,
            starts_at=dt.datetime.combine(day, dt.time(1), tzinfo=dt.UTC),
        )
        Booking.objects.create(
            code=f"NS{day.day}XXXXX"[:8],
            person=person,
            booked_by=applicant,
            office=office,
            slot=slot,
            service="new",
            passport_type="regular",
            status=BookingStatus.NO_SHOW,
            person_name="Ani",
        )
    response = book(api, bearer(applicant))
    assert response.status_code == 403
    assert response.json()["code"] == "cooling_off"
    assert response.json()["until"] == "2026-12-20"


def test_member_with_a_booking_cannot_be_deleted(api: Client, office: Office, applicant: User) -> None:
    child = add_child(applicant)
    headers = bearer(applicant)
    assert book(api, headers, member=child.pk).status_code == 201
    response = api.delete(f"/api/v1/household/{child.pk}", headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "member_has_bookings"
    assert Person.objects.filter(pk=child.pk).exists()
