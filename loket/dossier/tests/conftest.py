"""Actors and helpers of the dossier tests. Time frozen on Tue 1 Dec 2026, 07:30 WIB; visits on 2 Dec."""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import bearer
from loket.accounts.models import Person, Relation, User
from loket.booking.models import Booking
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office
from loket.dossier.models import Application
from loket.offices.models import Office

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 in Jakarta
VISIT = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Argon2 is the point in production and the slow part here: every request logs in afresh.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads land in a fresh folder per test, so a test can see every file left behind."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def office(db: None) -> Office:
    return make_office()


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def book(user: User, *, member: Person | None = None, **fields: Any) -> Booking:
    request = BookingRequest(
        office="TST",
        date=VISIT,
        start=dt.time(8),
        service=fields.pop("service", "new"),
        passport_type="regular",
        member=member.pk if member else None,
        **fields,
    )
    booking, _created = booking_create(user=user, request=request)
    return booking


def application_for(user: User, **fields: Any) -> Application:
    return book(user, **fields).application


def add_member(user: User, *, birth_date: dt.date, nik: str = "1671015003150003", name: str = "Rina") -> Person:
    return Person.objects.create(
        account=user, relation=Relation.CHILD, full_name=name, nik=nik, birth_date=birth_date, sex="F"
    )


@pytest.fixture
def booking(applicant: User, office: Office) -> Booking:
    """Ani's booking for a new passport."""
    return book(applicant)


def upload(
    api: Client,
    user: User,
    code: str,
    data: bytes,
    *,
    kind: str | None = "ktp",
    name: str = "ktp.jpg",
    content_type: str = "image/jpeg",
) -> Any:
    body: dict[str, Any] = {"file": SimpleUploadedFile(name, data, content_type=content_type)}
    if kind is not None:
        body["kind"] = kind
    return api.post(f"/api/v1/bookings/{code}/documents", body, headers=bearer(user))
