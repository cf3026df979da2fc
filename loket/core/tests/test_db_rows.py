"""raw_models, insert_row and insert_with_children: what Model.objects.raw and save() give,
without building the statement or the column mapping again on every run."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, signals
from django.test.utils import CaptureQueriesContext

from loket.core.db import insert_row, insert_row_unless_exists, insert_with_children, raw_models
from loket.offices.models import Closure, Office

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _closure_as_a_plain_model() -> Iterator[None]:
    """Closure stands here for any child model without save receivers: the booking app's receiver
    (a late closure tells the people booked, loket/booking/closures.py) is disconnected meanwhile."""
    from loket.booking.closures import CLOSURE_SAVED_UID, closure_saved

    signals.post_save.disconnect(sender=Closure, dispatch_uid=CLOSURE_SAVED_UID)
    yield
    signals.post_save.connect(closure_saved, sender=Closure, dispatch_uid=CLOSURE_SAVED_UID)


def fields_of(instance: Office) -> dict[str, object]:
    return {k: v for k, v in instance.__dict__.items() if k != "_state"}


def test_the_same_instances_as_a_raw_queryset_with_the_extra_columns_as_attributes() -> None:
    Office.objects.create(code="AAA", name="Kanim A", timezone="Asia/Jakarta", release_time=dt.time(7, 30))
    Office.objects.create(code="BBB", name="Kanim B", timezone="Asia/Makassar")
    table = connection.ops.quote_name(Office._meta.db_table)
    sql = f"SELECT *, 41 + 1 AS answer FROM {table} ORDER BY code"

    for _ in range(2):  # the second run uses the kept plan
        ours = raw_models(Office, sql, [])
        theirs = list(Office.objects.raw(sql, []))
        assert [fields_of(o) for o in ours] == [fields_of(o) for o in theirs]
        assert [o.code for o in ours] == ["AAA", "BBB"]
        assert [o.answer for o in ours] == [42, 42]  # type: ignore[attr-defined]
        # The field's conversions ran: a time, not the text SQLite keeps.
        assert ours[0].release_time == dt.time(7, 30)
        assert ours[0]._state.adding is False and ours[0]._state.db == "default"


def test_a_statement_with_other_columns_gets_its_own_plan() -> None:
    Office.objects.create(code="CCC", name="Kanim C", timezone="Asia/Jayapura")
    table = connection.ops.quote_name(Office._meta.db_table)
    wide = raw_models(Office, f"SELECT * FROM {table}", [])
    narrow = raw_models(Office, f"SELECT id, code FROM {table}", [])
    assert wide[0].timezone == "Asia/Jayapura"
    assert narrow[0].code == "CCC"
    assert "timezone" not in narrow[0].__dict__  # deferred, as a raw queryset leaves it


def test_a_statement_s_columns_are_read_off_the_cursor_once(monkeypatch: pytest.MonkeyPatch) -> None:
    Office.objects.create(code="EEE", name="Kanim E", timezone="Asia/Jakarta")
    table = connection.ops.quote_name(Office._meta.db_table)
    reads: list[int] = []

    def description(self: CursorWrapper) -> object:
        reads.append(1)
        return self.cursor.description

    monkeypatch.setattr(CursorWrapper, "description", property(description), raising=False)
    sql = f"SELECT id, code, name FROM {table} WHERE code = %s"
    assert [o.name for o in raw_models(Office, sql, ["EEE"])] == ["Kanim E"]
    assert len(reads) == 1
    for _ in range(3):
        [again] = raw_models(Office, sql, ["EEE"])
        assert (again.code, again.name) == ("EEE", "Kanim E")
    assert len(reads) == 1  # the kept plan named the columns
    assert raw_models(Office, f"SELECT code, id FROM {table} WHERE code = %s", ["EEE"])[0].code == "EEE"
    assert len(reads) == 2  # another statement: its own columns


def test_a_statement_without_the_primary_key_is_refused() -> None:
    Office.objects.create(code="DDD", name="Kanim D", timezone="Asia/Jakarta")
    table = connection.ops.quote_name(Office._meta.db_table)
    with pytest.raises(ValueError, match="primary key"):
        raw_models(Office, f"SELECT code FROM {table}", [])


def test_insert_row_saves_what_create_saves() -> None:
    office = Office.objects.create(code="EEE", name="Kanim E", timezone="Asia/Jakarta")
    ours = insert_row(Closure(office=office, date=dt.date(2026, 12, 25), reason="Natal"))
    theirs = Closure.objects.create(office=office, date=dt.date(2026, 12, 26), reason="Cuti bersama")
    assert ours.pk is not None and ours.pk != theirs.pk
    assert ours._state.adding is False and ours._state.db == "default"
    assert ours.created_at is not None  # auto_now_add ran (the field's pre_save)
    again = Closure.objects.get(pk=ours.pk)
    assert (again.office_id, again.date, again.reason, again.created_at) == (
        office.pk,
        dt.date(2026, 12, 25),
        "Natal",
        ours.created_at,
    )
    assert insert_row(Closure(office=None, date=dt.date(2027, 1, 1), reason="Tahun Baru")).pk == theirs.pk + 1


def test_insert_row_goes_through_save_for_a_model_with_receivers() -> None:
    seen: list[str] = []

    def receiver(sender: type[Model], instance: Closure, **kwargs: object) -> None:
        seen.append(instance.reason)

    signals.post_save.connect(receiver, sender=Closure)
    try:
        insert_row(Closure(office=None, date=dt.date(2027, 1, 2), reason="Libur"))
    finally:
        signals.post_save.disconnect(receiver, sender=Closure)
    assert seen == ["Libur"]


def test_an_insert_that_meets_its_unique_key_saves_nothing_and_leaves_the_transaction_usable() -> None:
    with transaction.atomic():
        first = insert_row_unless_exists(
            Office(code="FFF", name="Kanim F", timezone="Asia/Jakarta"), conflict_on=["code"]
        )
        assert first is not None and first.pk is not None and first._state.adding is False
        with CaptureQueriesContext(connection) as queries:
            again = insert_row_unless_exists(
                Office(code="FFF", name="Kanim lain", timezone="Asia/Jayapura"), conflict_on=["code"]
            )
        assert again is None
        assert len(queries) == 1 and "SAVEPOINT" not in queries[0]["sql"]  # one statement, no savepoint
        # No error was raised inside the transaction: it goes on (on PostgreSQL an error would abort it).
        other = insert_row_unless_exists(
            Office(code="GGG", name="Kanim G", timezone="Asia/Jakarta"), conflict_on=["code"]
        )
        assert other is not None
    assert list(Office.objects.order_by("code").values_list("code", "name")) == [("FFF", "Kanim F"), ("GGG", "Kanim G")]


def test_an_insert_that_skips_conflicts_refuses_a_model_saved_by_save() -> None:
    def receiver(sender: type[Model], instance: Office, **kwargs: object) -> None:
        pass

    signals.post_save.connect(receiver, sender=Office)
    try:
        with pytest.raises(ValueError, match="saved by save"):
            insert_row_unless_exists(Office(code="HHH", name="Kanim H", timezone="Asia/Jakarta"), conflict_on=["code"])
    finally:
        signals.post_save.disconnect(receiver, sender=Office)
    assert not Office.objects.filter(code="HHH").exists()


def test_the_written_out_statements_name_their_columns() -> None:
    # A prepared `SELECT *` is refused once a migration adds a column (core.db.StalePlan).
    from loket.accounts.services import _TOKEN_SQL
    from loket.booking.seats import _PROBE
    from loket.booking.services import _PERSON_SQL
    from loket.onsite.board import _OFFICE_SQL

    for sql in (_TOKEN_SQL, _PROBE, _PERSON_SQL, _OFFICE_SQL):
        assert ".*" not in sql and "SELECT *" not in sql, sql
        assert '"id"' in sql.split(" FROM ")[0]


def closures(*days: int) -> list[Closure]:
    return [Closure(date=dt.date(2027, 3, day), reason=f"Libur {day}") for day in days]


def test_a_parent_and_its_children_go_in_with_one_statement_on_postgresql() -> None:
    office = Office(code="JJJ", name="Kanim J", timezone="Asia/Jakarta")
    children = closures(3, 1, 2)
    with CaptureQueriesContext(connection) as queries:
        insert_with_children(office, children, link="office")
    assert len(queries) == (1 if connection.vendor == "postgresql" else 4), [q["sql"] for q in queries]
    assert office.pk is not None and office._state.adding is False and office._state.db == "default"
    saved = Office.objects.get(pk=office.pk)
    assert (saved.code, saved.name) == ("JJJ", "Kanim J")
    for child in children:
        # Each instance got its own row's key, and its parent's.
        assert child.pk is not None and child._state.adding is False
        assert child.office_id == office.pk and child.office is office
        again = Closure.objects.get(pk=child.pk)
        assert (again.office_id, again.date, again.reason) == (office.pk, child.date, child.reason)
        assert again.created_at is not None  # auto_now_add ran
    assert Closure.objects.filter(office=office).count() == 3
    # The kept statement serves the next parent with as many children; another count gets its own.
    other, more = Office(code="KKK", name="Kanim K", timezone="Asia/Makassar"), closures(4, 5, 6)
    insert_with_children(other, more, link="office")
    insert_with_children(Office(code="LLL", name="Kanim L", timezone="Asia/Jakarta"), closures(7), link="office")
    assert sorted(Closure.objects.filter(office=other).values_list("reason", flat=True)) == [
        "Libur 4",
        "Libur 5",
        "Libur 6",
    ]
    assert [c.office_id for c in more] == [other.pk] * 3
    assert Closure.objects.get(office__code="LLL").date == dt.date(2027, 3, 7)


def test_a_parent_without_children_is_inserted_alone() -> None:
    office = Office(code="MMM", name="Kanim M", timezone="Asia/Jakarta")
    insert_with_children(office, [], link="office")
    assert Office.objects.filter(pk=office.pk, code="MMM").exists()
    assert not Closure.objects.filter(office=office).exists()


def test_a_refused_child_leaves_no_parent_and_no_sibling() -> None:
    office = Office(code="NNN", name="Kanim N", timezone="Asia/Jakarta")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children(office, closures(8, 9, 8), link="office")  # the same day twice
    assert not Office.objects.filter(code="NNN").exists()
    assert not Closure.objects.filter(date__in=[dt.date(2027, 3, 8), dt.date(2027, 3, 9)]).exists()


def test_children_saved_by_save_go_through_save() -> None:
    seen: list[tuple[str, int | None]] = []

    def receiver(sender: type[Model], instance: Closure, **kwargs: object) -> None:
        seen.append((instance.reason, instance.office_id))

    signals.pre_save.connect(receiver, sender=Closure)
    try:
        office = Office(code="OOO", name="Kanim O", timezone="Asia/Jakarta")
        insert_with_children(office, closures(10, 11), link="office")
    finally:
        signals.pre_save.disconnect(receiver, sender=Closure)
    # Each child's save() ran, with its parent's key already set.
    assert seen == [("Libur 10", office.pk), ("Libur 11", office.pk)]
    assert sorted(Closure.objects.filter(office=office).values_list("reason", flat=True)) == ["Libur 10", "Libur 11"]
