"""The waiting room: join, the shuffle at the release instant, admission with passes, the end.

Timeline of one office day's release (times from the office's release rule):

    join_from (opens_at - LOKET_RELEASE_JOIN_MINUTES)   the room opens; the day is gated
    opens_at                                            the worker draws the seed and ranks
                                                        everyone who joined before it
    then, every tick                                    admit as many as the seats left allow
                                                        (x LOKET_RELEASE_ADMIT_FACTOR); each
                                                        admitted account gets a pass valid
                                                        LOKET_RELEASE_PASS_MINUTES
    empty room or full day                              the room closes, the gate ends

Several workers may run rooms_tick at once: each room is handled under its row lock
(SELECT ... FOR UPDATE SKIP LOCKED), and every state change is a conditional UPDATE.
"""

import datetime as dt
import hashlib
import math
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person, Relation, User
from loket.booking.models import Booking
from loket.booking.passes import gate_end, gate_open
from loket.booking.selectors import day_plans, release_instant, released_until
from loket.core.errors import Conflict, DomainError
from loket.core.ratelimit import hit
from loket.notify.events import notify
from loket.offices.models import Office
from loket.release.models import Entry, JoinChannel, Room, RoomState
from loket.release.pow import solution_check
from loket.release.refs import entry_ref
from loket.release.selectors import next_release
from loket.release.signals import entry_admitted

# Joining is rare for a person (once per release); a script retrying is slowed down.
JOINS_PER_MINUTE = 10
# Households and offices share addresses (and mobile carriers put many phones behind one).
JOINS_PER_MINUTE_PER_ADDRESS = 120


