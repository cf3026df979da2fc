"""BANTUAN, DAFTAR (register or link a number by text), KODE (the code sent back) and KELUARGA."""

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from loket.accounts.models import Relation, User
from loket.accounts.probes import nik_probe_guard
from loket.accounts.selectors import holder_of, user_by_login
from loket.accounts.services import (
    applicant_register_by_phone,
    household_add,
    normalize_nik_or_error,
    phone_verified_set,
    sex_from_nik,
    text_registration_discard,
)
from loket.core.errors import Conflict
from loket.core.ratelimit import hit
from loket.notify.models import Channel
from loket.notify.selectors import preference_for
from loket.notify.services import preference_update
from loket.textchannel.models import Pending
from loket.textchannel.parsing import Unreadable, birth_date_of
from loket.textchannel.selectors import people_of
from loket.textchannel.state import Reply, Turn, ask, count_attempt, forget, open_question


def help_text(turn: Turn, args: list[str]) -> Reply:
    if turn.user is None:
        return Reply(
            _(
                "Loket: antrean paspor lewat SMS/WhatsApp. Daftar: DAFTAR <NIK> <tgl lahir> <nama lengkap>, mis. DAFTAR 1671014508900002 "
                "05-08-1990 Ani Lestari. Cari kantor: KANTOR <kota>. Kuota: JADWAL <kode kantor>."
            )
        )
    return Reply(
        _(
            "Perintah: KANTOR <kota>; JADWAL <kantor>; PESAN <kantor> <tgl> <jam> [anggota] [elektronik] "
            "[GANTI <alasan> <no. paspor lama>]; CEK; "
            "BAYAR <kode>; UBAH <kode> <tgl> <jam>; BATAL <kode>; KELUARGA; ANTRE <kantor> <tgl> (ruang tunggu rilis). "
            "Contoh: PESAN PLB besok 8"
        )
    )


def _nik_digits(args: list[str], hint: str = "") -> tuple[str, int]:
    """The NIK at the start, also typed in groups ("1671 0145 0890 0002")."""
    digits, used = "", 0
    while used < len(args) and args[used].isdigit() and len(digits) < 16:
        digits += args[used]
        used += 1
    if not digits:
        raise Unreadable(
            hint
            or _("Tulis: DAFTAR <NIK> <tgl lahir> <nama lengkap>, mis. DAFTAR 1671014508900002 05-08-1990 Ani Lestari.")
        )
    return digits, used


def register(turn: Turn, args: list[str]) -> Reply:
    # A number may collect only a few NIK-conflict answers (loket/accounts/probes.py), like a client address.
    with nik_probe_guard(ip=f"text:{turn.phone}"):
        return _register(turn, args)


def _register(turn: Turn, args: list[str]) -> Reply:
    if turn.user is not None:
        return Reply(_("Nomor ini sudah terdaftar atas nama %(name)s. Ketik BANTUAN.") % {"name": turn.user.full_name})
    hit(scope="register", key=f"text:{turn.phone}", limit=10, window_seconds=3600)
    nik_text, used = _nik_digits(args)
    nik = normalize_nik_or_error(nik_text)
    birth_date, used_date = birth_date_of(args[used:], timezone.localdate())
    rest = args[used + used_date :]
    email = next((w for w in rest if "@" in w), "")
    name = " ".join(w for w in rest if "@" not in w)
    if len(name) < 2:
        raise Unreadable(_("Tulis juga nama lengkap sesuai KTP setelah tanggal lahir."))
    existing = user_by_login(nik)
    if existing is not None and not _unfinished_here(existing, turn.phone):
        holder = holder_of(existing)
        # An account made on the web (or an unfinished text registration) with this very number:
        # the code sent to the number links them. Any other number must not take over the account.
        if existing.phone != turn.phone or holder is None or holder.birth_date != birth_date:
            # Worded like the web's answer: it must not confirm that the NIK has an account.
            raise Conflict(
                "nik_registered",
                _(
                    "NIK ini tidak dapat dipakai di sini. Jika ini NIK Anda, masuk ke akun Anda "
                    "atau hubungi kantor imigrasi."
                ),
                field="nik",
            )
        return _send_code(turn, existing)
    text_registration_discard(phone=turn.phone)  # this number's own unfinished registration, if any
    user = applicant_register_by_phone(
        full_name=name,
        nik=nik,
        birth_date=birth_date,
        phone=turn.phone,
        email=email,
        language=turn.conversation.language,
    )
    return _send_code(turn, user)


def _unfinished_here(user: User, phone: str) -> bool:
    """This number's own text registration, never verified: registering again replaces it."""
    unverified = not user.has_verified_email and not user.has_verified_phone
    return user.phone == phone and unverified and not user.has_usable_password()


def _code_hash(user_id: int, phone: str, code: str) -> str:
    return salted_hmac("loket.textchannel.code", f"{user_id}:{phone}:{code}").hexdigest()


def _send_code(turn: Turn, user: User) -> Reply:
    data = turn.conversation.data
    if open_question(turn, Pending.CODE) and data.get("user") == user.pk:
        wait = dt.datetime.fromisoformat(data["sent"]) + dt.timedelta(seconds=settings.LOKET_VERIFY_RESEND_SECONDS)
        if wait > turn.now:
            seconds = int((wait - turn.now).total_seconds()) + 1
            return Reply(_("Kode sudah dikirim. Tunggu %(s)d detik sebelum meminta kode baru.") % {"s": seconds})
    code = f"{secrets.randbelow(1_000_000):06d}"
    ask(
        turn,
        Pending.CODE,
        {"user": user.pk, "hash": _code_hash(user.pk, turn.phone, code), "sent": turn.now.isoformat()},
        minutes=settings.LOKET_VERIFY_CODE_TTL_MINUTES,
    )
    return Reply(
        _(
            "Kode Loket Anda: %(code)s. Balas KODE %(code)s dalam %(minutes)d menit. Jangan berikan kode ini kepada siapa pun."
        )
        % {"code": code, "minutes": settings.LOKET_VERIFY_CODE_TTL_MINUTES},
        secret=True,
    )


