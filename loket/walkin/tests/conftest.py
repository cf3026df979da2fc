"""Actors for walk-in, outage and day-close tests: the office actors of loket/onsite plus helpers.

Time is frozen on Tue 1 Dec 2026, 07:30 WIB where a test asks for `frozen`: offices A and B
(Asia/Jakarta) then have both windows of the day ahead (08:00 with 5 seats, 09:00 with 1).
"""

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.offices.models import Office
from loket.onsite.tests.conftest import (  # noqa: F401 - fixtures shared with loket/onsite
    checkin_officer_a,
    counter_officer_a,
    national_admin,
    office_a,
    office_b,
    officer_b,
    supervisor_a,
)
from loket.payments.models import FeeRate

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 in Jakarta
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def seeded_fees() -> None:
    """The fee table as its migration seeds it, for live-server tests: after an earlier
    transactional test flushed the database, such a test does not always get the migrated
    data back (seen on SQLite and PostgreSQL), and a walk-in's bill would find no fee (503)."""
    seed = importlib.import_module("loket.payments.migrations.0002_seed_fee_rates")
    for passport_type, amount in seed.SEED:
        FeeRate.objects.get_or_create(
            passport_type=passport_type, effective_from=seed.SINCE, defaults={"amount": amount}
        )
    FeeRate.objects.get_or_create(
        item="express", passport_type="", effective_from=seed.SINCE, defaults={"amount": 1_000_000}
    )


def share(office: Office, percent: int) -> Office:
    """Set the office's walk-in share (a setting of the office; see loket/booking/share.py)."""
    Office.objects.filter(pk=office.pk).update(walkin_share_percent=percent)
    office.walkin_share_percent = percent
    return office


def nik(i: int) -> str:
    """A valid NIK of a man born 12 March 1985 in Jakarta Timur, serial i (1..9999)."""
    return f"3174011203850{i:03d}" if i < 1000 else f"317401120385{i:04d}"


def walkin_form(i: int = 1, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": f"Budi Walk-in {i}",
        "nik": nik(i),
        "birth_date": "1985-03-12",
        "sex": "M",
        "phone": "",
        "service": "new",
        "passport_type": "regular",
        "replacement_reason": "",
        "old_passport_number": "",
        "day": "",
    }
    data.update(overrides)
    return data


def post_walkin(client: Client, office: Office, i: int = 1, **overrides: Any) -> Any:
    return client.post(f"/petugas/{office.code}/walkin/", walkin_form(i, **overrides))