def join_window(office: Office, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(join_from, opens_at) of the day's release."""
    opens_at = release_instant(office, day)
    return opens_at - dt.timedelta(minutes=settings.LOKET_RELEASE_JOIN_MINUTES), opens_at


def room_open(*, office: Office, day: dt.date) -> Room:
    """The day's room, created with its gate when its join window has begun (idempotent)."""
    join_from, opens_at = join_window(office, day)
    room, created = Room.objects.get_or_create(
        office=office, date=day, defaults={"opens_at": opens_at, "join_from": join_from}
    )
    if created:
        gate_open(office=office, day=day)
    return room


def _room_to_join(office: Office, day: dt.date, now: dt.datetime) -> Room:
    room = Room.objects.filter(office=office, date=day).first()
    if room is None:
        join_from, _opens_at = join_window(office, day)
        released = day <= released_until(office, now.astimezone(office.zone))
        if released or not settings.LOKET_RELEASE_WAITING_ROOM:
            raise Conflict("no_release", _("Hari ini tidak sedang dirilis: pesan langsung."), field="date")
        if now < join_from:
            raise Conflict(
                "too_early",
                _("Ruang tunggu untuk hari ini belum dibuka."),
                field="date",
                join_from=join_from.isoformat(),
            )
        upcoming = next_release(office, now_local=now.astimezone(office.zone))
        if upcoming is None or upcoming.date != day:
            raise Conflict("no_release", _("Hari ini tidak sedang dirilis: pesan langsung."), field="date")
        room = room_open(office=office, day=day)
    if room.state == RoomState.CLOSED:
        raise Conflict("release_over", _("Rilis hari ini sudah selesai: pesan langsung jika masih ada kursi."))
    return room


def room_join(
    *,
    user: User,
    office: Office,
    day: dt.date,
    proof: str | None,
    ip: str | None = None,
    channel: str = JoinChannel.WEB,
) -> tuple[Entry, bool]:
    """Join the day's waiting room with a solved proof of work (pow.py), from the web or the API.
    Joining again returns the same entry, without a new proof: (entry, created). Rate limited
    per account, per NIK and per client address."""
    if not user.has_verified_email:
        raise DomainError("not_verified", _("Verifikasi email Anda terlebih dahulu."), status=403)
    return _join(
        user=user,
        office=office,
        day=day,
        ip=ip,
        channel=channel,
        proof_check=lambda: solution_check(proof, office=office, day=day),
    )


def room_join_by_text(*, user: User, office: Office, day: dt.date, channel: str) -> tuple[Entry, bool]:
    """Join by SMS or WhatsApp, from the account's verified number, without a proof of work: a
    basic phone cannot compute one. The cost for a script is what it is on the web besides the
    proof: a verified phone number per account (a number acts for one account), one entry per
    account and per NIK, and the same per-account and per-NIK limits."""
    if not user.has_verified_phone:
        raise DomainError("not_verified", _("Nomor HP akun ini belum terverifikasi."), status=403)
    return _join(user=user, office=office, day=day, ip=None, channel=channel, proof_check=None)


def _join(
    *,
    user: User,
    office: Office,
    day: dt.date,
    ip: str | None,
    channel: str,
    proof_check: Callable[[], None] | None,
) -> tuple[Entry, bool]:
    holder = Person.objects.filter(account=user, relation=Relation.SELF).first()
    if holder is None:
        raise DomainError("no_holder", _("Akun ini tidak memiliki data pemohon (NIK)."))
    hit(scope="release-join-account", key=str(user.pk), limit=JOINS_PER_MINUTE, window_seconds=60)
    hit(scope="release-join-nik", key=str(holder.pk), limit=JOINS_PER_MINUTE, window_seconds=60)
    if ip:
        hit(scope="release-join-ip", key=ip, limit=JOINS_PER_MINUTE_PER_ADDRESS, window_seconds=60)
    room = _room_to_join(office, day, timezone.now())
    mine = Entry.objects.filter(room=room, account=user).first()
    if mine is not None:
        return mine, False
    if proof_check is not None:
        proof_check()
    if pause := getattr(settings, "LOKET_RELEASE_JOIN_PAUSE_FOR_TESTS", 0):
        # Test settings only: twin requests both pass the check above before either inserts.
        time.sleep(pause)
    ticket = secrets.token_urlsafe(16)
    try:
        with transaction.atomic():
            return (
                Entry.objects.create(
                    room=room,
                    account=user,
                    person=holder,
                    ticket=ticket,
                    ref=entry_ref(ticket),
                    client_ip=ip,
                    channel=channel,
                ),
                True,
            )
    except IntegrityError:
        mine = Entry.objects.filter(room=room, account=user).first()
        if mine is not None and not getattr(settings, "LOKET_UNSAFE_JOIN_TWIN_FOR_TESTS", False):
            return mine, False  # our own twin request joined first
        raise Conflict(
            "already_waiting", _("NIK ini sudah menunggu di ruang tunggu ini lewat akun lain."), field="nik"
        ) from None


def shuffle_order(seed: str, refs: list[str]) -> list[str]:
    """The entries' public references in the order the seed draws: ascending by the hex of
    sha256(seed + ":" + ref). Published with the seed (loket/release/draw.py)."""
    return sorted(refs, key=lambda ref: hashlib.sha256(f"{seed}:{ref}".encode()).hexdigest())


def room_shuffle(room: Room) -> bool:
    """Draw the seed and rank everyone who joined before the release instant (once).

    The ranks are written in the same transaction as the seed; the published order is read
    from them, so an audit that recomputes it from the seed checks what was recorded."""
    seed = secrets.token_hex(32)
    with transaction.atomic():
        if (
            Room.objects.filter(pk=room.pk, state=RoomState.WAITING).update(
                state=RoomState.ADMITTING, seed=seed, shuffled_at=timezone.now()
            )
            != 1
        ):
            return False
        early = dict(Entry.objects.filter(room=room, joined_at__lt=room.opens_at).values_list("ref", "id"))
        ranked = [Entry(id=early[ref], rank=rank) for rank, ref in enumerate(shuffle_order(seed, list(early)), 1)]
        Entry.objects.bulk_update(ranked, ["rank"], batch_size=500)
    return True


def waiting_order(room: Room) -> QuerySet[Entry]:
    """Entries not admitted yet, in admission order: the drawn ranks, then late joiners by arrival."""
    return Entry.objects.filter(room=room, admitted_at__isnull=True).order_by(
        F("rank").asc(nulls_last=True), "joined_at", "id"
    )


def seats_left(room: Room) -> int:
    plan = day_plans(room.office, room.date, 1)[0]
    return sum(w.remaining for w in plan.windows) if plan.open else 0


def passes_active(room: Room, now: dt.datetime) -> int:
    """Passes handed out, not expired and not used yet."""
    used = Booking.objects.filter(release_pass=OuterRef("pass_id"))
    return (
        Entry.objects.filter(room=room, admitted_at__isnull=False, pass_expires_at__gt=now)
        .filter(~Exists(used))
        .count()
    )


def room_admit(room: Room, *, now: dt.datetime | None = None) -> int:
    """Admit the next people as the seats left allow; close the room when it is done.

    Returns how many were admitted. The caller holds the room's row lock.
    """
    now = now or timezone.now()
    free = seats_left(room)
    active = passes_active(room, now)
    waiting = waiting_order(room)
    if free <= 0 or (active == 0 and not waiting.exists()):
        room_close(room)
        return 0
    want = math.ceil(free * settings.LOKET_RELEASE_ADMIT_FACTOR) - active
    if want <= 0:
        return 0
    unsafe = getattr(settings, "LOKET_UNSAFE_ADMIT_FOR_TESTS", None)
    if unsafe is not None:
        # Test settings only (no row lock, see rooms_tick): a callable that holds this worker
        # between counting the open passes and picking people, e.g. until another has committed.
        unsafe()
    expires = now + dt.timedelta(minutes=settings.LOKET_RELEASE_PASS_MINUTES)
    admitted = 0
    for entry in list(waiting.select_related("account")[:want]):
        if Entry.objects.filter(pk=entry.pk, admitted_at__isnull=True).update(
            admitted_at=now, pass_id=secrets.token_hex(16), pass_expires_at=expires
        ):
            admitted += 1
            _tell_admitted(entry, room, expires)
    return admitted


def _tell_admitted(entry: Entry, room: Room, expires: dt.datetime) -> None:
    """The admitted person is told on the channels they chose (the outbox, same transaction);
    one who joined by text first on that channel, in the words of the text conversation."""
    office = room.office
    entry.room = room
    entry_admitted.send(sender=Entry, entry=entry, expires=expires)
    notify(
        event="release_admitted",
        user=entry.account,
        key=f"release:{entry.pk}:admitted",
        context={
            "office": office.name,
            "date": room.date.isoformat(),
            "until": f"{expires.astimezone(office.zone):%H:%M}",
            "zone": office.zone_abbreviation,
            "link": f"{settings.LOKET_BASE_URL}/ruang-tunggu/{entry.ticket}/",
        },
    )


def room_close(room: Room) -> bool:
    """The release is over: the day is booked like any other again."""
    closed = (
        Room.objects.filter(pk=room.pk)
        .exclude(state=RoomState.CLOSED)
        .update(state=RoomState.CLOSED, closed_at=timezone.now())
    )
    gate_end(office=room.office, day=room.date)
    return closed == 1


def rooms_open_due(*, now: dt.datetime | None = None) -> int:
    """Open the rooms (and gates) of every office's next release whose join window has begun."""
    if not settings.LOKET_RELEASE_WAITING_ROOM:
        return 0
    now = now or timezone.now()
    opened = 0
    for office in Office.objects.filter(online_booking=True):
        upcoming = next_release(office, now_local=now.astimezone(office.zone))
        if upcoming is None:
            continue
        join_from, _opens_at = join_window(office, upcoming.date)
        if join_from <= now and not Room.objects.filter(office=office, date=upcoming.date).exists():
            room_open(office=office, day=upcoming.date)
            opened += 1
    return opened


def rooms_tick(*, now: dt.datetime | None = None) -> int:
    """One round of the worker: shuffle the rooms whose release instant has come, admit in the
    others, close the finished ones. Returns how many people were admitted."""
    now = now or timezone.now()
    admitted = 0
    due = Room.objects.filter(state__in=[RoomState.WAITING, RoomState.ADMITTING], opens_at__lte=now)
    for room_id in list(due.values_list("id", flat=True)):
        with transaction.atomic():
            rooms = Room.objects.select_related("office").filter(pk=room_id)
            if not getattr(settings, "LOKET_UNSAFE_ADMIT_FOR_TESTS", False):
                rooms = rooms.select_for_update(skip_locked=True, of=("self",))
            room = rooms.first()
            if room is None or room.state == RoomState.CLOSED:
                continue  # another worker has it, or closed it
            if room.state == RoomState.WAITING:
                room_shuffle(room)
                room.refresh_from_db()
            admitted += room_admit(room, now=now)
    return admitted
