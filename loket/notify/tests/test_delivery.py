"""The outbox: sent after commit, once per event and channel, retried with backoff, then given up."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from loket.accounts.models import User
from loket.notify import tasks
from loket.notify.events import notify
from loket.notify.models import Message, MessageStatus
from loket.notify.services import message_queue, messages_retry_now, retry_delay
from loket.notify.tests.conftest import closed_port

T0 = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def smtp_down(settings: Any) -> None:
    """Mail goes to a real SMTP backend whose server is down."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2


def smtp_back_up(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def expired(user: User, capture: Any, key: str = "booking:1:expired") -> None:
    with capture(execute=True):
        notify(event="booking_expired", user=user, key=key, context={"code": "AB12CD34"})


def test_message_leaves_by_email_after_commit(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(event="booking_expired", user=applicant, key="booking:1:expired", context={"code": "AB12CD34"})
    assert mail.outbox == []  # still inside the (test) transaction: nothing left
    assert Message.objects.get().status == MessageStatus.PENDING
    for callback in callbacks:
        callback()
    message = Message.objects.get()
    assert (message.status, message.attempts, message.event_key) == (
        MessageStatus.SENT,
        1,
        "booking:1:expired:email",
    )
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]
    assert "AB12CD34" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<loket-{message.pk}.")


def test_a_rolled_back_event_sends_nothing(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(event="booking_expired", user=applicant, key="booking:1:expired", context={"code": "AB12CD34"})
        raise RuntimeError("the booking failed after all")
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_the_same_event_key_twice_sends_one_message(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    expired(applicant, django_capture_on_commit_callbacks)
    expired(applicant, django_capture_on_commit_callbacks)
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_replayed_delivery_task_does_not_resend(applicant: User, django_capture_on_commit_callbacks: Any) -> None:
    expired(applicant, django_capture_on_commit_callbacks)
    message = Message.objects.get()
    assert tasks.message_deliver(message.pk) == ""
    assert tasks.messages_retry() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, len(mail.outbox)) == (MessageStatus.SENT, 1, 1)


def test_backoff_doubles_up_to_the_cap(settings: Any) -> None:
    settings.LOKET_NOTIFY_RETRY_BASE_SECONDS = 60
    settings.LOKET_NOTIFY_RETRY_MAX_SECONDS = 600
    assert [retry_delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


@pytest.mark.usefixtures("smtp_down")
def test_failed_attempt_is_recorded_and_retried_after_its_backoff(
    applicant: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        expired(applicant, django_capture_on_commit_callbacks)
        message = Message.objects.get()
        assert (message.status, message.attempts) == (MessageStatus.RETRY, 1)
        assert message.next_attempt_at == T0 + dt.timedelta(seconds=60)
        assert "ConnectionRefusedError" in message.last_error

        traveller.shift(dt.timedelta(seconds=59))
        assert tasks.messages_retry() == 0  # not due yet
        assert tasks.message_deliver(message.pk) == ""  # an early replay does not jump the backoff

        traveller.shift(dt.timedelta(seconds=1))
        assert tasks.messages_retry() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.RETRY, 2)
        assert message.next_attempt_at == T0 + dt.timedelta(seconds=60 + 120)

        smtp_back_up(settings)
        traveller.shift(dt.timedelta(seconds=120))
        tasks.messages_retry()
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
        assert len(mail.outbox) == 1


@pytest.mark.usefixtures("smtp_down")
def test_gives_up_after_the_last_attempt(
    applicant: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LOKET_NOTIFY_MAX_ATTEMPTS = 3
    with time_machine.travel(T0, tick=False) as traveller:
        expired(applicant, django_capture_on_commit_callbacks)
        for _attempt in range(5):
            traveller.shift(dt.timedelta(hours=1))
            tasks.messages_retry()
        message = Message.objects.get()
        assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.FAILED, 3, None)
        assert "ConnectionRefusedError" in message.last_error

        # Staff fix the mail server and give the message a fresh set of attempts from the admin.
        smtp_back_up(settings)
        assert messages_retry_now(message_ids=[message.pk]) == 1
        tasks.messages_retry()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


def test_lowering_the_limit_gives_up_on_messages_waiting_for_a_retry(applicant: User, settings: Any) -> None:
    message = Message.objects.create(
        recipient=applicant.email, subject="s", body="b", status=MessageStatus.RETRY, attempts=4, next_attempt_at=T0
    )
    settings.LOKET_NOTIFY_MAX_ATTEMPTS = 4
    tasks.messages_retry()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert mail.outbox == []


def test_a_worker_that_died_mid_send_is_taken_over_after_the_timeout(applicant: User, settings: Any) -> None:
    # At least once: the dead worker may or may not have handed the mail over; we send it again
    # with the same Message-ID so a mail client can recognise a duplicate.
    settings.LOKET_NOTIFY_SENDING_TIMEOUT_SECONDS = 300
    with time_machine.travel(T0, tick=False) as traveller:
        message = Message.objects.create(
            recipient=applicant.email, subject="s", body="b", status=MessageStatus.SENDING, attempts=1, claimed_at=T0
        )
        traveller.shift(dt.timedelta(seconds=299))
        tasks.messages_retry()
        message.refresh_from_db()
        assert message.status == MessageStatus.SENDING  # maybe just slow: leave it

        traveller.shift(dt.timedelta(seconds=2))
        tasks.messages_retry()
        message.refresh_from_db()
        assert (message.status, message.attempts, len(mail.outbox)) == (MessageStatus.SENT, 2, 1)


def test_a_stuck_message_on_its_last_attempt_fails_for_good(applicant: User, settings: Any) -> None:
    settings.LOKET_NOTIFY_MAX_ATTEMPTS = 2
    message = Message.objects.create(
        recipient=applicant.email,
        subject="s",
        body="b",
        status=MessageStatus.SENDING,
        attempts=2,
        claimed_at=T0,
    )
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        tasks.messages_retry()
    message.refresh_from_db()
    assert (message.status, mail.outbox) == (MessageStatus.FAILED, [])
    assert "interrupted" in message.last_error


def test_a_message_whose_enqueue_was_lost_is_picked_up(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        # The process died between the commit and the hand-over to the queue.
        with django_capture_on_commit_callbacks(execute=False):
            message_queue(recipient=applicant.email, subject="s", body="b", event_key="lost:email")
        traveller.shift(dt.timedelta(minutes=6))
        tasks.messages_retry()
    message = Message.objects.get()
    assert (message.status, len(mail.outbox)) == (MessageStatus.SENT, 1)


def test_a_key_too_long_for_the_column_still_sends_once(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    key = "payment:" + "x" * 200
    expired(applicant, django_capture_on_commit_callbacks, key=key)
    expired(applicant, django_capture_on_commit_callbacks, key=key)
    assert Message.objects.get().event_key.startswith("sha256:")
    assert len(mail.outbox) == 1
