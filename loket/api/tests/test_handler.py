"""Bearer-token API calls get a Django handler of their own (loket/api/handler.py): without the
middleware only pages need, with the rest of it, and the same answers. Through the real WSGI
application, as the app server calls it; time frozen on Tue 1 Dec 2026, 07:30 WIB."""

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from conftest import bearer
from loket.accounts.models import User
from loket.api.handler import ApiCalls, api_middleware, is_api_call
from loket.booking.models import Booking
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office
from loket.ops.tests.test_lane import Counting  # Django's full handler, counting the requests it gets

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)
BODY = {"office": "TST", "date": "2026-12-02", "start": "09:00", "service": "new", "passport_type": "regular"}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    # As Django's test client does: the test's transaction keeps its connection between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with time_machine.travel(NOW, tick=False):
            yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def office(db: None) -> Office:
    return make_office()


def call(app: Any, method: str, path: str, body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["headers"] = int(status[:3]), dict(response_headers)

    chunks = app(environ, start_response)
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], content


def test_the_api_handler_has_every_middleware_but_the_page_only_ones() -> None:
    kept = api_middleware()
    assert kept == [name for name in settings.MIDDLEWARE if name not in settings.LOKET_PAGE_ONLY_MIDDLEWARE]
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in kept
    for needed in (
        "loket.core.requestid.RequestIdMiddleware",
        "loket.ops.middleware.RequestMetricsMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "loket.core.headers.PrivacyHeadersMiddleware",
        "loket.api.middleware.JsonApiErrorsMiddleware",
        "loket.core.faults.DatabaseFaultMiddleware",
    ):
        assert needed in kept
    assert set(settings.LOKET_PAGE_ONLY_MIDDLEWARE) <= set(settings.MIDDLEWARE)  # no name gone stale


def test_only_a_bearer_call_to_the_api_without_a_session_cookie_is_an_api_call() -> None:
    api = {"PATH_INFO": "/api/v1/bookings", "HTTP_AUTHORIZATION": "Bearer abc"}
    assert is_api_call(api)
    assert is_api_call({**api, "HTTP_AUTHORIZATION": "bearer abc", "HTTP_COOKIE": "csrftoken=x"})
    assert not is_api_call({**api, "HTTP_COOKIE": f"a=1; {settings.SESSION_COOKIE_NAME}=xyz"})
    assert not is_api_call({**api, "HTTP_AUTHORIZATION": ""})
    assert not is_api_call({**api, "HTTP_AUTHORIZATION": "Basic abc"})
    assert not is_api_call({**api, "PATH_INFO": "/booking/new"})


def test_a_booking_through_the_api_handler_is_answered_as_by_django(office: Office, applicant: User) -> None:
    pages = Counting()
    app = ApiCalls(pages)
    token = bearer(applicant)["Authorization"]
    status, headers, content = call(app, "POST", "/api/v1/bookings", json.dumps(BODY).encode(), authorization=token)
    assert status == 201, content
    assert json.loads(content)["code"] == Booking.objects.get().code
    assert pages.calls == 0  # the API's handler answered
    # What the kept middleware adds is there; nothing of a session is.
    assert headers["X-Request-ID"]
    assert "no-store" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Length"] == str(len(content))  # not sent in chunks to a slow phone
    assert "Set-Cookie" not in headers
    assert "Cookie" not in headers.get("Vary", "")
    # The same call with a session cookie goes the pages' way, and is refused there (the
    # window's one seat is taken).
    status, _headers, content = call(
        app, "POST", "/api/v1/bookings", json.dumps(BODY).encode(), authorization=token, cookie="sessionid=nothing"
    )
    assert pages.calls == 1
    assert status == 409 and json.loads(content)["code"] == "window_full", content


def test_bad_input_is_answered_in_the_readers_language(office: Office, applicant: User) -> None:
    app = ApiCalls(Counting())
    token = bearer(applicant)["Authorization"]
    body = json.dumps({**BODY, "office": "XXX"}).encode()
    for language, message in (("id", "Kantor tidak dikenal."), ("en", "Unknown office.")):
        status, headers, content = call(
            app, "POST", "/api/v1/bookings", body, authorization=token, accept_language=language
        )
        assert status == 422, content
        assert headers["Content-Language"] == language
        assert json.loads(content)["field"] == "office"
        assert json.loads(content)["message"].startswith(message)


def test_an_unknown_api_path_is_a_json_404_and_a_bad_token_a_401(db: None) -> None:
    app = ApiCalls(Counting())
    status, _headers, content = call(app, "GET", "/api/v1/no-such-thing", authorization="Bearer x")
    assert status == 404 and json.loads(content)["code"] == "not_found"
    status, _headers, content = call(app, "GET", "/api/v1/bookings", authorization="Bearer not-a-token")
    assert status == 401, content


def test_a_token_does_not_open_the_staff_planner(api: Client, office: Office, applicant: User) -> None:
    """The planner is for a staff session; a bearer call has no session at all: 401, not an error."""
    assert api.get("/api/v1/offices/TST/plan", headers=bearer(applicant)).status_code == 401
