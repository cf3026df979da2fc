"""Writes for notifications: queue messages in the outbox, record attempts, set channels.

A message is queued inside the caller's transaction and handed to the worker only after
that transaction commits, so a rolled-back booking never sends "confirmed".
"""

import datetime as dt

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.core.db import insert_row_unless_exists
from loket.core.errors import DomainError
from loket.core.tasks import task_enqueue
from loket.notify.models import Channel, Message, MessageStatus, NotificationPreference

SUBJECT_MAX = 200  # Message.subject


def message_queue(
    *,
    recipient: str,
    subject: str,
    body: str,
    channel: str = Channel.EMAIL,
    event_key: str | None = None,
    redact_after: dt.datetime | None = None,
) -> Message | None:
    """Record a message and hand its id to the worker once the surrounding transaction commits.

    Returns None when a message for `event_key` was already queued (a replayed event).
    """
    message = insert_row_unless_exists(
        Message(
            channel=channel,
            recipient=recipient,
            # A long office or person name must not fail the caller's transaction on PostgreSQL.
            subject=subject[:SUBJECT_MAX],
            body=body,
            event_key=event_key,
            redact_after=redact_after,
        ),
        conflict_on=["event_key"],  # a key without a value (None) never conflicts
    )
    if message is None:
        return None
    # Bound to the caller's transaction: no message goes out for a booking that rolled back.
    task_enqueue(DELIVER, message.pk, task_name=f"deliver-{message.pk}", ack_failure=True)
    return message


# Queued with ack_failure: a task that raised is not redelivered by the queue itself; our
# retry job owns the retries (with backoff and a limit), so the two never pile up.
DELIVER = "loket.notify.tasks.message_deliver"


def message_enqueue(*, message_id: int) -> None:
    """Hand an already saved message to the worker again (the retry job).

    Enqueuing one twice is harmless: delivery claims it first.
    """
    from django_q.tasks import async_task

    async_task(DELIVER, message_id, task_name=f"deliver-{message_id}", ack_failure=True)


def message_claim(*, message_id: int, now: dt.datetime) -> Message | None:
    """Take a message for one delivery attempt, or None when it is not ours to send.

    One conditional UPDATE: of two workers holding the same id (a re-queued task, a replay),
    exactly one changes the row. The attempt is counted here, before sending, so a worker
    that dies mid-send still used up an attempt.
    """
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = (
        Message.objects.filter(due, pk=message_id, status__in=[MessageStatus.PENDING, MessageStatus.RETRY])
        .filter(attempts__lt=settings.LOKET_NOTIFY_MAX_ATTEMPTS)
        .update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return None
    return Message.objects.get(pk=message_id)


def message_sent(*, message: Message, now: dt.datetime) -> None:
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at).update(
        status=MessageStatus.SENT, sent_at=now, next_attempt_at=None, last_error=""
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base… capped at LOKET_NOTIFY_RETRY_MAX_SECONDS."""
    seconds = settings.LOKET_NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.LOKET_NOTIFY_RETRY_MAX_SECONDS))


def message_failed(*, message: Message, error: str, now: dt.datetime) -> str:
    """Record a failed attempt: retry later with backoff, or give up after the last attempt."""
    if message.attempts >= settings.LOKET_NOTIFY_MAX_ATTEMPTS:
        status, next_attempt_at = MessageStatus.FAILED, None
    else:
        status, next_attempt_at = MessageStatus.RETRY, now + retry_delay(message.attempts)
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at).update(
        status=status, next_attempt_at=next_attempt_at, last_error=error[:2000]
    )
    return status


def messages_recover_stuck(*, now: dt.datetime) -> int:
    """Take back messages whose worker died mid-send (still "sending" after the timeout).

    This is the at-least-once edge: the dead worker may have handed the message to the mail
    server or gateway before dying, and we cannot know. Retrying it may deliver it twice;
    the stable Message-ID / Idempotency-Key let the channel drop that duplicate if it can.
    """
    stale = now - dt.timedelta(seconds=settings.LOKET_NOTIFY_SENDING_TIMEOUT_SECONDS)
    stuck = Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=stale)
    interrupted = "interrupted: the worker stopped while sending"
    given_up = stuck.filter(attempts__gte=settings.LOKET_NOTIFY_MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED, next_attempt_at=None, last_error=interrupted
    )
    retried = stuck.update(status=MessageStatus.RETRY, next_attempt_at=now, last_error=interrupted)
    return given_up + retried


REDACTED = "[dihapus: pesan ini berisi kode rahasia]"


def messages_redact_secrets(*, now: dt.datetime) -> int:
    """Blank the text of secret-carrying messages that are due and no longer in delivery.

    The code inside has expired by then; keeping it would only let whoever reads the
    outbox (an admin, a database dump) take over the account.
    """
    due = Message.objects.filter(redact_after__lte=now).exclude(
        status__in=[MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.RETRY]
    )
    return due.update(subject=REDACTED, body=REDACTED, redact_after=None)


def messages_give_up_exhausted() -> int:
    """Messages waiting for a retry they may no longer have (LOKET_NOTIFY_MAX_ATTEMPTS was lowered)."""
    return Message.objects.filter(status=MessageStatus.RETRY, attempts__gte=settings.LOKET_NOTIFY_MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED, next_attempt_at=None
    )


def preference_update(*, user: User, email: bool, sms: bool, whatsapp: bool) -> NotificationPreference:
    """Set the channels `user` is told on. At least one; SMS and WhatsApp need a phone number."""
    if not (email or sms or whatsapp):
        raise DomainError("no_channel", _("Pilih setidaknya satu saluran notifikasi."), field="email")
    if (sms or whatsapp) and not user.phone:
        raise DomainError(
            "no_phone", _("Tambahkan nomor HP untuk menerima SMS atau WhatsApp."), field="sms" if sms else "whatsapp"
        )
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "whatsapp": whatsapp}
    )
    return preference


def messages_retry_now(*, message_ids: list[int]) -> int:
    """Staff give messages that failed for good a fresh set of attempts (e.g. after fixing a gateway)."""
    return Message.objects.filter(pk__in=message_ids, status=MessageStatus.FAILED).update(
        status=MessageStatus.RETRY, attempts=0, next_attempt_at=timezone.now()
    )
