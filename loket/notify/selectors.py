"""Reads for notifications: a person's channels, messages due for another attempt."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet

from loket.accounts.models import User
from loket.notify.models import Message, MessageStatus, NotificationPreference


def preference_for(user: User) -> NotificationPreference:
    """The person's saved choice, or the default (email only) without writing a row. Read with
    the account already (select_related, as the booking events are): no statement of its own."""
    related = User.notification_preference.related
    if related.is_cached(user):
        cached = related.get_cached_value(user)
        return cached if isinstance(cached, NotificationPreference) else NotificationPreference(user=user)
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def messages_due_for_retry(*, now: dt.datetime) -> QuerySet[Message]:
    return Message.objects.filter(
        status=MessageStatus.RETRY, next_attempt_at__lte=now, attempts__lt=settings.LOKET_NOTIFY_MAX_ATTEMPTS
    ).order_by("next_attempt_at")


def messages_never_enqueued(*, now: dt.datetime) -> QuerySet[Message]:
    """Pending messages older than the stuck timeout: their enqueue was lost (a crash right after commit)."""
    stale = now - dt.timedelta(seconds=settings.LOKET_NOTIFY_SENDING_TIMEOUT_SECONDS)
    return Message.objects.filter(status=MessageStatus.PENDING, created_at__lt=stale).order_by("created_at")
