"""Worker tasks. They take primary keys, never objects.

Periodic jobs (django-q schedules created by migrations 0003): `messages_retry` every
minute, `visit_reminders_send` every 15 minutes.
"""

import logging

from django.utils import timezone

from loket.notify import reminders, services
from loket.notify.gateways import sender_for
from loket.notify.models import MessageStatus
from loket.notify.selectors import messages_due_for_retry, messages_never_enqueued

log = logging.getLogger(__name__)

RETRY_BATCH = 500  # per minute: a backlog drains over a few runs instead of flooding the queue


def message_deliver(message_id: int) -> str:
    """One delivery attempt. Returns the message's new status ("" when it was not ours to send).

    A failure does not raise: it is recorded on the message (attempts, last_error,
    next_attempt_at) and the retry job re-queues it when its backoff has passed.
    """
    message = services.message_claim(message_id=message_id, now=timezone.now())
    if message is None:
        return ""  # already sent, being sent by another worker, or not due yet
    try:
        sender_for(message.channel).send(
            to=message.recipient,
            subject=message.subject,
            text=message.body,
            idempotency_key=f"loket-{message.pk}.{message.created_at:%Y%m%d%H%M%S}",
        )
    except Exception as error:  # any failure of any channel is retried the same way
        status = services.message_failed(message=message, error=f"{type(error).__name__}: {error}", now=timezone.now())
        log.warning("message %s (%s) attempt %s failed: %s", message.pk, message.channel, message.attempts, error)
        return status
    services.message_sent(message=message, now=timezone.now())
    return MessageStatus.SENT


def messages_retry() -> int:
    """Every minute: take back messages of dead workers, re-queue the due retries, give up on the spent,
    and blank the secret codes that have outlived their use."""
    now = timezone.now()
    services.messages_recover_stuck(now=now)
    services.messages_give_up_exhausted()
    services.messages_redact_secrets(now=now)
    ids = list(messages_due_for_retry(now=now).values_list("pk", flat=True)[:RETRY_BATCH])
    ids += list(messages_never_enqueued(now=now).values_list("pk", flat=True)[:RETRY_BATCH])
    for message_id in ids:
        services.message_enqueue(message_id=message_id)
    return len(ids)


def visit_reminders_send() -> int:
    return reminders.visit_reminders_send(now=timezone.now())
