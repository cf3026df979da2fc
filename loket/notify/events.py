"""One entry point for everything a person is told: `notify(event=..., user=..., key=...)`.

Each event has a subject and a body written in Indonesian (translated to English in the
locale files); they are rendered in the person's language and queued in the outbox for
each channel the person chose. `key` identifies the occurrence ("booking:42:confirmed"):
the same key never sends twice on a channel, whatever retries or replays happen upstream.
"""

import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from loket.accounts.models import User
from loket.notify.gateways import address_for
from loket.notify.models import EVENT_KEY_MAX, Channel
from loket.notify.selectors import preference_for
from loket.notify.services import message_queue

# Account-critical messages go by email only, whatever the person chose: the verification
# code proves the email address, and a reset code sent to a phone number that was never
# verified would let whoever holds that number take the account.
EMAIL_ONLY_EVENTS = frozenset({"account_verification", "password_reset"})
# Their text holds a secret code: blanked in the outbox a day after queueing (codes live minutes).
SECRET_EVENTS = EMAIL_ONLY_EVENTS
SECRET_KEPT = dt.timedelta(days=1)

# event -> (subject, body); %(name)s-style fields come from the context.
EVENTS: dict[str, tuple[str, str]] = {
    "account_verification": (
        gettext_noop("Kode verifikasi Loket: %(code)s"),
        gettext_noop(
            "Halo %(name)s,\n\nKode verifikasi akun Loket Anda: %(code)s\n"
            "Masukkan kode ini di Loket dalam %(minutes)d menit untuk mengaktifkan akun Anda. Jangan berikan "
            "kode ini kepada siapa pun, termasuk petugas."
        ),
    ),
    "password_reset": (
        gettext_noop("Atur ulang kata sandi Loket"),
        gettext_noop(
            "Halo %(name)s,\n\nSeseorang meminta pengaturan ulang kata sandi akun Loket Anda.\n"
            "Kode pengaturan ulang: %(uid)s.%(token)s\nMasukkan kode ini di halaman atur ulang kata sandi "
            "dalam %(minutes)d menit, lalu pilih kata sandi baru. Abaikan email ini jika Anda tidak memintanya."
        ),
    ),
    "booking_confirmed": (
        gettext_noop("Pemesanan %(code)s terkonfirmasi"),
        gettext_noop(
            "Halo %(name)s,\n\nPemesanan %(code)s untuk %(person)s di %(office)s terkonfirmasi.\n"
            "Jadwal kedatangan: %(when)s.\n\n%(bring)s Di kantor, tunjukkan kode QR pada bukti pemesanan "
            "kepada petugas, atau sebutkan kode pemesanan %(code)s."
        ),
    ),
    "booking_cancelled": (
        gettext_noop("Pemesanan %(code)s dibatalkan"),
        gettext_noop(
            "Halo %(name)s,\n\nPemesanan %(code)s untuk %(person)s di %(office)s, %(when)s, telah dibatalkan. "
            "Jika masih memerlukan paspor, buat jadwal baru di Loket."
        ),
    ),
    "booking_cancelled_credit": (
        gettext_noop("Pemesanan %(code)s dibatalkan; biayanya menjadi kredit"),
        gettext_noop(
            "Halo %(name)s,\n\nPemesanan %(code)s untuk %(person)s di %(office)s, %(when)s, telah dibatalkan.\n"
            "Biaya %(credit_amount)s yang sudah dibayar tidak hilang: biaya itu disimpan sebagai kredit untuk "
            "%(person)s (%(service)s, %(passport_type)s) sampai %(credit_until)s. Pemesanan berikutnya untuk "
            "%(person)s dengan layanan dan jenis paspor yang sama memakai kredit ini dan langsung terkonfirmasi "
            "tanpa tagihan baru."
        ),
    ),
    "fee_credit": (
        gettext_noop("Biaya pemesanan %(code)s disimpan sebagai kredit"),
        gettext_noop(
            "Halo %(name)s,\n\nPembayaran %(credit_amount)s untuk pemesanan %(code)s kami terima, tetapi "
            "pemesanan itu tidak lagi memiliki jadwal. Biayanya disimpan sebagai kredit untuk %(person)s "
            "(%(service)s, %(passport_type)s) sampai %(credit_until)s: buat jadwal baru di Loket, dan "
            "pemesanan itu langsung terkonfirmasi tanpa tagihan baru."
        ),
    ),
    "booking_rescheduled": (
        gettext_noop("Jadwal kedatangan pemesanan %(code)s diubah"),
        gettext_noop(
            "Halo %(name)s,\n\nJadwal kedatangan %(person)s (kode pemesanan %(code)s) diubah ke %(office)s, "
            "%(when)s. Kode pemesanan dan kode QR Anda tetap sama. %(bring)s"
        ),
    ),
    "day_closed": (
        gettext_noop("%(office)s tutup pada hari kedatangan Anda: pilih jadwal baru"),
        gettext_noop(
            "Halo %(name)s,\n\n%(office)s tutup pada %(date)s: %(reason)s. Jangan datang pada hari itu.\n"
            "Pilih jadwal kedatangan baru untuk %(person)s (kode pemesanan %(code)s) di Loket, menu Pemesanan saya, "
            "lalu Ubah jadwal, atau lewat SMS/WhatsApp Loket: UBAH %(code_sms)s <tanggal> <jam>. Perubahan ini "
            "tidak dihitung dalam batas perubahan jadwal dan tidak dikenai biaya; "
            "PNBP yang sudah dibayar tetap berlaku. Kode pemesanan dan kode QR Anda tetap sama."
        ),
    ),
    "payment_due": (
        gettext_noop("Bayar PNBP %(amount)s untuk pemesanan %(code)s"),
        gettext_noop(
            "Halo %(name)s,\n\nTempat Anda di %(office)s, %(when)s, kami tahan sampai %(deadline)s. "
            "Bayar PNBP %(amount)s dengan kode billing %(billing_code)s di bank, kantor pos atau aplikasi "
            "pembayaran sebelum batas waktu itu; jika tidak, pemesanan %(code)s batal otomatis."
        ),
    ),
    "payment_reminder": (
        gettext_noop("Pengingat: bayar PNBP pemesanan %(code)s"),
        gettext_noop(
            "Halo %(name)s,\n\nPembayaran PNBP %(amount)s dengan kode billing %(billing_code)s belum kami terima. "
            "Bayar sebelum %(deadline)s; setelah itu pemesanan %(code)s batal otomatis dan tempatnya kembali "
            "ke kuota."
        ),
    ),
    "booking_expired": (
        gettext_noop("Pemesanan %(code)s batal otomatis"),
        gettext_noop(
            "Halo %(name)s,\n\nPembayaran untuk pemesanan %(code)s tidak kami terima sampai batas waktu, "
            "sehingga pemesanan ini batal otomatis. Jika masih memerlukan paspor, buat jadwal baru di Loket. "
            "Jika Anda sudah membayar, simpan bukti bayarnya: pembayaran yang masuk terlambat tetap tercatat "
            "dan kami akan mengabari Anda."
        ),
    ),
    "paid_needs_rebooking": (
        gettext_noop("Pembayaran %(code)s diterima, jadwal kedatangan perlu dipilih ulang"),
        gettext_noop(
            "Halo %(name)s,\n\nPembayaran untuk pemesanan %(code)s kami terima setelah batas waktu, dan "
            "tempatnya sudah terisi. Pembayaran Anda tetap berlaku dan tidak perlu dibayar lagi: petugas "
            "%(office)s akan membantu Anda memilih jadwal kedatangan baru."
        ),
    ),
    "visit_reminder": (
        gettext_noop("Besok: jadwal kedatangan Anda di %(office)s"),
        gettext_noop(
            "Halo %(name)s,\n\nPengingat: %(person)s dijadwalkan datang ke %(office)s besok, %(when)s "
            "(kode pemesanan %(code)s).\n\n%(bring)s Datang pada jam kedatangan Anda dan tunjukkan kode QR "
            "pada bukti pemesanan kepada petugas."
        ),
    ),
    "status_changed": (
        gettext_noop("Permohonan paspor %(person)s: %(status)s"),
        gettext_noop(
            "Halo %(name)s,\n\nStatus permohonan paspor %(person)s (kode pemesanan %(code)s) kini: "
            "%(status)s.\n%(next)s"
        ),
    ),
    "application_rejected": (
        gettext_noop("Permohonan paspor %(person)s ditolak"),
        gettext_noop(
            "Halo %(name)s,\n\nPermohonan paspor %(person)s (kode pemesanan %(code)s) ditolak.\n"
            "Alasan: %(reason)s\n\nUntuk menanyakan atau melengkapi permohonan, datang ke meja petugas "
            "%(office)s pada jam kerja dengan bukti pemesanan dan dokumen aslinya."
        ),
    ),
    "release_admitted": (
        gettext_noop("Giliran Anda: buat jadwal di %(office)s sekarang"),
        gettext_noop(
            "Halo %(name)s,\n\nGiliran Anda di ruang tunggu pembukaan kuota %(office)s untuk %(date)s sudah "
            "tiba. Buat jadwal di %(link)s sebelum pukul %(until)s %(zone)s; setelah itu izin Anda habis dan "
            "Anda perlu masuk ruang tunggu lagi."
        ),
    ),
    "passport_ready": (
        gettext_noop("Paspor %(person)s siap diambil"),
        gettext_noop(
            "Halo %(name)s,\n\nPaspor untuk %(person)s (kode pemesanan %(code)s) siap diambil di %(office)s. "
            "Ambil pada jam kerja dengan KTP-el asli dan bukti pemesanan; paspor anak diambil oleh orang tua "
            "dengan KTP-el orang tua."
        ),
    ),
}


