"""ANTRE: the waiting room of a release by text. Join it, ask where you stand, be told when it
is your turn; PESAN then books that day with the pass the room gave the account.

The same service as the web page and the API (release.room), the same one entry per account
and per NIK, the same per-account and per-NIK limits; no proof of work (a basic phone cannot
compute one): the verified number the text comes from is the cost a script has to pay.
"""

import datetime as dt
import math

from django.utils import translation
from django.utils.translation import gettext as _

from loket.core.errors import DomainError
from loket.notify.events import event_key
from loket.notify.gateways import address_for
from loket.notify.services import message_queue
from loket.offices.models import Office
from loket.release.models import Entry, JoinChannel, Room
from loket.release.room import room_join_by_text
from loket.release.waiting import waiting_status
from loket.textchannel.booking_commands import text_user
from loket.textchannel.format import day_label, moment_label
from loket.textchannel.models import Conversation
from loket.textchannel.parsing import date_of
from loket.textchannel.selectors import entry_current, office_named, room_to_join_by_text
from loket.textchannel.state import Reply, Turn

TEXT_CHANNELS = (JoinChannel.SMS, JoinChannel.WHATSAPP)


def queue(turn: Turn, args: list[str]) -> Reply:
    user = text_user(turn)
    if not args:
        entry = entry_current(user)
        if entry is None:
            return Reply(_("Anda tidak sedang di ruang tunggu. Masuk: ANTRE <kantor> <tanggal>, mis. ANTRE PLB 15/12."))
        return Reply(standing(entry, turn.now))
    office = office_named(args[0])
    if len(args) > 1:
        day, _used = date_of(args[1:], office.local_today())
    else:
        day = room_to_join_by_text(office, turn.now)
    try:
        entry, _created = room_join_by_text(user=user, office=office, day=day, channel=turn.channel)
    except DomainError as error:
        raise _refusal(error, office, day) from None
    return Reply(standing(entry, turn.now))


def _refusal(error: DomainError, office: Office, day: dt.date) -> DomainError:
    """The service's refusal, in the words of a text (what to type next)."""
    where = f"{office.code} {day_label(day)}"
    if error.code == "too_early":
        opens = dt.datetime.fromisoformat(str(error.extra["join_from"]))
        return DomainError(
            error.code,
            _("Ruang tunggu %(where)s belum dibuka. Dibuka %(at)s; kirim ANTRE lagi setelah itu.")
            % {"where": where, "at": moment_label(opens, office)},
        )
    if error.code in {"no_release", "release_over"}:
        return DomainError(
            error.code,
            _("%(where)s tidak sedang dirilis: pesan langsung dengan PESAN %(office)s %(date)s <jam>.")
            % {"where": where, "office": office.code, "date": f"{day.day}/{day.month}"},
        )
    return error


def _fields(room: Room) -> dict[str, str]:
    office = room.office
    return {
        "where": f"{office.code} {day_label(room.date)}",
        "office": office.code,
        "date": f"{room.date.day}/{room.date.month}",
    }


def _your_turn(room: Room, until: dt.datetime) -> str:
    return _(
        "Giliran Anda di ruang tunggu %(where)s! Pesan sebelum %(until)s: PESAN %(office)s %(date)s <jam>. "
        "Setelah itu izin Anda habis."
    ) % {**_fields(room), "until": moment_label(until, room.office)}


def standing(entry: Entry, now: dt.datetime) -> str:
    """Where the entry stands, in one or two SMS segments."""
    room = entry.room
    office = room.office
    status = waiting_status(entry, now=now)
    fields = _fields(room)
    if status.state == "admitted":
        assert status.pass_expires_at is not None
        return _your_turn(room, status.pass_expires_at)
    if status.state == "used":
        return _("Izin ruang tunggu %(where)s sudah dipakai untuk pemesanan. Ketik CEK.") % fields
    if status.state == "expired":
        return _("Izin ruang tunggu %(where)s sudah habis waktunya. Kuota tersisa: JADWAL %(office)s.") % fields
    if status.state == "closed":
        return _("Rilis %(where)s sudah selesai. Kuota tersisa: JADWAL %(office)s.") % fields
    if status.position is None:
        return _(
            "Anda di ruang tunggu %(where)s, nomor undian %(ref)s. Urutan diundi %(at)s; semua yang masuk "
            "sebelumnya berpeluang sama. Posisi Anda: ANTRE. Anda diberi tahu lewat pesan saat giliran tiba."
        ) % {**fields, "ref": entry.ref, "at": moment_label(room.opens_at, office)}
    minutes = math.ceil((status.estimated_wait_s or 0) / 60)
    estimate = _("perkiraan %(minutes)d menit") % {"minutes": minutes} if minutes > 0 else _("giliran Anda sudah dekat")
    return _(
        "Posisi Anda di ruang tunggu %(where)s: %(position)d (%(estimate)s). Cek lagi: ANTRE. "
        "Anda diberi tahu lewat pesan saat giliran tiba."
    ) % {**fields, "position": status.position, "estimate": estimate}


def admitted_text(*, entry: Entry, expires: dt.datetime) -> None:
    """An entry that joined by text is told on that channel, in the conversation's language,
    under notify's key for that channel (so the usual message is not sent there as well)."""
    if entry.channel not in TEXT_CHANNELS or not entry.account.phone:
        return
    phone = entry.account.phone
    conversation = Conversation.objects.filter(phone=phone).first()
    language = (conversation.language if conversation else "") or entry.account.language or "id"
    with translation.override(language):
        body = _your_turn(entry.room, expires)
    message_queue(
        recipient=address_for(channel=entry.channel, phone=phone),
        subject="",
        body=body,
        channel=entry.channel,
        event_key=event_key(key=f"release:{entry.pk}:admitted", channel=entry.channel),
    )
