"""The availability lane (loket/ops/lane.py): a repeated read is answered from the process's copy
of Django's answer while the shared cache holds the same ETag, exactly as Django answered it.
Through the real WSGI application, as the app server calls it. Time frozen on Tue 1 Dec 2026,
07:30 WIB."""

import datetime as dt
import io
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from prometheus_client import REGISTRY

from loket.booking.models import Slot
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office
from loket.ops.lane import AvailabilityLane

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 in Jakarta
PATH = "/api/v1/offices/TST/availability"
QUERY = "start=2026-12-02&days=3"
ROUTE = "/api/v1/offices/<code>/availability"


class Counting:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        return self.django(environ, start_response)


@pytest.fixture(autouse=True)
def _frozen(settings: Any) -> Iterator[Any]:
    settings.LOKET_AVAILABILITY_CACHE_SECONDS = 30
    settings.ALLOWED_HOSTS = ["testserver", "loket.example"]
    # As Django's test client does: the test's transaction keeps its connection between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with time_machine.travel(NOW, tick=False) as traveller:
            yield traveller
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def django_app() -> Counting:
    make_office()
    return Counting()


@pytest.fixture
def lane(django_app: Counting) -> AvailabilityLane:
    return AvailabilityLane(django_app)


def get(app: Any, query: str = QUERY, path: str = PATH, **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }
    started: list[Any] = []
    result = app(environ, lambda status, headers, exc_info=None: started.extend([status, headers]))
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return int(started[0][:3]), dict(started[1]), body


def without_id(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name != "X-Request-ID"}


def test_a_repeated_read_is_answered_as_django_answered_it_without_reaching_django(
    lane: AvailabilityLane, django_app: Counting
) -> None:
    status, headers, body = get(lane)
    assert status == 200 and django_app.calls == 1
    again_status, again_headers, again_body = get(lane)
    assert django_app.calls == 1  # answered by the lane
    assert (again_status, again_body) == (200, body)
    assert without_id(again_headers) == without_id(headers)
    assert again_headers["ETag"] == headers["ETag"]
    assert "Content-Security-Policy" in again_headers and again_headers["Vary"] == headers["Vary"]
    # Every answer has its own request id, or the proxy's when it looks like one.
    assert re.fullmatch(r"[0-9a-f]{32}", again_headers["X-Request-ID"])
    assert again_headers["X-Request-ID"] != headers["X-Request-ID"]
    assert get(lane, X_REQUEST_ID="edge-42")[1]["X-Request-ID"] == "edge-42"
    assert re.fullmatch(r"[0-9a-f]{32}", get(lane, X_REQUEST_ID="bad id\n")[1]["X-Request-ID"])
    assert django_app.calls == 1


def test_if_none_match_gets_the_304_django_gives(lane: AvailabilityLane, django_app: Counting) -> None:
    etag = get(lane)[1]["ETag"]
    first = get(lane, IF_NONE_MATCH=etag)
    assert first[0] == 304 and first[2] == b""
    assert django_app.calls == 2  # the first 304 came from Django
    again = get(lane, IF_NONE_MATCH=etag)
    assert django_app.calls == 2
    assert (again[0], again[2]) == (304, b"")
    assert without_id(again[1]) == without_id(first[1])
    # An old ETag is answered with the whole answer, from the copy.
    stale = get(lane, IF_NONE_MATCH='"old"')
    assert stale[0] == 200 and stale[1]["ETag"] == etag and stale[2]
    assert django_app.calls == 2


def test_a_new_answer_in_the_shared_cache_goes_through_django(
    lane: AvailabilityLane, django_app: Counting, _frozen: Any
) -> None:
    first = get(lane)
    Slot.objects.create(
        office=Office.objects.get(code="TST"),
        date=dt.date(2026, 12, 2), start=dt.time(9), end=dt.time(10),
        starts_at="2026-12-02T02:00Z", capacity=2, booked=2,
    )  # fmt: skip
    assert get(lane)[2] == first[2]  # within the interval: the same answer, as Django would serve
    _frozen.shift(dt.timedelta(seconds=31))  # the shared cache's copy expired
    after = get(lane)
    assert django_app.calls == 2
    assert after[1]["ETag"] != first[1]["ETag"] and after[2] != first[2]
    # Another process built a new answer: the lane follows the shared cache, not its own copy.
    Slot.objects.filter(date=dt.date(2026, 12, 2)).update(booked=1)
    cache.clear()
    rebuilt = get(django_app)
    assert rebuilt[1]["ETag"] != after[1]["ETag"]
    calls = django_app.calls
    assert get(lane)[1]["ETag"] == rebuilt[1]["ETag"]
    assert django_app.calls == calls + 1