def notify(*, event: str, user: User, key: str, context: dict[str, Any] | None = None) -> None:
    """Queue the event's message for `user` on their channels; a repeated `key` is ignored."""
    subject, body = render(event=event, language=user.language, fields={"name": user.full_name, **(context or {})})
    for channel in channels_for(event=event, user=user):
        message_queue(
            recipient=user.email if channel == Channel.EMAIL else address_for(channel=channel, phone=user.phone),
            subject=subject,
            body=body,
            channel=channel,
            event_key=event_key(key=key, channel=channel),
            redact_after=timezone.now() + SECRET_KEPT if event in SECRET_EVENTS else None,
        )


def event_key(*, key: str, channel: str) -> str:
    """The outbox key of one occurrence on one channel; a key too long for the column is hashed, not cut,
    so two long keys that share a prefix stay two messages."""
    full = f"{key}:{channel}"
    if len(full) <= EVENT_KEY_MAX:
        return full
    return f"sha256:{hashlib.sha256(full.encode()).hexdigest()}"


def render(*, event: str, language: str, fields: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of `event` in `language`; lazy values in `fields` render in it too."""
    subject_template, body_template = EVENTS[event]
    with translation.override(language):
        return _(subject_template) % fields, _(body_template) % fields + "\n\nLoket"


def channels_for(*, event: str, user: User) -> list[str]:
    if event in EMAIL_ONLY_EVENTS:
        return [Channel.EMAIL]
    channels = preference_for(user).channels()
    # A number removed after SMS/WhatsApp were chosen: those channels have nobody to reach.
    return [c for c in channels if c == Channel.EMAIL or user.phone]
