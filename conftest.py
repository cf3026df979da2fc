"""Shared actors and settings for the whole suite."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from loket.accounts.models import Person, Relation, User
from loket.accounts.services import token_issue

pytest_plugins = ["loket.core.testing.browser"]

PASSWORD = "Kuat-Sekali-2026"  # noqa: S105 - test fixture
_DB_FIXTURES = {"db", "transactional_db", "live_server"}
# 10:00 in Jakarta on an ordinary Tuesday, with no holiday in the two weeks after it.
ORDINARY_MORNING = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that need no database first, then pytest-django's order (plain, then transactional).

    pytest-django puts them last; they care for no order, and the ones last in a run make its
    tail: a worker of pytest-xdist still busy with a 20-second subprocess test (serve.sh, the
    settings checks) while the other has nothing left. At the end the transactional tests
    remain, which the other worker shares (scripts/test.sh sends tests a few at a time). A
    plain test still never runs after a transactional one, whose flush empties the tables the
    migrations filled (the fee table).
    """
    items.sort(key=_needs_database)


def _needs_database(item: pytest.Item) -> bool:
    """As pytest-django tells: a django_db mark, a database fixture, or a Django test case class."""
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    return bool(
        item.get_closest_marker("django_db")
        or _DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        or (cls is not None and issubclass(cls, TransactionTestCase))
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Every `serialized_rollback` test starts from the migrated data (fee table, document rules...).

    Django keeps that snapshot on the connection object, and a transactional test whose
    connection object is a fresh one (seen after a browser test, whose Playwright runs on
    greenlets, followed other transactional tests) silently started from empty tables. The
    snapshot taken at set-up is handed back to any connection that lost it. On PostgreSQL the
    tables are emptied after each transactional test with DELETE (`_flush_by_delete`).
    """
    from django.db import connections
    from django.test import testcases

    snapshot = {
        alias: connections[alias]._test_serialized_contents  # type: ignore[attr-defined]
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    original = testcases.TransactionTestCase.__dict__["_fixture_setup"]  # a classmethod

    def _fixture_setup(cls: type[testcases.TransactionTestCase]) -> None:
        for alias, contents in snapshot.items():
            if not hasattr(connections[alias], "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
        original.__func__(cls)

    testcases.TransactionTestCase._fixture_setup = classmethod(_fixture_setup)  # type: ignore[method-assign,assignment]
    with _flush_by_delete(django_db_blocker):
        yield
    testcases.TransactionTestCase._fixture_setup = original  # type: ignore[method-assign]


@contextmanager
def _flush_by_delete(django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL, a transactional test's tables are emptied with DELETE, not TRUNCATE.

    Django empties every table after such a test. One TRUNCATE of all 58 tables took 0.4 s
    (each table and index gets new files); DELETE of the few rows a test leaves takes a
    twentieth of that, and the concurrency suite and the browser tests are 120 such tests.
    The foreign keys Django makes are deferred, so the order of the DELETEs does not matter.
    A table with its own row triggers (the audit log refuses DELETE) is still truncated.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
        guarded = {name.strip('"') for (name,) in cursor.fetchall()}

    def sql_flush(
        self: Any, style: Any, tables: list[str], *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        kept = [table for table in tables if table in guarded]
        statements = truncate(self, style, kept) if kept else []
        deletes = [f"DELETE FROM {self.quote_name(table)};" for table in tables if table not in guarded]  # noqa: S608 - table names from Django, quoted
        return statements + deletes

    operations.sql_flush = sql_flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        operations.sql_flush = truncate  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    # Still Argon2 (hashes start with "argon2"), but at a test cost: a suite hashes hundreds of passwords.
    monkeypatch.setattr(Argon2PasswordHasher, "time_cost", 1)
    monkeypatch.setattr(Argon2PasswordHasher, "memory_cost", 256)
    monkeypatch.setattr(Argon2PasswordHasher, "parallelism", 1)


@pytest.fixture(autouse=True)
def _quiet_defaults(settings: Any) -> Iterator[None]:
    # Rate limits are tested on purpose where they matter; elsewhere one client IP makes many calls.
    settings.LOKET_RATE_LIMITS = False
    settings.LOKET_AVAILABILITY_CACHE_SECONDS = 0  # tests read fresh seat counts
    settings.LOKET_OFFICE_CACHE_SECONDS = 0  # tests change offices and book at once
    # The application, bill and messages of a booking appear in its own transaction, as the
    # tests of those apps expect; loket/booking/tests/test_events.py tests the worker's way.
    settings.LOKET_BOOKING_EVENTS_INLINE = True
    # No collectstatic in a fresh clone: pages (admin) must not need the hashed-name manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django_q.conf import Conf

    sync = Conf.SYNC
    Conf.SYNC = True  # the worker's tasks run inline in tests
    cache.clear()
    yield
    Conf.SYNC = sync
    cache.clear()
    # A test that switched the language (a page in English, a message rendered for an
    # English reader) must not leave it on for the next test in the same process.
    translation.deactivate()


def make_applicant(
    *,
    email: str = "ani@example.id",
    nik: str = "1671014508900002",
    full_name: str = "Ani Lestari",
    birth_date: dt.date = dt.date(1990, 8, 5),
    sex: str = "F",
    verified: bool = True,
) -> User:
    user = User.objects.create_user(
        email,
        PASSWORD,
        full_name=full_name,
        phone="+6281234567801",
        email_verified_at=timezone.now() if verified else None,
    )
    Person.objects.create(
        account=user, relation=Relation.SELF, full_name=full_name, nik=nik, birth_date=birth_date, sex=sex
    )
    return user


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_issue(login=user.email, password=PASSWORD, ip='10.0.0.1')}"}


@pytest.fixture
def applicant(db: None) -> User:
    """Ani, a verified applicant in Palembang."""
    return make_applicant()


@pytest.fixture
def other_applicant(db: None) -> User:
    """Dedi, another verified applicant, a stranger to Ani."""
    return make_applicant(
        email="dedi@example.id",
        nik="3174011203850003",
        full_name="Dedi Kurniawan",
        birth_date=dt.date(1985, 3, 12),
        sex="M",
    )


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """pytest-django's admin client, past the staff second factor the admin asks for."""
    from loket.accounts.testing import second_factor_client

    return second_factor_client(admin_user)


@pytest.fixture
def ordinary_morning() -> Iterator[None]:
    """The clock at ORDINARY_MORNING, still ticking, in every thread of this process.

    For the tests that place a release a minute before now or ten minutes after it, take
    today's places or serve today's queue: run at the wall clock, they could not be set up for a
    few minutes either side of midnight in Jakarta, nor on a holiday (they were skipped then),
    and a queue filled before midnight was no longer today's queue after it.
    """
    with time_machine.travel(ORDINARY_MORNING, tick=True):
        yield


@pytest.fixture
def database_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker tasks go to the database queue, as in production (the suite runs them inline)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)


@pytest.fixture
def api() -> Client:
    """Bearer-token calls go through the API's own handler, as in config/wsgi.py."""
    from loket.api.testing import ApiClient

    return ApiClient()


@pytest.fixture
def auth_headers(applicant: User) -> dict[str, str]:
    return bearer(applicant)
