"""The NIK is sealed at rest (AES-GCM, key id stored with it) and found by a keyed hash."""

import base64
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from conftest import make_applicant
from loket.accounts.models import Person, User
from loket.accounts.selectors import user_by_login
from loket.core.crypto import sealed_key_id

NIK = "1671014508900002"  # the applicant's


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_the_column_holds_ciphertext_and_python_reads_the_nik(applicant: User) -> None:
    person = Person.objects.get(account=applicant)
    stored = raw("accounts_person", "nik", person.pk)
    assert NIK not in stored and stored.startswith("v1:")
    assert sealed_key_id(stored) == settings.LOKET_DATA_KEYS.split(":", 1)[0]
    assert NIK not in raw("accounts_person", "nik_hash", person.pk)
    assert person.nik == NIK
    assert Person.objects.filter(nik=NIK).get() == person
    assert Person.objects.filter(nik__in=[NIK, "3174011203850003"]).count() == 1
    assert user_by_login(NIK) == applicant  # login by NIK
    with pytest.raises(FieldError):
        list(Person.objects.filter(nik__startswith="1671"))


def test_one_nik_once_by_its_hash(applicant: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(relation="self", full_name="Kembar", nik=NIK, birth_date=dt.date(1990, 8, 5), sex="F")


def test_keys_rotate_without_losing_a_row(applicant: User, settings: Any) -> None:
    old = settings.LOKET_DATA_KEYS
    settings.LOKET_DATA_KEYS = f"k2:{new_key()},{old}"  # the new key first, the old one still listed
    person = Person.objects.get(account=applicant)
    assert person.nik == NIK  # sealed with the old key, still open
    other = make_applicant(email="baru@example.id", nik="3174011203850003", birth_date=dt.date(1985, 3, 12), sex="M")
    assert sealed_key_id(raw("accounts_person", "nik", other.people.get().pk)) == "k2"
    call_command("reseal_personal_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert sealed_key_id(raw("accounts_person", "nik", person.pk)) == "k2"
    settings.LOKET_DATA_KEYS = settings.LOKET_DATA_KEYS.split(",")[0]  # the old key dropped
    assert Person.objects.get(pk=person.pk).nik == NIK
    assert Person.objects.filter(nik=NIK).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pg_dump_holds_no_nik_in_clear() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL")
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is part of the PostgreSQL client (apt-get install postgresql-client)"
    from loket.booking.services import BookingRequest, booking_create
    from loket.booking.tests.conftest import make_office, open_day_ahead
    from loket.dossier.models import Application

    make_office("PLB")
    user = make_applicant()
    request = BookingRequest(
        office="PLB", date=open_day_ahead(), start=dt.time(8), service="new", passport_type="regular"
    )
    booking = booking_create(user=user, request=request)[0]
    assert Application.objects.get(booking=booking).applicant_nik == NIK
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    dump = subprocess.run(
        [pg_dump, "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"], db["NAME"]],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "accounts_person" in dump and user.email in dump  # the dump is real and has the rows
    assert NIK not in dump


def test_existing_rows_are_sealed_by_the_migration(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a migration walk on a scratch SQLite file, once")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SQLITE_PATH"] = str(tmp_path / "old.sqlite3")

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    manage("migrate", "accounts", "0003", "-v0")
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        db.execute(
            "INSERT INTO accounts_person (relation, full_name, nik, birth_date, sex, nik_flags, phone, created_at)"
            " VALUES ('self', 'Lama', ?, '1990-08-05', 'F', '[]', '', '2026-01-01 00:00:00')",
            [NIK],
        )
    manage("migrate", "-v0")
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        stored, hashed = db.execute("SELECT nik, nik_hash FROM accounts_person").fetchone()
    assert stored.startswith("v1:") and NIK not in stored and len(hashed) == 64
    probe = f"from loket.accounts.models import Person; print(Person.objects.get(nik='{NIK}').full_name)"
    assert manage("shell", "-v0", "-c", probe).strip() == "Lama"


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({}, "LOKET_DATA_KEYS and LOKET_LOOKUP_KEY must be set"),
        ({"LOKET_DATA_KEYS": "k1:short", "LOKET_LOOKUP_KEY": "x"}, "id:base64(32 bytes)"),
    ],
)
def test_production_refuses_to_start_without_good_keys(keys: dict[str, str], message: str) -> None:
    env = {
        "LOKET_DEV": "off",
        "SECRET_KEY": "x" * 50,
        "PAYMENT_WEBHOOK_SECRET": "s" * 40,
        "PATH": "/usr/bin:/bin",
        **keys,
    }
    run = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0 and message in run.stderr
