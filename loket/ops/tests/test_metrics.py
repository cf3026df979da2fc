"""GET /metrics: who may read it, and what it tells (routes, booking outcomes, the database reading)."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from conftest import PASSWORD, bearer
from loket.accounts.models import User
from loket.api.testing import ApiClient
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.notify.models import Message, MessageStatus
from loket.offices.models import Office
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import office_a  # noqa: F401 - a fixture
from loket.release.models import Room
from loket.release.room import rooms_tick
from loket.release.tests.conftest import NOW, RELEASE_DAY, join, make_people

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def _metrics_settings(settings: object) -> None:
    settings.LOKET_METRICS_TOKEN = TOKEN  # type: ignore[attr-defined]
    settings.LOKET_METRICS_ALLOWED_IPS = []  # type: ignore[attr-defined]
    settings.LOKET_METRICS_CACHE_SECONDS = 0  # type: ignore[attr-defined]


def scrape(client: Client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_metrics_are_refused_without_the_token_or_an_allowed_address(client: Client) -> None:
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@pytest.mark.django_db
def test_an_allowed_network_reads_metrics_but_a_forwarded_address_does_not_count(
    client: Client, settings: object
) -> None:
    settings.LOKET_METRICS_TOKEN = ""  # type: ignore[attr-defined]
    settings.LOKET_METRICS_ALLOWED_IPS = ["10.20.0.0/16"]  # type: ignore[attr-defined]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # type: ignore[attr-defined]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # Behind the proxy the peer is the proxy: a client's claimed address opens nothing.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.20.3.4").status_code == 403


@pytest.mark.django_db
def test_latency_is_labelled_by_route_pattern_never_by_the_raw_path(client: Client) -> None:
    client.get("/api/v1/bookings/QX7K2M9P")  # 401: no token; still measured
    text = scrape(client)
    assert 'route="/api/v1/bookings/<code>"' in text
    assert "QX7K2M9P" not in text
    assert "loket_http_request_duration_seconds_bucket" in text
    client.get("/no/such/page/QX7K2M9P/")
    assert 'route="(unmatched)"' in scrape(client)
    assert "QX7K2M9P" not in scrape(client)


def test_bookings_and_refusals_are_counted_by_outcome(applicant: User, other_applicant: User) -> None:
    office = make_office("MTR", capacity=1)
    day = open_day_ahead().isoformat()
    body = {"office": "MTR", "date": day, "start": "08:00", "service": "new", "passport_type": "regular"}
    booked, replayed, full = (
        sample("loket_booking_attempts_total", channel="api", outcome=o) for o in ("booked", "replayed", "window_full")
    )
    api = ApiClient()
    first = api.post(
        "/api/v1/bookings", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **_h(applicant)
    )
    again = api.post(
        "/api/v1/bookings", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **_h(applicant)
    )
    refused = api.post("/api/v1/bookings", body, content_type="application/json", **_h(other_applicant))
    assert (first.status_code, again.status_code, refused.status_code) == (201, 200, 409)
    assert refused.json()["code"] == "window_full"
    assert sample("loket_booking_attempts_total", channel="api", outcome="booked") == booked + 1
    assert sample("loket_booking_attempts_total", channel="api", outcome="replayed") == replayed + 1
    assert sample("loket_booking_attempts_total", channel="api", outcome="window_full") == full + 1
    assert office.slots.get().booked == 1


def test_a_refusal_on_the_web_booking_page_is_counted_with_its_code(applicant: User, other_applicant: User) -> None:
    make_office("MTW", capacity=1)
    day = open_day_ahead().isoformat()
    url = f"/pesan/MTW/{day}/08:00/"
    form = {"service": "new", "passport_type": "regular", "member": "", "confirm": "1", "key": "web-1"}
    before = sample("loket_booking_attempts_total", channel="web", outcome="window_full")
    booked_before = sample("loket_booking_attempts_total", channel="web", outcome="booked")
    ani, dedi = Client(), Client()
    ani.login(username=applicant.email, password=PASSWORD)
    dedi.login(username=other_applicant.email, password=PASSWORD)
    assert ani.post(url, form).status_code == 302
    refused = dedi.post(url, {**form, "key": "web-2"})  # the lost race goes back to the window step
    assert refused.status_code == 302 and refused["Location"] == f"/pesan/MTW/{day}/"
    assert sample("loket_booking_attempts_total", channel="web", outcome="booked") == booked_before + 1
    assert sample("loket_booking_attempts_total", channel="web", outcome="window_full") == before + 1


def _h(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": bearer(user)["Authorization"]}


def test_the_database_reading_tells_seats_left_outbox_lag_and_waiting_tickets(client: Client, db: None) -> None:
    office = make_office("MDB", capacity=3)  # 3 + 1 seats a day, every day
    Office.objects.create(code="OFF", name="Kantor tanpa pemesanan", online_booking=False)
    ticket_issue(office=office, by=None, name="Budi Santoso")
    ticket_issue(office=office, by=None, name="Siti Aminah")
    now = timezone.now()
    old = Message.objects.create(recipient="a@example.id", body="x", status=MessageStatus.PENDING)
    Message.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(minutes=10))
    Message.objects.create(recipient="b@example.id", body="y", status=MessageStatus.FAILED)
    # A retry whose time has not come yet is not late.
    Message.objects.create(
        recipient="c@example.id", body="z", status=MessageStatus.RETRY, next_attempt_at=now + dt.timedelta(hours=1)
    )
    text = scrape(client)
    tomorrow = (office.local_today() + dt.timedelta(days=1)).isoformat()
    assert f'loket_seats_left{{date="{tomorrow}",office="MDB"}} 4.0' in text
    assert 'office="OFF"' not in text.split("loket_tickets_waiting")[0]  # no seats series without online booking
    assert 'loket_tickets_waiting{office="MDB"} 2.0' in text
    assert 'loket_outbox_messages{status="failed"} 1.0' in text
    assert 'loket_outbox_messages{status="pending"} 1.0' in text
    lag = float(text.split("\nloket_outbox_lag_seconds ")[1].split()[0])
    assert 590 < lag < 700


def test_the_database_reading_tells_the_worker_heartbeat_and_the_booking_events_backlog(
    client: Client, applicant: User, settings: Any
) -> None:
    from loket.booking.models import BookingEvent
    from loket.booking.services import BookingRequest, booking_create
    from loket.core.health import worker_heartbeat

    settings.LOKET_BOOKING_EVENTS_INLINE = False
    make_office("MEV", capacity=3)
    assert "\nloket_worker_heartbeat_age_seconds -1.0" in scrape(client)  # no worker has beaten yet
    booking_create(
        user=applicant,
        request=BookingRequest(
            office="MEV", date=open_day_ahead(), start=dt.time(8), service="new", passport_type="regular"
        ),
    )
    BookingEvent.objects.update(created_at=timezone.now() - dt.timedelta(seconds=90))
    worker_heartbeat()
    from django.core.cache import cache

    cache.clear()  # the reading is shared for LOKET_METRICS_CACHE_SECONDS
    text = scrape(client)
    assert "\nloket_booking_events_pending 1.0" in text
    assert 85 < float(text.split("\nloket_booking_events_lag_seconds ")[1].split()[0]) < 120
    assert float(text.split("\nloket_worker_heartbeat_age_seconds ")[1].split()[0]) < 5


def test_the_database_reading_tells_the_size_of_each_open_release_room(
    client: Client,
    office_a: Office,  # noqa: F811 - the fixture imported above
    settings: Any,
) -> None:
    settings.LOKET_RELEASE_POW_MAX_NUMBER = 50  # a real proof, solved in microseconds
    office_a.release_time, office_a.horizon_days = dt.time(8), 14
    office_a.save()
    people = make_people(11)  # 6 seats x 1.5: 9 admitted at the release instant, 2 wait
    with time_machine.travel(NOW, tick=False):
        for person in people:
            join(person, office_a, RELEASE_DAY)
        series = f'loket_release_room_people{{date="{RELEASE_DAY}",office="OFA",state='
        text = scrape(client)
        assert f'{series}"waiting"}} 11.0' in text
        assert f'{series}"admitted"}} 0.0' in text
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        rooms_tick()
        text = scrape(client)
        assert f'{series}"waiting"}} 2.0' in text
        assert f'{series}"admitted"}} 9.0' in text
        Room.objects.update(state="closed")  # a closed room is no longer a series
        assert "loket_release_room_people{" not in scrape(client)
