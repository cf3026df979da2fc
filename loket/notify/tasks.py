"""Worker tasks. They take primary keys, never objects."""

import logging

from django.core.mail import send_mail
from django.utils import timezone

from loket.notify.models import Channel, Message, MessageStatus

log = logging.getLogger(__name__)


def message_deliver(message_id: int) -> None:
    # Claim the message with a conditional UPDATE so two workers never send it twice.
    claimed = Message.objects.filter(pk=message_id, status__in=[MessageStatus.PENDING, MessageStatus.FAILED]).update(
        status=MessageStatus.SENDING
    )
    if claimed != 1:
        return
    message = Message.objects.get(pk=message_id)
    try:
        if message.channel != Channel.EMAIL:
            raise NotImplementedError(f"no gateway configured for {message.channel}")
        send_mail(message.subject, message.body, None, [message.recipient])
    except Exception as error:
        Message.objects.filter(pk=message_id).update(
            status=MessageStatus.FAILED, attempts=message.attempts + 1, last_error=str(error)[:2000]
        )
        log.warning("message %s failed: %s", message_id, error)
        raise  # the queue retries with its own backoff
    Message.objects.filter(pk=message_id).update(
        status=MessageStatus.SENT, attempts=message.attempts + 1, sent_at=timezone.now()
    )
