"""Reads for the text conversation: offices by what people type, a day's windows, the household."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from loket.accounts.models import Person, User
from loket.accounts.selectors import holder_of, household_of
from loket.booking.codes import normalize_code
from loket.booking.models import ACTIVE_STATUSES, Booking
from loket.booking.selectors import DayPlan, bookings_of, day_plans
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.release.models import Entry, Room, RoomState
from loket.release.selectors import next_release
from loket.textchannel.parsing import Unreadable

OFFICES_LISTED = 5


def offices_matching(query: str) -> list[Office]:
    query = query.strip()[:60]
    if len(query) < 2:
        return []
    found = Office.objects.filter(
        Q(name__icontains=query) | Q(city__icontains=query) | Q(province__icontains=query) | Q(code__iexact=query)
    )
    return list(found.order_by("code")[:OFFICES_LISTED])


def office_named(word: str) -> Office:
    """The office a person means by a code ("PLB") or, when only one matches, a city or name ("palembang")."""
    word = word.strip()[:60]
    office = Office.objects.filter(code__iexact=word[:8]).first()
    if office is not None:
        return office
    candidates = list(Office.objects.filter(Q(city__iexact=word) | Q(name__icontains=word))[:2]) if word else []
    if len(word) >= 3 and len(candidates) == 1:
        return candidates[0]
    raise Unreadable(
        _("Kantor '%(word)s' tidak dikenal. Cari kodenya: KANTOR <nama kota>.") % {"word": word[:20] or "-"}
    )


def day_plan(office: Office, day: dt.date) -> DayPlan:
    return day_plans(office, day, 1)[0]


def days_with_room(office: Office, *, days: int = 3) -> list[DayPlan]:
    """The next `days` days with a free seat within the office's booking horizon."""
    today = office.local_today()
    plans = day_plans(office, today, office.horizon_days + 1)
    return [p for p in plans if p.has_room][:days]


def people_of(user: User) -> list[Person]:
    """The holder first, then the household in the order KELUARGA lists them (their numbers)."""
    holder = holder_of(user)
    return ([holder] if holder else []) + list(household_of(user))


def member_named(user: User, words: list[str]) -> Person:
    """The person to book for: nobody named → the holder; "2" → the second of KELUARGA; else a name."""
    text = " ".join(words).strip().lower()
    people = people_of(user)
    if not text or text in {"saya", "sendiri", "me", "myself"}:
        if not people:
            raise DomainError("no_holder", _("Akun ini tidak memiliki data pemohon (NIK)."))
        return people[0]
    members = people[1:]
    if text.isdigit():
        index = int(text)
        if 1 <= index <= len(members):
            return members[index - 1]
    else:
        named = [m for m in members if text in m.full_name.lower()]
        if len(named) == 1:
            return named[0]
    raise Unreadable(
        _("'%(text)s' tidak ada di keluarga akun Anda. Ketik KELUARGA untuk daftarnya.") % {"text": text[:20]}
    )


def active_bookings(user: User) -> list[Booking]:
    return list(bookings_of(user).filter(status__in=ACTIVE_STATUSES)[:5])


def active_booking(user: User, words: list[str]) -> Booking:
    """The active booking a code names; without a code, the only active one."""
    active = active_bookings(user)
    if words:
        code = normalize_code(words[0])[:8]
        found = list(bookings_of(user).filter(code=code)[:1])
        if not found:
            raise DomainError("not_found", _("Pemesanan %(code)s tidak ditemukan. Ketik CEK.") % {"code": code or "-"})
        if found[0].status not in ACTIVE_STATUSES:
            raise DomainError("not_active", _("Pemesanan %(code)s tidak aktif lagi.") % {"code": code})
        return found[0]
    if len(active) == 1:
        return active[0]
    if not active:
        raise DomainError("none_active", _("Tidak ada pemesanan aktif. Pesan: PESAN <kantor> <tanggal> <jam>."))
    raise Unreadable(_("Tulis kode pemesanannya. Ketik CEK untuk melihat kodenya."))


def entry_current(user: User) -> Entry | None:
    """The account's waiting-room entry ANTRE alone asks about: in a room not closed yet (the
    earliest day first), else the latest one."""
    entries = Entry.objects.select_related("room", "room__office").filter(account=user)
    open_one = entries.exclude(room__state=RoomState.CLOSED).order_by("room__date").first()
    return open_one or entries.order_by("-joined_at").first()


def room_to_join_by_text(office: Office, now: dt.datetime) -> dt.date:
    """The day `ANTRE <office>` without a date means: the office's release under way (its room
    not closed yet), else its next release whose room is open for joining."""
    room = Room.objects.filter(office=office).exclude(state=RoomState.CLOSED).order_by("date").first()
    if room is not None:
        return room.date
    upcoming = next_release(office, now_local=now.astimezone(office.zone))
    if upcoming is not None and upcoming.state == "joining":
        return upcoming.date
    raise DomainError(
        "no_release",
        _("%(office)s tidak sedang membuka ruang tunggu. Pesan langsung: PESAN %(office)s <tanggal> <jam>.")
        % {"office": office.code},
    )
