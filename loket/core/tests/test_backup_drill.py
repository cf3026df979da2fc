"""The restore drill: back up with scripts/backup.sh, restore with scripts/restore.sh into a fresh
database, start the app on it, and find the same rows (PostgreSQL)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from conftest import make_applicant
from loket.accounts.models import Person
from loket.booking.models import Booking, Slot
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office, open_day_ahead

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(settings.BASE_DIR)
COUNT = """
import json
from loket.accounts.models import Person
from loket.booking.models import Booking, Slot
print(json.dumps({"people": Person.objects.count(), "bookings": Booking.objects.count(), "slots": Slot.objects.count(),
                  "ani": Person.objects.get(nik="1671014508900002").full_name}))
"""


def url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def test_a_backup_restores_into_a_fresh_database_and_the_app_runs_on_it(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the drill backs up PostgreSQL")
    make_office("PLB")
    user = make_applicant()
    request = BookingRequest(
        office="PLB", date=open_day_ahead(), start=dt.time(8), service="new", passport_type="regular"
    )
    booking_create(user=user, request=request)
    expected = {
        "people": Person.objects.count(),
        "bookings": Booking.objects.count(),
        "slots": Slot.objects.count(),
        "ani": "Ani Lestari",
    }

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    source = settings.DATABASES["default"]["NAME"]
    backup = subprocess.run(
        ["bash", "scripts/backup.sh", str(tmp_path)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url(source)},
        check=True,
        capture_output=True,
        text=True,
    )
    dump = backup.stdout.strip().splitlines()[-1]
    fresh = f"{source}_restore_{os.getpid()}"
    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored = {**env, "DATABASE_URL": url(fresh), "DB_CONN_MAX_AGE": "0"}
        subprocess.run(["bash", "scripts/restore.sh", dump], cwd=ROOT, env=restored, check=True, capture_output=True)
        counted = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v0", "-c", COUNT],
            cwd=ROOT,
            env=restored,
            check=True,
            capture_output=True,
            text=True,
        )
        assert json.loads(counted.stdout.strip().splitlines()[-1]) == expected
    finally:
        with psycopg.connect(url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
