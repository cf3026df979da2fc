"""KANTOR, JADWAL, PESAN, CEK, BAYAR, UBAH, BATAL and the "YA" that carries out PESAN, UBAH and BATAL.

Everything goes through the booking and payment services the web pages and the API use:
the same rules, the same seat claim, the same rate limit, the same messages afterwards.
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.booking.events import events_process_for
from loket.booking.models import ACTIVE_STATUSES, Booking, BookingStatus
from loket.booking.seats import day_gated
from loket.booking.selectors import next_available_cached
from loket.booking.services import BookingRequest, booking_cancel, booking_create, booking_reschedule
from loket.core.errors import DomainError
from loket.core.ratelimit import hit
from loket.offices.models import Office
from loket.payments.models import Payment, PaymentStatus
from loket.payments.selectors import fee_for
from loket.release.waiting import pass_for
from loket.textchannel.choice import passport_choice
from loket.textchannel.format import day_label, moment_label, rupiah, segments, time_label
from loket.textchannel.models import Pending
from loket.textchannel.parsing import Unreadable, date_of, time_of
from loket.textchannel.selectors import (
    active_booking,
    active_bookings,
    day_plan,
    days_with_room,
    member_named,
    office_named,
    offices_matching,
)
from loket.textchannel.state import Reply, Turn, ask, forget, take


def offices(turn: Turn, args: list[str]) -> Reply:
    query = " ".join(args)
    if len(query.strip()) < 2:
        return Reply(_("Tulis nama kota, mis. KANTOR palembang."))
    found = offices_matching(query)
    if not found:
        return Reply(_("Tidak ada kantor untuk '%(q)s'. Coba nama kota lain.") % {"q": query[:20]})
    lines = [f"{o.code} {o.name.removeprefix('Kantor Imigrasi ')[:40]}" for o in found]
    return Reply(
        fitting(lines, lambda shown: _("%(lines)s. Lihat jadwal: JADWAL <kode>.") % {"lines": "; ".join(shown)})
    )


def schedule(turn: Turn, args: list[str]) -> Reply:
    if not args:
        return Reply(_("Tulis kode kantornya, mis. JADWAL PLB. Cari kode: KANTOR <kota>."))
    office = office_named(args[0])
    plans = days_with_room(office)
    if not plans:
        return Reply(_("%(office)s: belum ada hari dengan kuota tersisa. Coba lagi besok.") % {"office": office.code})
    days = [
        f"{day_label(p.date)}: {' '.join(time_label(w.start) for w in p.windows if w.remaining > 0)}" for p in plans
    ]
    return Reply(
        fitting(
            days,
            lambda shown: (
                _("%(office)s (%(zone)s) masih ada kuota: %(days)s. Pesan: PESAN %(office)s <tanggal> <jam>.")
                % {"office": office.code, "zone": office.zone_abbreviation, "days": "; ".join(shown)}
            ),
        )
    )


def fitting(items: list[str], render: Callable[[list[str]], str]) -> str:
    """The reply with as many of `items` as fit in two SMS segments (at least one)."""
    for count in range(len(items), 1, -1):
        text = render(items[:count])
        if segments(text) <= 2:
            return text
    return render(items[:1])


def _window_open(office: Office, day: dt.date, start: dt.time) -> None:
    """What the booking will refuse, told before asking for "YA": a closed day, no such window, full."""
    plan = day_plan(office, day)
    if not plan.open:
        raise DomainError(
            "closed", _("%(day)s tidak bisa dipesan: %(reason)s.") % {"day": day_label(day), "reason": plan.reason}
        )
    window = next((w for w in plan.windows if w.start == start), None)
    if window is None:
        starts = " ".join(time_label(w.start) for w in plan.windows)
        raise DomainError(
            "unknown_window",
            _("Jam %(start)s tidak ada. Pilih: %(starts)s.") % {"start": time_label(start), "starts": starts},
        )
    if window.remaining <= 0:
        raise _full(office)


def _full(office: Office) -> DomainError:
    nearest = next_available_cached(office)
    if nearest is None:
        return DomainError("window_full", _("Jam itu sudah penuh dan belum ada hari lain dengan kuota."))
    return DomainError(
        "window_full",
        _("Jam itu sudah penuh. Hari terdekat yang masih ada: %(day)s. Ketik JADWAL %(office)s.")
        % {"day": day_label(nearest), "office": office.code},
    )


def _when(office: Office, day: dt.date, start: dt.time) -> str:
    return f"{office.code} {day_label(day)} {time_label(start)} {office.zone_abbreviation}"


def book(turn: Turn, args: list[str]) -> Reply:
    user = text_user(turn)
    if not args:
        return Reply(_("Tulis: PESAN <kantor> <tanggal> <jam>, mis. PESAN PLB besok 8."))
    office = office_named(args[0])
    day, used = date_of(args[1:], office.local_today())
    start, used_time = time_of(args[1 + used :])
    person_words, choice = passport_choice(args[1 + used + used_time :])
    person = member_named(user, person_words)
    holding = Booking.objects.filter(person=person, status__in=ACTIVE_STATUSES)
    if current := holding.first():
        return Reply(
            _("%(person)s sudah punya pemesanan aktif %(code)s. Ubah: UBAH %(code)s <tanggal> <jam>.")
            % {"person": person.full_name, "code": current.code}
        )
    _window_open(office, day, start)
    if day_gated(office, day) and not pass_for(user_id=user.pk, office_id=office.pk, day=day):
        raise _under_release(office, day)
    fee = fee_for(choice.passport_type, on=office.local_today()).amount
    data = {"office": office.code, "date": day.isoformat(), "start": start.strftime("%H:%M"), "member": person.pk}
    ask(turn, Pending.BOOK, {**data, **choice.as_data()})
    return Reply(
        _("Pesan %(when)s untuk %(person)s, %(kind)s, PNBP %(fee)s? Balas YA dalam %(minutes)d menit, atau TIDAK.")
        % {
            "when": _when(office, day, start),
            "person": person.full_name,
            "kind": choice.label(),
            "fee": rupiah(fee),
            "minutes": settings.LOKET_TEXT_CONFIRM_MINUTES,
        }
    )


def check(turn: Turn, args: list[str]) -> Reply:
    bookings = active_bookings(text_user(turn))
    if not bookings:
        return Reply(_("Tidak ada pemesanan aktif. Pesan: PESAN <kantor> <tanggal> <jam>."))
    return Reply("; ".join(_booking_line(b) for b in bookings[:3]))


def _booking_line(booking: Booking) -> str:
    slot, office = booking.slot, booking.office
    state = _("terkonfirmasi")
    payment: Payment | None = getattr(booking, "payment", None)
    if booking.status == BookingStatus.AWAITING_PAYMENT and payment is not None:
        state = _("bayar %(amount)s s.d. %(deadline)s") % {
            "amount": rupiah(payment.amount),
            "deadline": moment_label(payment.deadline, office),
        }
    elif booking.status == BookingStatus.CHECKED_IN:
        state = _("sudah hadir")
    first_name = booking.person_name.split()[0] if booking.person_name else ""
    return f"{booking.code} {first_name} {_when(office, slot.date, slot.start)}: {state}"


def pay(turn: Turn, args: list[str]) -> Reply:
    booking = active_booking(text_user(turn), args)
    payment: Payment | None = getattr(booking, "payment", None)
    if payment is None or payment.status == PaymentStatus.PAID:
        return Reply(_("Pemesanan %(code)s sudah lunas; tidak ada tagihan.") % {"code": booking.code})
    return Reply(_payment_text(booking, payment))


def _payment_text(booking: Booking, payment: Payment) -> str:
    return _(
        "Bayar PNBP %(amount)s dengan kode billing %(billing)s sebelum %(deadline)s (bank, ATM, kantor pos), "
        "atau pemesanan %(code)s batal otomatis."
    ) % {
        "amount": rupiah(payment.amount),
        "billing": payment.billing_code,
        "deadline": moment_label(payment.deadline, booking.office),
        "code": booking.code,
    }


def reschedule(turn: Turn, args: list[str]) -> Reply:
    user = text_user(turn)
    if len(args) < 3:
        return Reply(_("Tulis: UBAH <kode> <tanggal> <jam>, mis. UBAH K7P2QX9M 5/12 9."))
    booking = active_booking(user, args[:1])
    office = booking.office
    day, used = date_of(args[1:], office.local_today())
    start, _used = time_of(args[1 + used :])
    _window_open(office, day, start)
    ask(turn, Pending.RESCHEDULE, {"code": booking.code, "date": day.isoformat(), "start": start.strftime("%H:%M")})
    return Reply(
        _("Ubah %(code)s ke %(when)s? Balas YA dalam %(minutes)d menit, atau TIDAK.")
        % {"code": booking.code, "when": _when(office, day, start), "minutes": settings.LOKET_TEXT_CONFIRM_MINUTES}
    )


def cancel(turn: Turn, args: list[str]) -> Reply:
    booking = active_booking(text_user(turn), args[:1])
    ask(turn, Pending.CANCEL, {"code": booking.code})
    return Reply(
        _("Batalkan %(code)s (%(person)s, %(when)s)? Balas YA dalam %(minutes)d menit, atau TIDAK.")
        % {
            "code": booking.code,
            "person": booking.person_name,
            "when": _when(booking.office, booking.slot.date, booking.slot.start),
            "minutes": settings.LOKET_TEXT_CONFIRM_MINUTES,
        }
    )


def yes(turn: Turn, args: list[str]) -> Reply:
    user = text_user(turn)
    question = take(turn)
    if question is None:
        return Reply(_("Tidak ada yang menunggu jawaban YA. Ketik CEK untuk pemesanan Anda."))
    pending, data, nonce = question
    if pending == Pending.BOOK:
        return _book_now(user, data, nonce)
    if pending == Pending.RESCHEDULE:
        booking = booking_reschedule(
            user=user,
            code=data["code"],
            date=dt.date.fromisoformat(data["date"]),
            start=dt.time.fromisoformat(data["start"]),
        )
        return Reply(
            _("Jadwal %(code)s diubah ke %(when)s.")
            % {"code": booking.code, "when": _when(booking.office, booking.slot.date, booking.slot.start)}
        )
    booking = booking_cancel(user=user, code=data["code"])
    return Reply(_("Pemesanan %(code)s dibatalkan.") % {"code": booking.code})


def _book_now(user: User, data: dict[str, str], nonce: str) -> Reply:
    hit(scope="book", key=str(user.pk), limit=20, window_seconds=60)  # the API's booking limit
    request = BookingRequest(
        office=data["office"],
        date=dt.date.fromisoformat(data["date"]),
        start=dt.time.fromisoformat(data["start"]),
        service=data["service"],
        passport_type=data["passport_type"],
        member=int(data["member"]),
        replacement_reason=data["replacement_reason"] or None,
        old_passport_number=data["old_passport_number"] or None,
    )
    try:
        booking = _book_with_pass(user, request, idempotency_key=f"text:{nonce}")
    except DomainError as error:
        if error.code == "window_full":
            raise _full(_office_of(data["office"])) from None
        if error.code in {"pass_required", "pass_expired", "pass_used"}:
            raise _under_release(_office_of(data["office"]), request.date) from None
        raise
    when = _when(booking.office, booking.slot.date, booking.slot.start)
    # The bill is opened by the booking events worker; the reply carries it, so open it now.
    events_process_for(booking_id=booking.pk)
    payment = Payment.objects.filter(booking=booking).first()
    if payment is None:
        return Reply(_("Terpesan: %(code)s, %(when)s. Bawa KTP asli.") % {"code": booking.code, "when": when})
    return Reply(
        _("Terpesan: %(code)s, %(when)s. Bayar %(amount)s kode billing %(billing)s sebelum %(deadline)s.")
        % {
            "code": booking.code,
            "when": when,
            "amount": rupiah(payment.amount),
            "billing": payment.billing_code,
            "deadline": moment_label(payment.deadline, booking.office),
        }
    )


def _book_with_pass(user: User, request: BookingRequest, *, idempotency_key: str) -> Booking:
    """Book; on a day under release, with the pass the waiting room gave the account (as the web
    does: the pass is looked up only when the booking asks for one)."""
    try:
        return booking_create(user=user, request=request, idempotency_key=idempotency_key)[0]
    except DomainError as error:
        release_pass = None
        if error.code == "pass_required":
            office = _office_of(request.office)
            release_pass = pass_for(user_id=user.pk, office_id=office.pk, day=request.date)
        if release_pass is None:
            raise
    return booking_create(user=user, request=request, idempotency_key=idempotency_key, release_pass=release_pass)[0]


def _under_release(office: Office, day: dt.date) -> DomainError:
    return DomainError(
        "pass_required",
        _(
            "%(office)s %(day)s sedang dirilis: masuk ruang tunggu dulu dengan ANTRE %(office)s %(date)s. "
            "Anda diberi tahu lewat pesan saat giliran tiba, lalu kirim PESAN lagi."
        )
        % {"office": office.code, "day": day_label(day), "date": f"{day.day}/{day.month}"},
    )


def _office_of(code: str) -> Office:
    return Office.objects.get(code=code)


def no(turn: Turn, args: list[str]) -> Reply:
    if forget(turn):
        return Reply(_("Baik, tidak ada yang diubah."))
    return Reply(_("Tidak ada pertanyaan yang terbuka. Ketik BANTUAN."))


def text_user(turn: Turn) -> User:
    if turn.user is None:
        raise Unreadable(
            _(
                "Nomor ini belum terdaftar. Daftar: DAFTAR <NIK> <tgl lahir> <nama lengkap>, mis. DAFTAR 1671014508900002 05-08-1990 Ani Lestari."
            )
        )
    return turn.user
