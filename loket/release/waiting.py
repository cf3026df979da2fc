"""What a waiting person sees: their state, position, an estimate, and their pass once admitted."""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from loket.booking.models import Booking
from loket.booking.passes import ReleasePass, pass_sign
from loket.release.models import Entry, Room, RoomState
from loket.release.room import seats_left


@dataclass(frozen=True)
class WaitingStatus:
    state: str  # "waiting", "admitted", "used", "expired" or "closed"
    position: int | None  # 1 = next; None before the draw (the order is drawn at opens_at)
    estimated_wait_s: int | None
    opens_at: dt.datetime
    release_pass: str | None
    pass_expires_at: dt.datetime | None


def _ahead(entry: Entry) -> int:
    waiting = Entry.objects.filter(room_id=entry.room_id, admitted_at__isnull=True)
    if entry.rank is not None:
        before = Q(rank__lt=entry.rank)
    else:
        before = Q(rank__isnull=False) | Q(rank__isnull=True, joined_at__lt=entry.joined_at)
        before |= Q(rank__isnull=True, joined_at=entry.joined_at, id__lt=entry.pk)
    return waiting.filter(before).count()


def _seats_left_cached(room: Room) -> int:
    """The seats left, for the estimate only: read at most every 2 s per room (a room of
    thousands polling would otherwise rebuild the day's plan on every poll)."""
    key = f"release-seats:{room.pk}"
    seats = cache.get(key)
    if seats is None:
        seats = seats_left(room)
        cache.set(key, seats, 2)
    return int(seats)


def waiting_status(entry: Entry, *, now: dt.datetime | None = None) -> WaitingStatus:
    now = now or timezone.now()
    room = entry.room

    def plain(state: str, position: int | None = None, wait: int | None = None) -> WaitingStatus:
        return WaitingStatus(state, position, wait, room.opens_at, None, None)

    if entry.admitted_at is not None:
        assert entry.pass_id is not None and entry.pass_expires_at is not None
        if Booking.objects.filter(release_pass=entry.pass_id).exists():
            return plain("used")
        if entry.pass_expires_at <= now:
            return plain("expired")
        token = pass_sign(
            ReleasePass(
                pass_id=entry.pass_id,
                office_id=room.office_id,
                date=room.date,
                user_id=entry.account_id,
                expires_at=entry.pass_expires_at,
            )
        )
        return WaitingStatus(
            state="admitted",
            position=0,
            estimated_wait_s=0,
            opens_at=room.opens_at,
            release_pass=token,
            pass_expires_at=entry.pass_expires_at,
        )
    if room.state == RoomState.CLOSED:
        return plain("closed")
    if room.state == RoomState.WAITING:
        until = max(0, math.ceil((room.opens_at - now).total_seconds()))
        return plain("waiting", wait=until)
    position = _ahead(entry) + 1
    # Each round admits about the seats left x the factor; a round lasts at most a pass's life.
    per_round = max(1, math.ceil(_seats_left_cached(room) * settings.LOKET_RELEASE_ADMIT_FACTOR))
    rounds = math.ceil(position / per_round)
    estimate = (rounds - 1) * settings.LOKET_RELEASE_PASS_MINUTES * 60
    return plain("waiting", position, estimate)


def pass_for(*, user_id: int, office_id: int, day: dt.date) -> str | None:
    """The account's valid, unused pass for that office day (the web's booking step uses it)."""
    entry = (
        Entry.objects.select_related("room")
        .filter(account_id=user_id, room__office_id=office_id, room__date=day, admitted_at__isnull=False)
        .first()
    )
    return waiting_status(entry).release_pass if entry else None
