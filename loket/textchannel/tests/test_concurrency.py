"""One number racing itself, with real parallel requests against a live server, on PostgreSQL.

The control test switches the conditional claim of the open question off (test settings
only) and shows that the "YA"s then really all run the booking at once.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from loket.accounts.models import Person, Relation, User
from loket.booking.models import Booking
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.booking.tests.test_concurrency import all_at_once, assert_counts_exact
from loket.notify.models import Message
from loket.offices.models import Office
from loket.release.models import Entry
from loket.release.room import room_open
from loket.textchannel.models import Conversation, InboundMessage
from loket.textchannel.tests.conftest import SMS_SECRET, inbound_body, signed_headers

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("ordinary_morning"),  # a release ten minutes from now, never across midnight
]

NUMBER = "+6281299990001"


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")


def text_account() -> User:
    user = User.objects.create_user(
        "6281299990001@sms.loket.invalid", None, full_name="Ani Lestari", phone=NUMBER, phone_verified_at=timezone.now()
    )
    Person.objects.create(
        account=user, relation=Relation.SELF, full_name=user.full_name, nik="1671014508900002",
        birth_date=dt.date(1990, 8, 5), sex="F",
    )  # fmt: skip
    return user


def sender(base: str, text: str, message_id: str | None = None) -> Callable[[httpx.Client], httpx.Response]:
    body = inbound_body(NUMBER, text, message_id)
    url = f"{base}/api/v1/channels/sms/inbound"

    def send(client: httpx.Client) -> httpx.Response:
        headers = {"Content-Type": "application/json", **signed_headers(body, secret=SMS_SECRET)}
        return client.post(url, content=body, headers=headers)

    return send


def reply_texts(responses: list[httpx.Response]) -> list[str]:
    assert all(r.status_code == 200 for r in responses), [r.content for r in responses]
    return [Message.objects.get(pk=r.json()["reply"]).body for r in responses]


def ask_to_book(base: str, code: str) -> None:
    make_office(code, capacity=20)
    text_account()
    day = open_day_ahead()
    with httpx.Client(timeout=30) as client:
        question = sender(base, f"PESAN {code} {day.day}/{day.month}/{day.year} 8")(client)
    assert "YA" in Message.objects.get(pk=question.json()["reply"]).body


def test_six_yes_at_once_make_one_booking_and_one_confirmation(live_server: Any) -> None:
    ask_to_book(live_server.url, "RACE")
    replies = reply_texts(all_at_once([sender(live_server.url, "YA") for _ in range(6)]))
    booked = [r for r in replies if r.startswith("Terpesan")]
    assert len(booked) == 1, replies
    assert sum("Tidak ada yang menunggu jawaban YA" in r for r in replies) == 5
    booking = Booking.objects.get()
    assert booking.code in booked[0]
    assert_counts_exact(booking.office)


def test_two_whole_conversations_of_one_number_at_once_make_one_booking(live_server: Any) -> None:
    """Two phones on the same number (or a person and their twin tapping away) each send
    PESAN then YA, step by step at the same moments, for two different windows."""
    make_office("TWIN", capacity=20)
    text_account()
    day = open_day_ahead()
    asks = [sender(live_server.url, f"PESAN TWIN {day.day}/{day.month}/{day.year} {hour}") for hour in (8, 9)]
    reply_texts(all_at_once(asks))
    replies = reply_texts(all_at_once([sender(live_server.url, "YA") for _ in range(2)]))
    assert sum(r.startswith("Terpesan") for r in replies) == 1, replies
    assert Booking.objects.count() == 1
    assert_counts_exact(Booking.objects.get().office)


def test_one_gateway_message_delivered_five_times_at_once_is_answered_once(live_server: Any) -> None:
    ask_to_book(live_server.url, "DUPE")
    responses = all_at_once([sender(live_server.url, "YA", message_id="GW-SAME") for _ in range(5)])
    assert {r.status_code for r in responses} == {200}
    assert sorted(r.json()["duplicate"] for r in responses) == [False, True, True, True, True]
    assert len({r.json()["reply"] for r in responses}) == 1
    assert InboundMessage.objects.filter(gateway_id="GW-SAME").count() == 1
    assert Booking.objects.count() == 1


def test_control_without_the_conditional_claim_every_yes_runs_the_booking(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_TEXT_CONFIRM_FOR_TESTS = True
    ask_to_book(live_server.url, "CTRL")
    replies = reply_texts(all_at_once([sender(live_server.url, "YA") for _ in range(6)]))
    booked = [r for r in replies if r.startswith("Terpesan")]
    assert len(booked) > 1, "without the guard, several answers should take the same question"
    # The booking service's own guards (idempotency key, one active booking per person) still hold.
    assert Booking.objects.count() == 1


def queue_office(code: str) -> dt.date:
    """An office whose next day opens in ten minutes: its waiting room is open now."""
    office = make_office(code, capacity=5)
    now = dt.datetime.now(office.zone)
    office.release_time = (now + dt.timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    office.horizon_days = 10
    office.save()
    return now.date() + dt.timedelta(days=10)


def queue_race(live_server: Any, code: str) -> list[str]:
    """Two ANTRE of one number at once, each held between its "not joined yet?" check and its
    insert (LOKET_RELEASE_JOIN_PAUSE_FOR_TESTS) so that both pass the check."""
    day = queue_office(code)
    text_account()
    # Nothing else both would wait on: the conversation and the room exist already.
    Conversation.objects.create(phone=NUMBER, language="id")
    room_open(office=Office.objects.get(code=code), day=day)
    text = f"ANTRE {code} {day.day}/{day.month}"
    return reply_texts(all_at_once([sender(live_server.url, text) for _ in range(2)]))


def test_one_number_sending_antre_twice_at_once_gets_one_entry(live_server: Any, settings: Any) -> None:
    settings.LOKET_RELEASE_JOIN_PAUSE_FOR_TESTS = 0.5
    replies = queue_race(live_server, "QTWO")
    entry = Entry.objects.get()
    assert all(f"nomor undian {entry.ref}" in r for r in replies), replies


def test_control_without_taking_back_the_twins_entry_one_antre_is_refused(live_server: Any, settings: Any) -> None:
    settings.LOKET_RELEASE_JOIN_PAUSE_FOR_TESTS = 0.5
    settings.LOKET_UNSAFE_JOIN_TWIN_FOR_TESTS = True
    replies = queue_race(live_server, "QCTL")
    # Both really raced to the insert: the loser, not given back the twin's entry, is refused.
    assert sum("sudah menunggu di ruang tunggu ini" in r for r in replies) == 1, replies
    assert Entry.objects.count() == 1  # the unique (room, account) index holds either way