def test_the_default_range_is_not_repeated_after_midnight_in_the_office(
    settings: Any, lane: AvailabilityLane, django_app: Counting, _frozen: Any
) -> None:
    settings.LOKET_AVAILABILITY_CACHE_SECONDS = 86400  # the cached answer outlives the day
    before = get(lane, query="days=2")
    get(lane, query="days=2")
    assert django_app.calls == 1
    _frozen.move_to(dt.datetime(2026, 12, 1, 17, 0, 1, tzinfo=dt.UTC))  # 00:00:01 on 2 Dec in Jakarta
    after = get(lane, query="days=2")
    assert django_app.calls == 2
    assert b'"date":"2026-12-02"' in after[2] and b'"date":"2026-12-01"' not in after[2]
    assert b'"date":"2026-12-01"' in before[2]


def test_what_the_lane_does_not_repeat_goes_to_django(lane: AvailabilityLane, django_app: Counting) -> None:
    def calls_for(**kwargs: Any) -> tuple[int, int]:
        before = django_app.calls
        status = get(lane, **kwargs)[0]
        get(lane, **kwargs)
        return status, django_app.calls - before

    # Refusals are Django's each time, with the field and the reason.
    assert calls_for(query="days=0") == (422, 2)
    assert calls_for(query="start=2026-11-01&days=3") == (422, 2)  # past
    assert calls_for(path="/api/v1/offices/XXX/availability") == (404, 2)
    assert calls_for(HOST="evil.example") == (400, 2)
    # A cookie may carry a session (a kiosk's lock) or a language: Django reads it every time.
    assert calls_for(COOKIE="django_language=en") == (200, 2)
    assert get(lane, COOKIE="django_language=en")[1]["Content-Language"] == "en"
    # Each language is its own answer.
    assert calls_for(ACCEPT_LANGUAGE="en") == (200, 1)
    english = get(lane, ACCEPT_LANGUAGE="en")
    assert english[1]["Content-Language"] == "en"
    assert get(lane)[1]["Content-Language"] == "id"
    # Other pages and methods are not the lane's.
    assert calls_for(path="/api/v1/offices/TST") == (200, 2)


def test_the_lane_counts_and_logs_the_request(
    lane: AvailabilityLane, django_app: Counting, caplog: pytest.LogCaptureFixture
) -> None:
    def answered() -> float:
        return (
            REGISTRY.get_sample_value("loket_http_requests_total", {"route": ROUTE, "method": "GET", "status": "200"})
            or 0.0
        )

    get(lane)
    counted = answered()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="loket.request"):
        headers = get(lane, X_REQUEST_ID="edge-7")[1]
    assert django_app.calls == 1
    assert answered() == counted + 1
    [line] = [r for r in caplog.records if r.name == "loket.request"]
    assert line.getMessage().startswith(f"GET {ROUTE} 200 ")
    assert line.route == ROUTE and line.status == 200  # type: ignore[attr-defined]
    assert headers["X-Request-ID"] == "edge-7"


def test_switched_off_every_read_goes_to_django(django_app: Counting) -> None:
    lane = AvailabilityLane(django_app, enabled=False)
    get(lane)
    get(lane)
    assert django_app.calls == 2


def test_without_the_shared_cache_there_is_nothing_to_repeat(
    settings: Any, lane: AvailabilityLane, django_app: Counting
) -> None:
    settings.LOKET_AVAILABILITY_CACHE_SECONDS = 0
    get(lane)
    get(lane)
    assert django_app.calls == 2


def test_a_process_keeps_a_bounded_amount(
    monkeypatch: pytest.MonkeyPatch, lane: AvailabilityLane, django_app: Counting
) -> None:
    size = len(get(lane)[2])
    monkeypatch.setattr("loket.ops.lane.MAX_BYTES", size * 3)  # room for a few answers with their headers
    for days in (1, 2, 3, 4, 5, 6):
        get(lane, query=f"start=2026-12-02&days={days}")
    assert lane._bytes <= size * 3
    assert len(lane._kept) < 6
    # What was dropped is only asked of Django again.
    calls = django_app.calls
    assert get(lane, query="start=2026-12-02&days=1")[0] == 200
    assert django_app.calls == calls + 1
