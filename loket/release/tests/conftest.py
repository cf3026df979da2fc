"""Actors for release tests: the office actors of loket/onsite, and an office whose days open
at 08:00 office time, 14 days ahead. Time is frozen on Tue 1 Dec 2026, 07:30 WIB where a
test asks for `frozen` (half an hour before that day's release: 15 Dec opens at 08:00)."""

import base64
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import altcha
import pytest
import time_machine

from conftest import make_applicant
from loket.accounts.models import User
from loket.offices.models import Office
from loket.onsite.tests.conftest import (  # noqa: F401 - fixtures shared with loket/onsite
    counter_officer_a,
    national_admin,
    office_a,
    office_b,
    officer_b,
    supervisor_a,
)
from loket.release.models import Entry
from loket.release.pow import challenge_new
from loket.release.room import room_join

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 in Jakarta
TODAY = dt.date(2026, 12, 1)
RELEASE_DAY = dt.date(2026, 12, 15)  # the day that opens today at 08:00 WIB


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ruled(office_a: Office) -> Office:  # noqa: F811 - the fixture above
    office_a.release_time, office_a.horizon_days = dt.time(8), 14
    office_a.save()
    return office_a


def make_people(count: int, *, prefix: str = "orang") -> list[User]:
    """`count` verified applicants with their own NIKs (born 1 Jan 1990, Palembang)."""
    return [
        make_applicant(
            email=f"{prefix}{i}@example.id",
            nik=f"1671010101{90:02d}{i + 1:04d}",
            full_name=f"Orang {i}",
            birth_date=dt.date(1990, 1, 1),
            sex="M",
        )
        for i in range(count)
    ]


@pytest.fixture(autouse=True)
def _cheap_proof_of_work(settings: Any) -> None:
    settings.LOKET_RELEASE_POW_MAX_NUMBER = 50  # a real proof, solved in microseconds


def solved(office: Office, day: dt.date) -> str:
    """A solved proof-of-work challenge for joining (what the page's script or a client sends)."""
    c = challenge_new(office=office, day=day)
    solution = altcha.solve_challenge_v1(c["challenge"], c["salt"], c["algorithm"], c["maxnumber"])
    assert solution is not None
    body = {k: c[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**body, "number": solution.number}).encode()).decode()


def join(user: User, office: Office, day: dt.date) -> tuple[Entry, bool]:
    return room_join(user=user, office=office, day=day, proof=solved(office, day))
