"""Counter moves: who is called next, recall, no-show after N calls, transfer, park, resume, finish."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.models import BookingStatus
from loket.core.errors import Conflict, DomainError
from loket.dossier.models import Stage as DossierStage
from loket.offices.models import Office
from loket.onsite.models import EventKind, Priority, QueuePolicy, Stage, Ticket, TicketStatus
from loket.onsite.queue import service_minutes, ticket_estimate, waiting_with_estimates
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.queue_helpers import NOW, at_local, booked, counter


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def issue(office: Office, start: dt.time = dt.time(8), **fields: object) -> Ticket:
    return ticket_issue(office=office, by=None, booking=booked(office, start=start), **fields)  # type: ignore[arg-type]


def test_call_next_takes_priority_then_appointment_then_arrival(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    late_window = issue(office_a, dt.time(9))
    clock.shift(60)
    early_window_later_arrival = issue(office_a, dt.time(8))
    clock.shift(60)
    early_window_last_arrival = issue(office_a, dt.time(8))
    clock.shift(60)
    priority = issue(office_a, dt.time(9), priority=Priority.ELDERLY)
    order = []
    for _ in range(4):
        ticket = calls.counter_call_next(counter=desk, by=counter_officer_a)
        assert ticket is not None
        order.append(ticket.pk)
        calls.ticket_finish(counter=desk, by=counter_officer_a)
    assert order == [priority.pk, early_window_later_arrival.pk, early_window_last_arrival.pk, late_window.pk]
    assert calls.counter_call_next(counter=desk, by=counter_officer_a) is None


def test_a_counter_calls_only_its_stages_and_one_ticket_at_a_time(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    photo_desk = counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    issue(office_a)
    assert calls.counter_call_next(counter=photo_desk, by=counter_officer_a) is None
    desk = counter(office_a, 1)
    first = calls.counter_call_next(counter=desk, by=counter_officer_a)
    issue(office_a)
    with pytest.raises(Conflict, match="Selesaikan"):
        calls.counter_call_next(counter=desk, by=counter_officer_a)
    other = counter(office_a, 2)
    second = calls.counter_call_next(counter=other, by=counter_officer_a)
    assert first and second and first.pk != second.pk
    event = first.events.get(kind=EventKind.CALLED)
    assert event.counter == desk and event.by == counter_officer_a
    assert AuditEntry.objects.filter(action="ticket.called", target_id=first.display).exists()


def test_transfer_puts_the_ticket_ahead_of_later_arrivals_and_verifies_the_documents(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    verify = counter(office_a, 1)
    photo = counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    first = issue(office_a)
    calls.counter_call_next(counter=verify, by=counter_officer_a)
    calls.ticket_start(counter=verify, by=counter_officer_a)
    clock.shift(600)
    # Someone who arrived later is already waiting for photo and interview (a transferred ticket).
    later = issue(office_a)
    Ticket.objects.filter(pk=later.pk).update(stage=Stage.PHOTO_INTERVIEW)
    clock.shift(300)
    moved = calls.ticket_transfer(counter=verify, by=counter_officer_a)
    assert moved.stage == Stage.PHOTO_INTERVIEW and moved.status == TicketStatus.WAITING and moved.counter is None
    assert moved.queued_at == first.queued_at
    assert first.booking is not None
    assert first.booking.application.__class__.objects.get(pk=first.booking.application.pk).stage == (
        DossierStage.DOCUMENTS_VERIFIED
    )
    assert [w.ticket.pk for w in waiting_with_estimates(office_a, [Stage.PHOTO_INTERVIEW])] == [first.pk, later.pk]
    called = calls.counter_call_next(counter=photo, by=counter_officer_a)
    assert called is not None and called.pk == first.pk
    calls.ticket_finish(counter=photo, by=counter_officer_a)
    first.booking.refresh_from_db()
    assert first.booking.status == BookingStatus.COMPLETED
    assert first.booking.application.__class__.objects.get(pk=first.booking.application.pk).stage == (
        DossierStage.PHOTO_INTERVIEW_DONE
    )
    assert TicketEvent_kinds(first) == ["issued", "called", "started", "transferred", "called", "finished"]


def TicketEvent_kinds(ticket: Ticket) -> list[str]:  # noqa: N802 - reads like the model it lists
    return list(ticket.events.order_by("at", "pk").values_list("kind", flat=True))


def test_the_last_stage_cannot_be_transferred(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    photo = counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    ticket = issue(office_a)
    Ticket.objects.filter(pk=ticket.pk).update(stage=Stage.PHOTO_INTERVIEW)
    calls.counter_call_next(counter=photo, by=counter_officer_a)
    with pytest.raises(Conflict, match="tahap terakhir"):
        calls.ticket_transfer(counter=photo, by=counter_officer_a)


def test_no_show_only_after_the_recalls_and_the_minutes_and_then_the_booking_is_a_no_show(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)  # no policy row: the defaults, 2 recalls and 3 minutes
    ticket = issue(office_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    with pytest.raises(Conflict, match="3 kali") as refused:
        calls.ticket_no_show(counter=desk, by=counter_officer_a)
    assert refused.value.code == "too_few_calls"
    calls.ticket_recall(counter=desk, by=counter_officer_a)
    clock.shift(2)
    recalled = calls.ticket_recall(counter=desk, by=counter_officer_a)
    assert recalled.calls == 3
    assert ticket.events.filter(kind=EventKind.RECALLED).count() == 2
    # Call, recall, recall in two seconds is not enough: 3 minutes from the first call (08:10).
    with pytest.raises(Conflict, match="08:13") as refused:
        calls.ticket_no_show(counter=desk, by=counter_officer_a)
    assert refused.value.code == "too_soon"
    clock.shift(175)  # 08:12:57
    with pytest.raises(Conflict):
        calls.ticket_no_show(counter=desk, by=counter_officer_a)
    clock.shift(3)  # 08:13:00
    calls.ticket_no_show(counter=desk, by=counter_officer_a, ip="10.1.2.3")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NO_SHOW
    assert ticket.booking is not None and ticket.booking.status == BookingStatus.NO_SHOW
    assert calls.current_ticket(desk) is None
    assert AuditEntry.objects.get(action="ticket.no_show").ip == "10.1.2.3"


def test_the_office_policy_sets_the_recalls_and_minutes(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    QueuePolicy.objects.create(office=office_a, no_show_after_calls=1, no_show_after_minutes=10)
    desk = counter(office_a, 1)
    issue(office_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    clock.shift(9 * 60)
    with pytest.raises(Conflict, match="10 menit"):
        calls.ticket_no_show(counter=desk, by=counter_officer_a)
    clock.shift(60)
    assert calls.ticket_no_show(counter=desk, by=counter_officer_a).status == TicketStatus.NO_SHOW


def no_show_now(office: Office, desk: Any, by: User, clock: Any) -> Ticket:
    QueuePolicy.objects.update_or_create(office=office, defaults={"no_show_after_calls": 1, "no_show_after_minutes": 0})
    calls.counter_call_next(counter=desk, by=by)
    return calls.ticket_no_show(counter=desk, by=by)


def test_a_supervisor_undoes_todays_no_show_and_the_person_waits_again_first(
    office_a: Office, counter_officer_a: User, supervisor_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    missed = issue(office_a)
    clock.shift(60)
    later = issue(office_a)
    no_show_now(office_a, desk, counter_officer_a, clock)
    with pytest.raises(DomainError) as refused:
        calls.ticket_no_show_undo(office=office_a, ticket_id=missed.pk, by=counter_officer_a)
    assert refused.value.status == 403
    back = calls.ticket_no_show_undo(office=office_a, ticket_id=missed.pk, by=supervisor_a, ip="10.9.8.7")
    assert back.status == TicketStatus.WAITING and back.counter is None and back.calls == 0
    assert back.booking is not None and back.booking.status == BookingStatus.CHECKED_IN
    assert [w.ticket.pk for w in waiting_with_estimates(office_a, [Stage.VERIFICATION])] == [missed.pk, later.pk]
    entry = AuditEntry.objects.get(action="ticket.no_show_undo")
    assert (entry.actor, entry.ip, entry.target_id) == (supervisor_a, "10.9.8.7", missed.display)
    assert missed.events.filter(kind=EventKind.REINSTATED).count() == 1
    with pytest.raises(Conflict, match="tidak berstatus"):
        calls.ticket_no_show_undo(office=office_a, ticket_id=missed.pk, by=supervisor_a)


def test_a_no_show_cannot_be_undone_the_next_day_or_from_another_office(
    office_a: Office, office_b: Office, counter_officer_a: User, supervisor_a: User, officer_b: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    missed = issue(office_a)
    no_show_now(office_a, desk, counter_officer_a, clock)
    with pytest.raises(DomainError):
        calls.ticket_no_show_undo(office=office_b, ticket_id=missed.pk, by=officer_b)
    clock.move_to(NOW + dt.timedelta(days=1))
    with pytest.raises(Conflict, match="hari yang sama"):
        calls.ticket_no_show_undo(office=office_a, ticket_id=missed.pk, by=supervisor_a)
    missed.refresh_from_db()
    assert missed.status == TicketStatus.NO_SHOW


def test_a_counter_on_break_calls_nobody_and_the_break_is_audited(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    issue(office_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    with pytest.raises(Conflict, match="Selesaikan"):
        calls.counter_set_break(counter=desk, on_break=True, by=counter_officer_a)
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    issue(office_a)
    calls.counter_set_break(counter=desk, on_break=True, by=counter_officer_a, ip="10.0.0.5")
    calls.counter_set_break(counter=desk, on_break=True, by=counter_officer_a)  # a double click: no second entry
    assert desk.on_break_since is not None
    with pytest.raises(Conflict, match="istirahat"):
        calls.counter_call_next(counter=desk, by=counter_officer_a)
    calls.counter_set_break(counter=desk, on_break=False, by=counter_officer_a)
    assert calls.counter_call_next(counter=desk, by=counter_officer_a) is not None
    actions = list(AuditEntry.objects.filter(target_type="counter").order_by("pk").values_list("action", "ip"))
    assert actions == [("counter.break_start", "10.0.0.5"), ("counter.break_end", None)]


def test_a_person_being_served_cannot_be_recalled_or_marked_no_show(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    QueuePolicy.objects.create(office=office_a, no_show_after_calls=1, no_show_after_minutes=0)
    desk = counter(office_a, 1)
    issue(office_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    calls.ticket_start(counter=desk, by=counter_officer_a)
    with pytest.raises(Conflict):
        calls.ticket_recall(counter=desk, by=counter_officer_a)
    with pytest.raises(Conflict):
        calls.ticket_no_show(counter=desk, by=counter_officer_a)


def test_park_frees_the_counter_and_resume_serves_the_ticket_again(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    parked = issue(office_a)
    other = issue(office_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    calls.ticket_park(counter=desk, by=counter_officer_a)
    assert calls.current_ticket(desk) is None
    called = calls.counter_call_next(counter=desk, by=counter_officer_a)
    assert called is not None and called.pk == other.pk
    with pytest.raises(Conflict, match="Selesaikan"):
        calls.ticket_resume(counter=desk, ticket_id=parked.pk, by=counter_officer_a)
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    resumed = calls.ticket_resume(counter=desk, ticket_id=parked.pk, by=counter_officer_a)
    assert resumed.status == TicketStatus.SERVING and calls.current_ticket(desk) == resumed
    with pytest.raises(Conflict):
        calls.ticket_resume(counter=counter(office_a, 2), ticket_id=parked.pk, by=counter_officer_a)


def test_actions_without_a_called_ticket_are_refused(office_a: Office, counter_officer_a: User) -> None:
    desk = counter(office_a, 1)
    for move in (calls.ticket_recall, calls.ticket_start, calls.ticket_finish, calls.ticket_park):
        with pytest.raises(Conflict):
            move(counter=desk, by=counter_officer_a)


def test_only_a_supervisor_sets_a_counters_stages(
    office_a: Office, counter_officer_a: User, supervisor_a: User
) -> None:
    desk = counter(office_a, 1)
    with pytest.raises(DomainError):
        calls.counter_set_stages(counter=desk, stages=[Stage.PICKUP], active=True, by=counter_officer_a)
    with pytest.raises(DomainError):
        calls.counter_set_stages(counter=desk, stages=["nonsense"], active=True, by=supervisor_a)
    calls.counter_set_stages(
        counter=desk, stages=[Stage.PICKUP, Stage.VERIFICATION, Stage.PICKUP], active=False, by=supervisor_a
    )
    desk.refresh_from_db()
    assert desk.stages == [Stage.VERIFICATION, Stage.PICKUP] and not desk.active
    assert AuditEntry.objects.get(action="counter.configure").before == {"stages": ["verification"], "active": True}


def test_estimates_use_the_default_without_history_and_recent_service_times_after(
    office_a: Office, counter_officer_a: User, clock: Any, settings: object
) -> None:
    desk = counter(office_a, 1)
    counter(office_a, 2)
    tickets = [issue(office_a) for _ in range(5)]
    assert service_minutes(office_a, Stage.VERIFICATION) == 6
    # Five waiting, two counters, 6 minutes each: the fifth waits for four people, 2 rounds of 6.
    assert ticket_estimate(tickets[4]).ahead == 4 and ticket_estimate(tickets[4]).minutes == 12
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    clock.shift(20 * 60)
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    assert service_minutes(office_a, Stage.VERIFICATION) == pytest.approx(20)
    estimate = ticket_estimate(tickets[4])
    assert (estimate.ahead, estimate.minutes) == (3, 30)
    assert ticket_estimate(tickets[0]).minutes == 0


def test_no_estimate_when_no_counter_serves_the_stage(office_a: Office, clock: Any) -> None:
    ticket = issue(office_a)
    assert ticket_estimate(ticket).minutes is None


def test_yesterdays_events_do_not_count(office_a: Office, counter_officer_a: User) -> None:
    desk = counter(office_a, 1)
    with time_machine.travel(at_local(8, 0, NOW.date() - dt.timedelta(days=1)), tick=False) as clock:
        issue(office_a)
        calls.counter_call_next(counter=desk, by=counter_officer_a)
        clock.shift(3600)
        calls.ticket_finish(counter=desk, by=counter_officer_a)
    with time_machine.travel(NOW, tick=False):
        assert service_minutes(office_a, Stage.VERIFICATION) == 6


def test_finishing_a_pickup_marks_the_passport_collected(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    booking = booked(office_a, status=BookingStatus.COMPLETED, stage=DossierStage.READY_FOR_PICKUP)
    desk = counter(office_a, 5, Stage.PICKUP)
    ticket_issue(office=office_a, by=None, person=booking.person, stage=Stage.PICKUP)
    called = calls.counter_call_next(counter=desk, by=counter_officer_a)
    assert called is not None and called.display == "C001"
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    booking.application.refresh_from_db()
    assert booking.application.stage == DossierStage.COLLECTED


def test_a_counter_sends_a_ticket_to_a_chosen_stage_and_back_without_moving_the_dossier(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    verify, photo = counter(office_a, 1), counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    ticket = issue(office_a)
    calls.counter_call_next(counter=verify, by=counter_officer_a)
    with pytest.raises(Conflict, match="sudah di tahap"):
        calls.ticket_transfer(counter=verify, by=counter_officer_a, to_stage=Stage.VERIFICATION)
    with pytest.raises(DomainError, match="Tahap tidak dikenal"):
        calls.ticket_transfer(counter=verify, by=counter_officer_a, to_stage="visa")
    calls.ticket_transfer(counter=verify, by=counter_officer_a, to_stage=Stage.PHOTO_INTERVIEW)
    assert ticket.booking is not None
    application = ticket.booking.application.__class__.objects.get(pk=ticket.booking.application.pk)
    assert application.stage == DossierStage.DOCUMENTS_VERIFIED  # the next stage: as the T button
    calls.counter_call_next(counter=photo, by=counter_officer_a)
    back = calls.ticket_transfer(counter=photo, by=counter_officer_a, to_stage=Stage.VERIFICATION)
    assert (back.stage, back.status, back.queued_at) == (Stage.VERIFICATION, TicketStatus.WAITING, ticket.queued_at)
    application.refresh_from_db()
    assert application.stage == DossierStage.DOCUMENTS_VERIFIED  # sent back: the dossier stays
