""" "Your turn is near": opted in at check-in, told by SMS/WhatsApp near the front and when called."""

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.booking.models import Booking
from loket.core.errors import DomainError
from loket.notify.models import Message
from loket.offices.models import Office
from loket.onsite.lookup import checkin_case
from loket.onsite.models import QueuePolicy, Ticket
from loket.onsite.services import calls
from loket.onsite.services.checkin import checkin_issue
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, booked, counter


@pytest.fixture(autouse=True)
def _clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def turn_messages() -> Any:
    """The turn messages (a finished visit also tells the applicant about the application, by email)."""
    return Message.objects.filter(event_key__startswith="ticket:")


def check_in(booking: Booking, officer: User, notify: str = "") -> Ticket:
    return checkin_issue(
        case=checkin_case(booking), by=officer, ktp_confirmed=True, priority="", ip=None, notify=notify
    )


def test_an_opted_in_person_is_told_once_near_the_front_and_once_when_called(
    office_a: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    QueuePolicy.objects.create(office=office_a, turn_near_ahead=2)
    desk = counter(office_a, 4)
    ahead = [ticket_issue(office=office_a, by=None, booking=booked(office_a)) for _ in range(4)]
    mine = booked(office_a)
    mine.booked_by.language = "en"
    mine.booked_by.save()
    ticket = check_in(mine, checkin_officer_a, notify="whatsapp")
    assert (ticket.notify_channel, ticket.notify_to) == ("whatsapp", "6281234567801")
    assert not turn_messages().exists()  # four people ahead: not near yet
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    assert not turn_messages().exists()  # three ahead
    calls.counter_call_next(counter=desk, by=counter_officer_a)  # two ahead now
    near = turn_messages().get()
    assert (near.channel, near.recipient, near.event_key) == (
        "whatsapp",
        "6281234567801",
        f"ticket:{ticket.pk}:near:verification",
    )
    assert "2 people ahead of you" in near.body and ticket.display in near.body  # in the person's language
    for _ in range(2):
        calls.ticket_finish(counter=desk, by=counter_officer_a)
        calls.counter_call_next(counter=desk, by=counter_officer_a)
    assert turn_messages().count() == 1  # "near" once per stage
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    called = calls.counter_call_next(counter=desk, by=counter_officer_a)
    assert called is not None and called.pk == ticket.pk
    told = turn_messages().get(event_key=f"ticket:{ticket.pk}:called:verification")
    assert "called to counter 4" in told.body
    # Nobody who did not opt in got anything.
    assert not turn_messages().filter(event_key__in=[f"ticket:{t.pk}:called:verification" for t in ahead]).exists()


def test_a_person_already_near_the_front_is_told_at_check_in(office_a: Office, checkin_officer_a: User) -> None:
    ticket = check_in(booked(office_a), checkin_officer_a, notify="sms")
    message = turn_messages().get()
    assert (message.channel, message.recipient) == ("sms", "+6281234567801")
    assert "0 orang lagi di depan Anda" in message.body and ticket.display in message.body


def test_a_wrong_choice_or_no_phone_is_answered_next_to_the_field(office_a: Office, checkin_officer_a: User) -> None:
    with pytest.raises(DomainError) as wrong:
        check_in(booked(office_a), checkin_officer_a, notify="pigeon")
    assert wrong.value.field == "notify"
    silent = booked(office_a)
    User.objects.filter(pk=silent.booked_by_id).update(phone="")
    silent.refresh_from_db()
    with pytest.raises(DomainError, match="nomor HP") as no_phone:
        check_in(silent, checkin_officer_a, notify="sms")
    assert no_phone.value.field == "notify"
    assert not Ticket.objects.exists() and not turn_messages().exists()  # nothing issued half-way
    page = staff_client(checkin_officer_a).post(
        "/petugas/OFA/checkin/", {"code": silent.code, "action": "issue", "ktp": "on", "notify": "sms"}
    )
    assert page.status_code == 422 and 'id="notify-error"' in page.content.decode()