def code(turn: Turn, args: list[str]) -> Reply:
    if not open_question(turn, Pending.CODE):
        return Reply(_("Tidak ada kode yang ditunggu. Daftar: DAFTAR <NIK> <tgl lahir> <nama lengkap>."))
    if not count_attempt(turn, settings.LOKET_VERIFY_MAX_ATTEMPTS):
        return Reply(_("Terlalu banyak kode salah. Kirim DAFTAR lagi untuk kode baru."))
    data = turn.conversation.data
    typed = "".join(ch for ch in "".join(args[:1]) if ch.isdigit())[:6]
    if not hmac.compare_digest(data["hash"], _code_hash(data["user"], turn.phone, typed)):
        return Reply(_("Kode salah atau kedaluwarsa. Coba lagi, atau kirim DAFTAR untuk kode baru."))
    user = User.objects.get(pk=data["user"])
    phone_verified_set(user=user, phone=turn.phone)
    _channels_add(user, turn.channel)
    forget(turn)
    turn.user = user
    return Reply(
        _(
            "Nomor terverifikasi. Halo %(name)s! Pesan: PESAN <kantor> <tanggal> <jam>, mis. PESAN PLB besok 8. BANTUAN: semua perintah."
        )
        % {"name": user.full_name}
    )


def _channels_add(user: User, channel: str) -> None:
    """The channel the person writes on becomes one they are told on (email only when it is verified)."""
    preference = preference_for(user)
    preference_update(
        user=user,
        email=preference.email and user.has_verified_email,
        sms=preference.sms or channel == Channel.SMS,
        whatsapp=preference.whatsapp or channel == Channel.WHATSAPP,
    )


# What people call a household member -> Relation
RELATIONS = {
    "anak": Relation.CHILD, "child": Relation.CHILD, "son": Relation.CHILD, "daughter": Relation.CHILD,
    "suami": Relation.SPOUSE, "istri": Relation.SPOUSE, "isteri": Relation.SPOUSE, "pasangan": Relation.SPOUSE,
    "spouse": Relation.SPOUSE, "husband": Relation.SPOUSE, "wife": Relation.SPOUSE,
    "ayah": Relation.PARENT, "ibu": Relation.PARENT, "bapak": Relation.PARENT, "ortu": Relation.PARENT,
    "orangtua": Relation.PARENT, "parent": Relation.PARENT, "father": Relation.PARENT, "mother": Relation.PARENT,
    "saudara": Relation.SIBLING, "kakak": Relation.SIBLING, "adik": Relation.SIBLING, "sibling": Relation.SIBLING,
    "brother": Relation.SIBLING, "sister": Relation.SIBLING, "lain": Relation.OTHER, "lainnya": Relation.OTHER,
    "other": Relation.OTHER,
}  # fmt: skip
ADD_WORDS = {"TAMBAH", "ADD"}


def family(turn: Turn, args: list[str]) -> Reply:
    if turn.user is None:
        return help_text(turn, args)
    if args and args[0].upper() in ADD_WORDS:
        return _member_add(turn.user, args[1:])
    members = people_of(turn.user)[1:]
    if not members:
        return Reply(
            _("Belum ada anggota keluarga. Tambah: KELUARGA TAMBAH <NIK> <tgl lahir> <anak/istri/ortu> <nama>.")
        )
    lines = "; ".join(f"{i} {m.full_name} ({m.get_relation_display()})" for i, m in enumerate(members, start=1))
    return Reply(_("%(lines)s. Pesan untuk anggota: PESAN PLB besok 8 1") % {"lines": lines})


def _member_add(user: User, args: list[str]) -> Reply:
    """KELUARGA TAMBAH <NIK> <tgl lahir> <hubungan> <nama>: the web's household rules (household_add)."""
    nik_text, used = _nik_digits(
        args, hint=_("Tulis: KELUARGA TAMBAH <NIK> <tgl lahir> <anak/suami/istri/ortu> <nama>.")
    )
    nik = normalize_nik_or_error(nik_text)
    birth_date, used_date = birth_date_of(args[used:], timezone.localdate())
    rest = args[used + used_date :]
    relation = RELATIONS.get(rest[0].lower()) if rest else None
    if relation is None:
        raise Unreadable(_("Tulis hubungannya setelah tanggal lahir: anak, suami, istri, ortu, saudara atau lain."))
    name = " ".join(rest[1:])
    if len(name) < 2:
        raise Unreadable(_("Tulis juga nama lengkap anggota sesuai KTP/KK."))
    with nik_probe_guard(ip=f"text:{user.phone}", account_id=user.pk):
        member = household_add(
            user=user, full_name=name, nik=nik, birth_date=birth_date, sex=sex_from_nik(nik), relation=relation
        )
    number = [p.pk for p in people_of(user)].index(member.pk)
    return Reply(
        _("%(name)s ditambahkan sebagai anggota %(n)d. Pesan untuknya: PESAN <kantor> <tanggal> <jam> %(n)d.")
        % {"name": member.full_name, "n": number}
    )
