"""A number's conversation state: one open question at a time, with a deadline."""

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F

from loket.accounts.models import User
from loket.textchannel.models import Conversation, Pending


@dataclass
class Turn:
    """One inbound message being answered: who writes, on which channel, as which account."""

    conversation: Conversation
    channel: str
    phone: str
    user: User | None
    now: dt.datetime


@dataclass(frozen=True)
class Reply:
    text: str
    secret: bool = False  # holds a verification code: blanked in the outbox after a day


def conversation_for(phone: str) -> tuple[Conversation, bool]:
    """The number's conversation, and whether it starts now."""
    return Conversation.objects.get_or_create(phone=phone)


def ask(turn: Turn, pending: str, data: dict[str, Any], *, minutes: int | None = None) -> None:
    """Open a question (replacing any other): the next "YA" (or code) answers this one only."""
    conversation = turn.conversation
    conversation.pending = pending
    conversation.data = data
    conversation.nonce = secrets.token_hex(8)
    conversation.attempts = 0
    conversation.expires_at = turn.now + dt.timedelta(minutes=minutes or settings.LOKET_TEXT_CONFIRM_MINUTES)
    conversation.save(update_fields=["pending", "data", "nonce", "attempts", "expires_at", "language", "updated_at"])


def open_question(turn: Turn, *kinds: str) -> bool:
    conversation = turn.conversation
    expires = conversation.expires_at
    return conversation.pending in kinds and expires is not None and expires > turn.now


def take(turn: Turn) -> tuple[str, dict[str, Any], str] | None:
    """Close the open question for its answer: (pending, data, nonce), or None when there is none.

    One conditional UPDATE on the question's nonce: of two "YA" sent at once, exactly one
    takes the question; the other finds nothing to confirm.
    """
    conversation = turn.conversation
    if not open_question(turn, Pending.BOOK, Pending.RESCHEDULE, Pending.CANCEL):
        return None
    question = (conversation.pending, dict(conversation.data), conversation.nonce)
    if getattr(settings, "LOKET_UNSAFE_TEXT_CONFIRM_FOR_TESTS", False):
        # Control test only: read-then-clear without the condition lets both answers through.
        Conversation.objects.filter(pk=conversation.pk).update(pending=Pending.NOTHING, data={}, nonce="")
        return question
    taken = Conversation.objects.filter(
        pk=conversation.pk, nonce=conversation.nonce, pending=conversation.pending, expires_at__gt=turn.now
    ).update(pending=Pending.NOTHING, data={}, nonce="")
    return question if taken == 1 else None


def forget(turn: Turn) -> bool:
    """Drop the open question; True when there was one."""
    had = open_question(turn, *[p for p in Pending.values if p])
    Conversation.objects.filter(pk=turn.conversation.pk).update(pending=Pending.NOTHING, data={}, nonce="")
    return had


def count_attempt(turn: Turn, limit: int) -> bool:
    """Count one code attempt before comparing (parallel guesses cannot pass the limit)."""
    return (
        Conversation.objects.filter(pk=turn.conversation.pk, pending=Pending.CODE, attempts__lt=limit).update(
            attempts=F("attempts") + 1
        )
        == 1
    )
