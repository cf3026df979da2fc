"""Booking events the worker's way (LOKET_BOOKING_EVENTS_INLINE off): the seat transaction
writes only the booking and its event; the application, the bill and the messages follow
when the worker processes the event, once. Time frozen on Tue 1 Dec 2026, 07:30 WIB."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_q.models import OrmQ

from conftest import make_applicant
from loket.accounts.models import User
from loket.booking.events import BATCH, batch_memo, booking_event, event_process, events_pending, events_process
from loket.booking.models import Booking, BookingEvent, BookingStatus, EventKind, Slot
from loket.booking.services import BookingRequest, booking_cancel, booking_create
from loket.core.errors import Conflict
from loket.dossier.models import Application
from loket.notify.models import Message, NotificationPreference
from loket.offices.models import ArrivalWindow, Office
from loket.payments.models import FeeRate, Payment

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 in Jakarta
DAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _worker_way(settings: Any) -> Any:
    settings.LOKET_BOOKING_EVENTS_INLINE = False
    with time_machine.travel(NOW, tick=False):
        yield


def request(start: int = 8) -> BookingRequest:
    return BookingRequest(office="TST", date=DAY, start=dt.time(start), service="new", passport_type="regular")


def test_the_seat_transaction_leaves_the_follow_up_to_the_worker(office: Office, applicant: User) -> None:
    booking, created = booking_create(user=applicant, request=request())
    assert created
    assert Slot.objects.get(office=office, date=DAY, start=dt.time(8)).booked == 1
    assert list(BookingEvent.objects.values_list("kind", "processed_at")) == [(EventKind.BOOKED, None)]
    assert not Application.objects.exists()
    assert not Payment.objects.exists()
    assert not Message.objects.exists()

    assert events_process() == 1

    assert Application.objects.get().booking == booking
    payment = Payment.objects.get()
    assert (payment.booking, payment.amount) == (booking, 350_000)
    assert Message.objects.filter(event_key__startswith=f"booking:{booking.pk}:payment_due").exists()
    assert BookingEvent.objects.get().processed_at == NOW


def test_a_replayed_event_changes_nothing(office: Office, applicant: User) -> None:
    booking_create(user=applicant, request=request())
    event = BookingEvent.objects.get()
    assert event_process(event_id=event.pk)
    counts = (Application.objects.count(), Payment.objects.count(), Message.objects.count())

    assert not event_process(event_id=event.pk)  # claimed already
    assert events_process() == 0
    # Even an event handed to the receivers a second time (a worker that died after the
    # reactions but whose claim was lost) finds the application and the bill there.
    booking_event.send(sender=BookingEvent, event=BookingEvent.objects.get(pk=event.pk))
    assert (Application.objects.count(), Payment.objects.count(), Message.objects.count()) == counts


def test_a_claim_lost_to_a_race_leaves_no_booking_and_no_event(
    office: Office, applicant: User, other_applicant: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking_create(user=applicant, request=request(9))  # the 09:00 window's only seat
    # The other applicant read the slot a moment before that (a stale "1 seat left"): the
    # booking and its event are inserted, then the claim finds the window full and all of it
    # rolls back.
    slot = Slot.objects.get(office=office, date=DAY, start=dt.time(9))
    slot.booked = 0
    monkeypatch.setattr("loket.booking.services.bookable_slot", lambda *args: slot)
    with pytest.raises(Conflict) as refused:
        booking_create(user=other_applicant, request=request(9))
    assert refused.value.code == "window_full"
    assert Booking.objects.count() == 1
    assert BookingEvent.objects.count() == 1
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_events_of_one_booking_are_handled_in_order(office: Office, applicant: User) -> None:
    booking, _created = booking_create(user=applicant, request=request())
    booking_cancel(user=applicant, code=booking.code)
    booked, cancelled = BookingEvent.objects.order_by("id")
    assert [booked.kind, cancelled.kind] == [EventKind.BOOKED, EventKind.CANCELLED]
    # The cancellation waits for the booking's own event: its message never comes first.
    assert events_pending() == [booked.pk]
    assert events_process() == 2
    keys = list(Message.objects.order_by("id").values_list("event_key", flat=True))
    assert keys[0].startswith(f"booking:{booking.pk}:payment_due")
    assert keys[-1].startswith(f"booking:{booking.pk}:cancelled")


def test_the_worker_command_processes_what_is_pending(office: Office, applicant: User) -> None:
    booking_create(user=applicant, request=request())
    call_command("booking_events", "--once")
    assert BookingEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert Payment.objects.count() == 1


def process_with_a_failing_receiver(fails: Callable[[BookingEvent], bool]) -> int:
    """events_process() with one more receiver, which raises for the events `fails` picks."""

    def broken(*, event: BookingEvent, **kwargs: Any) -> None:
        if fails(event):
            raise RuntimeError("registry down")

    booking_event.connect(broken, dispatch_uid="broken")
    try:
        return events_process()
    finally:
        booking_event.disconnect(dispatch_uid="broken")


def assert_postponed_once(event: BookingEvent) -> None:
    assert (event.processed_at, event.attempts) == (None, 1)
    assert "registry down" in event.last_error


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_reaction_rolls_back_and_is_retried_later(
    office: Office, applicant: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    booking_create(user=applicant, request=request())
    assert process_with_a_failing_receiver(lambda event: True) == 0
    assert_postponed_once(BookingEvent.objects.get())
    assert not Application.objects.exists()  # the receivers that ran before were rolled back too
    assert events_pending() == []  # not before its retry time
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        assert events_process() == 1
    assert Application.objects.count() == 1


def book_for(i: int) -> Booking:
    user = make_applicant(email=f"batch{i}@example.id", nik=f"3174011203{85:02d}{i + 1:04d}", sex="M")
    booking, _created = booking_create(user=user, request=request())
    return booking


def book_then_process(office: Office, count: int) -> list[str]:
    """`count` people book the 08:00 window (room made for them); the statements of the worker
    processing their events, which it must process all."""
    ArrivalWindow.objects.filter(office=office).update(capacity=5)
    for i in range(count):
        book_for(i)
    with CaptureQueriesContext(connection) as queries:
        assert events_process() == count
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reaction_failing_in_a_batch_undoes_its_own_event_only(office: Office) -> None:
    ArrivalWindow.objects.filter(office=office).update(capacity=5)
    bookings = [book_for(i) for i in range(4)]
    failing = bookings[1]
    assert process_with_a_failing_receiver(lambda event: event.booking_id == failing.pk) == 3
    assert_postponed_once(BookingEvent.objects.get(booking=failing))
    # The receivers that ran for the failing event before the broken one were undone with it;
    # the other three events kept theirs.
    assert set(Application.objects.values_list("booking_id", flat=True)) == {b.pk for b in bookings} - {failing.pk}
    assert set(Payment.objects.values_list("booking_id", flat=True)) == {b.pk for b in bookings} - {failing.pk}
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        assert events_process() == 1
    assert Application.objects.count() == Payment.objects.count() == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_statement_in_a_batch_undoes_its_own_event_only(office: Office) -> None:
    """A reaction whose statement fails (on PostgreSQL that aborts the whole transaction): the
    batch run without savepoints is rolled back and run again with one an event."""
    ArrivalWindow.objects.filter(office=office).update(capacity=5)
    bookings = [book_for(i) for i in range(3)]
    failing = bookings[2]

    def broken(*, event: BookingEvent, **kwargs: Any) -> None:
        if event.booking_id == failing.pk:
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM loket_no_such_table")

    booking_event.connect(broken, dispatch_uid="broken_sql")
    try:
        assert events_process() == 2
    finally:
        booking_event.disconnect(dispatch_uid="broken_sql")
    event = BookingEvent.objects.get(booking=failing)
    assert (event.processed_at, event.attempts) == (None, 1)
    assert "loket_no_such_table" in event.last_error
    assert set(Payment.objects.values_list("booking_id", flat=True)) == {b.pk for b in bookings[:2]}
    assert set(Application.objects.values_list("booking_id", flat=True)) == {b.pk for b in bookings[:2]}


def test_a_batch_of_events_is_taken_and_marked_with_one_statement_each(office: Office) -> None:
    statements = book_then_process(office, 5)
    on_events = [sql for sql in statements if 'FROM "booking_bookingevent"' in sql]
    marks = [sql for sql in statements if sql.startswith('UPDATE "booking_bookingevent"')]
    # One SELECT locks and loads the five (with their bookings), one more finds nothing left;
    # one UPDATE marks them processed.
    assert len(on_events) == 2, on_events
    assert len(marks) == 1, marks
    assert BATCH >= 5


def test_a_booked_event_costs_three_statements_and_a_batch_two(office: Office, database_queue: None) -> None:
    """The reactions to a booking, counted (savepoints too): the application with its first
    stage, the bill with its line (each pair one statement on PostgreSQL, two elsewhere), the
    message; once a batch, the fee and the worker tasks (each identity check and message
    delivery). No savepoint an event while no reaction fails.
    Whether the application and the bill exist already, and whether the person has a credit to
    pay with, is read with the event (annotate_with), and a message that exists already is
    skipped by its insert (ON CONFLICT), not by a savepoint around it."""
    statements = book_then_process(office, 5)
    per_event = [sql for sql in statements if 'FROM "booking_bookingevent"' not in sql]
    per_event = [sql for sql in per_event if not sql.startswith('UPDATE "booking_bookingevent"')]
    # Plus, in this test only, each batch's savepoint and its release (the two batches run
    # inside the test's transaction; in the worker each is a transaction of its own).
    assert len([sql for sql in per_event if sql.startswith("SAVEPOINT")]) == 2, per_event
    per_booking = 3 if connection.vendor == "postgresql" else 5
    assert len(per_event) <= per_booking * 5 + 2 + 2 * 2, "\n".join(sql[:160] for sql in per_event)
    assert not [sql for sql in per_event if sql.startswith("SELECT") and 'FROM "dossier_application"' in sql]
    assert not [sql for sql in per_event if sql.startswith("SELECT") and 'FROM "payments_payment"' in sql]
    assert not [sql for sql in per_event if 'FROM "payments_feecredit"' in sql]  # nobody has a credit
    assert Application.objects.count() == Payment.objects.count() == 5


def queued() -> list[tuple[str, int]]:
    """The database queue: (task, its argument), as async_task packed them."""
    return sorted((row.func(), row.task["args"][0]) for row in OrmQ.objects.all())


def test_the_tasks_of_a_batch_are_queued_with_one_insert(office: Office, database_queue: None) -> None:
    statements = book_then_process(office, 5)
    inserts = [sql for sql in statements if sql.startswith('INSERT INTO "django_q_ormq"')]
    assert len(inserts) == 1, inserts
    # Each booking's identity check and its bill's message delivery.
    assert queued() == sorted(
        [("loket.dossier.tasks.identity_check", pk) for pk in Application.objects.values_list("pk", flat=True)]
        + [("loket.notify.tasks.message_deliver", pk) for pk in Message.objects.values_list("pk", flat=True)]
    )
    assert len(queued()) == 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_tasks_of_a_failing_event_are_dropped_with_it(office: Office, database_queue: None) -> None:
    ArrivalWindow.objects.filter(office=office).update(capacity=5)
    bookings = [book_for(i) for i in range(3)]
    assert process_with_a_failing_receiver(lambda event: event.booking_id == bookings[1].pk) == 2
    # Two tasks each for the two events kept, none for the one rolled back.
    kept = sorted(Application.objects.values_list("pk", flat=True))
    assert [pk for func, pk in queued() if func == "loket.dossier.tasks.identity_check"] == kept
    assert len(kept) == 2 and len(queued()) == 4


def test_the_fee_is_read_once_a_batch_and_again_in_the_next(office: Office) -> None:
    statements = book_then_process(office, 3)
    assert len([sql for sql in statements if 'FROM "payments_feerate"' in sql]) == 1
    assert list(Payment.objects.values_list("amount", flat=True)) == [350_000] * 3
    # A new fee in force from today: the next batch reads it, it keeps nothing of the last one.
    FeeRate.objects.create(passport_type="regular", amount=400_000, effective_from=NOW.date())
    book_for(3)
    assert events_process() == 1
    assert Payment.objects.order_by("-pk").first().amount == 400_000  # type: ignore[union-attr]
    assert batch_memo() == {} and batch_memo() is not batch_memo()  # outside a batch: nothing kept


def test_an_event_whose_mark_was_lost_is_taken_again_and_changes_nothing(office: Office, applicant: User) -> None:
    booking_create(user=applicant, request=request())
    assert events_process() == 1
    counts = (Application.objects.count(), Payment.objects.count(), Message.objects.count())
    # A worker that reacted but whose "processed" mark was lost: the worker's loader finds the
    # application, the bill and the message there (read with the event) and adds nothing.
    BookingEvent.objects.update(processed_at=None)
    assert events_process() == 1
    assert (Application.objects.count(), Payment.objects.count(), Message.objects.count()) == counts == (1, 1, 1)


def test_the_channels_chosen_are_read_with_the_event(office: Office, applicant: User) -> None:
    NotificationPreference.objects.create(user=applicant, email=True, sms=True)
    booking_create(user=applicant, request=request())
    with CaptureQueriesContext(connection) as queries:
        assert events_process() == 1
    assert not [q for q in queries.captured_queries if 'FROM "notify_notificationpreference"' in q["sql"]]
    channels = Message.objects.filter(event_key__contains=":payment_due:").values_list("channel", flat=True)
    assert sorted(channels) == ["email", "sms"]


def test_the_api_says_the_bill_is_coming_then_shows_it(
    api: Client, office: Office, auth_headers: dict[str, str]
) -> None:
    body = {"office": "TST", "date": DAY.isoformat(), "start": "08:00", "service": "new", "passport_type": "regular"}
    created = api.post("/api/v1/bookings", body, content_type="application/json", headers=auth_headers).json()
    assert (created["payment"], created["payment_pending"]) == (None, True)
    events_process()
    shown = api.get(f"/api/v1/bookings/{created['code']}", headers=auth_headers).json()
    assert shown["payment_pending"] is False
    assert len(shown["payment"]["billing_code"]) == 15


def test_statements_of_a_booking_and_of_a_refusal(
    api: Client, office: Office, auth_headers: dict[str, str], other_applicant: User, settings: Any
) -> None:
    """The lean hot path, counted: a booking runs at most 6 statements, a refusal at most 3.

    The test's own transaction turns the seat transaction into a savepoint; in production it
    is BEGIN ... COMMIT, which the driver sends without a query, so savepoints are not counted.
    """
    from conftest import bearer

    settings.LOKET_OFFICE_CACHE_SECONDS = 60
    settings.LOKET_AVAILABILITY_CACHE_SECONDS = 60
    body = {"office": "TST", "date": DAY.isoformat(), "start": "09:00", "service": "new", "passport_type": "regular"}
    # The window's Slot exists once anyone booked it; warm the office copy and the "next day" hint.
    Slot.objects.create(
        office=office, date=DAY, start=dt.time(9), end=dt.time(10), starts_at="2026-12-02T02:00Z", capacity=1
    )
    other = bearer(other_applicant)
    api.get("/api/v1/offices/TST/availability", headers=other)
    with CaptureQueriesContext(connection) as booked:
        response = api.post("/api/v1/bookings", body, content_type="application/json", headers=auth_headers)
    assert response.status_code == 201, response.content
    booked_statements = [q for q in booked if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(booked_statements) <= 6, "\n".join(q["sql"][:300] for q in booked)
    if connection.vendor == "postgresql":
        # Token, window, person; then the seat, the booking and its event in one statement.
        assert len(booked_statements) <= 4, "\n".join(q["sql"][:300] for q in booked)
        writes = [q["sql"] for q in booked_statements if not q["sql"].startswith("SELECT")]
        assert len(writes) == 1 and writes[0].startswith("WITH guard AS (UPDATE"), writes
    with CaptureQueriesContext(connection) as refused:
        response = api.post("/api/v1/bookings", body, content_type="application/json", headers=other)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "window_full"
    refused_statements = [q for q in refused if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(refused_statements) <= 3, [q["sql"] for q in refused]
    assert Booking.objects.filter(status=BookingStatus.AWAITING_PAYMENT).count() == 1


def test_the_pages_say_the_billing_code_is_coming_and_reload_until_it_is_there(
    office: Office, applicant: User, client: Client
) -> None:
    booking, _created = booking_create(user=applicant, request=request())
    client.force_login(applicant)
    for url in (f"/pemesanan/{booking.code}/", "/pemesanan/"):
        page = client.get(url).content.decode()
        assert "Kode billing sedang disiapkan" in page
        assert '<meta http-equiv="refresh" content="2">' in page
    events_process()
    billing_code = Payment.objects.get().billing_code
    for url in (f"/pemesanan/{booking.code}/", "/pemesanan/"):
        page = client.get(url).content.decode()
        assert "sedang disiapkan" not in page
        assert '<meta http-equiv="refresh" content="2">' not in page  # (the proof polls for the payment instead)
        assert billing_code in page.replace(" ", "").replace("\u2009", "")
