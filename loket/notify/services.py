"""Queue messages in the outbox; the background worker delivers them after commit."""

from django.db import IntegrityError, transaction

from loket.notify.models import Channel, Message


def message_queue(
    *, recipient: str, subject: str, body: str, channel: str = Channel.EMAIL, event_key: str | None = None
) -> Message | None:
    """Record a message and hand its id to the worker once the surrounding transaction commits.

    Returns None when a message for `event_key` was already queued (a replayed event).
    """
    try:
        with transaction.atomic():
            message = Message.objects.create(
                channel=channel, recipient=recipient, subject=subject, body=body, event_key=event_key
            )
    except IntegrityError:
        if event_key and Message.objects.filter(event_key=event_key).exists():
            return None
        raise
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    from django_q.tasks import async_task

    async_task("loket.notify.tasks.message_deliver", message_id, task_name=f"deliver-{message_id}")
