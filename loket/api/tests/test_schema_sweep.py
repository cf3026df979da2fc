"""Every API operation, from its own OpenAPI document, with generated input: never a 5xx.

schemathesis reads /api/v1/openapi.json and generates requests for each operation (valid and
invalid paths, queries, headers and bodies), sent with and without an applicant's token.
A fixed seed (derandomize) keeps the run the same every time; a few dozen examples per
operation keep it under a minute on either database.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from conftest import bearer, make_applicant
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office
from loket.offices.calendar import holiday_name

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def same_connection() -> Iterator[None]:
    """As Django's test client does: the test's transaction must outlive each request.

    schemathesis calls the WSGI application directly, whose request_finished closes the
    connection of a test (in a transaction, so "not in autocommit") after every request.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def actors(db: None, same_connection: None) -> tuple[dict[str, str], dict[str, str]]:
    """An applicant's token, and path parameters that exist: an office and one of her bookings."""
    office = make_office("PLB", capacity=5)
    applicant = make_applicant(email="sweep@example.id", nik="1671014508900002", birth_date=dt.date(1990, 8, 5))
    day = office.local_today() + dt.timedelta(days=2)
    while not office.windows.exists() or holiday_name(day):
        day += dt.timedelta(days=1)
    request = BookingRequest(office="PLB", date=day, start=dt.time(8), service="new", passport_type="regular")
    booking = booking_create(user=applicant, request=request)[0]
    return bearer(applicant), {"code": booking.code}


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,  # the fixed seed
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_operation_answers_5xx(case: Any, actors: tuple[dict[str, str], dict[str, str]]) -> None:
    token, booking = actors
    generated = dict(case.path_parameters or {})
    # Generated codes rarely name a real office or booking: each case also runs against real ones,
    # so the query and body reach the code behind the 404.
    known = {"code": "PLB"} if case.path.startswith("/api/v1/offices") else booking
    for path_parameters in (generated, {**generated, **{k: v for k, v in known.items() if k in generated}}):
        case.path_parameters = path_parameters
        for headers in (token, {}):
            response = case.call(headers={**(case.headers or {}), **headers})
            case.validate_response(response, checks=[not_a_server_error])
