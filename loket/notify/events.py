"""One entry point for everything a person is told: `notify(event=..., user=..., key=...)`.

Each event has a subject and a body written in Indonesian (translated to English in the
locale files); they are rendered in the person's language and queued in the outbox for
each channel the person chose. `key` identifies the occurrence ("booking:42:confirmed"):
the same key never sends twice, whatever retries or replays happen upstream.
"""

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_  # noqa: N812 - the gettext convention

from loket.accounts.models import User
from loket.notify.models import Channel
from loket.notify.services import message_queue

# event -> (subject, body); %(name)s-style fields come from the context.
EVENTS: dict[str, tuple[str, str]] = {
    "booking_confirmed": (
        N_("Pemesanan %(code)s terkonfirmasi"),
        N_(
            "Halo %(name)s,\n\nPemesanan %(code)s untuk %(person)s di %(office)s pada %(date)s pukul "
            "%(start)s %(zone)s terkonfirmasi. Tunjukkan kode atau QR pemesanan beserta KTP asli di kantor."
        ),
    ),
    "booking_cancelled": (
        N_("Pemesanan %(code)s dibatalkan"),
        N_("Halo %(name)s,\n\nPemesanan %(code)s untuk %(person)s di %(office)s pada %(date)s telah dibatalkan."),
    ),
    "booking_rescheduled": (
        N_("Jadwal pemesanan %(code)s diubah"),
        N_(
            "Halo %(name)s,\n\nJadwal pemesanan %(code)s untuk %(person)s diubah ke %(office)s pada %(date)s "
            "pukul %(start)s %(zone)s."
        ),
    ),
    "payment_due": (
        N_("Bayar PNBP %(amount)s untuk pemesanan %(code)s"),
        N_(
            "Halo %(name)s,\n\nKursi Anda di %(office)s pada %(date)s pukul %(start)s %(zone)s kami tahan. "
            "Bayar PNBP %(amount)s dengan kode billing %(billing_code)s sebelum %(deadline)s, "
            "atau pemesanan %(code)s batal otomatis."
        ),
    ),
    "payment_reminder": (
        N_("Pengingat: bayar PNBP pemesanan %(code)s sebelum %(deadline)s"),
        N_(
            "Halo %(name)s,\n\nPembayaran PNBP %(amount)s dengan kode billing %(billing_code)s belum kami terima. "
            "Batas waktunya %(deadline)s; setelah itu kursi Anda dilepas."
        ),
    ),
    "booking_expired": (
        N_("Pemesanan %(code)s kedaluwarsa"),
        N_(
            "Halo %(name)s,\n\nPembayaran untuk pemesanan %(code)s tidak kami terima sampai batas waktu, "
            "sehingga kursinya dilepas. Silakan pesan ulang."
        ),
    ),
    "paid_needs_rebooking": (
        N_("Pembayaran %(code)s diterima, jadwal perlu dipilih ulang"),
        N_(
            "Halo %(name)s,\n\nPembayaran untuk pemesanan %(code)s kami terima setelah batas waktu dan kursinya "
            "sudah terisi. Pembayaran Anda tetap berlaku: petugas akan membantu memilih jadwal baru."
        ),
    ),
    "visit_reminder": (
        N_("Besok: kedatangan Anda di %(office)s"),
        N_(
            "Halo %(name)s,\n\nPengingat: %(person)s dijadwalkan datang ke %(office)s besok, %(date)s pukul "
            "%(start)s %(zone)s (kode %(code)s). Bawa KTP asli dan dokumen yang diminta."
        ),
    ),
    "status_changed": (
        N_("Permohonan %(code)s: %(status)s"),
        N_("Halo %(name)s,\n\nStatus permohonan paspor %(code)s untuk %(person)s kini: %(status)s."),
    ),
    "passport_ready": (
        N_("Paspor %(person)s siap diambil"),
        N_(
            "Halo %(name)s,\n\nPaspor untuk %(person)s (permohonan %(code)s) siap diambil di %(office)s. "
            "Bawa KTP asli dan bukti pemesanan."
        ),
    ),
}


def notify(*, event: str, user: User, key: str, context: dict[str, Any] | None = None) -> None:
    """Queue the event's message for `user` on their channels; a repeated `key` is ignored."""
    subject_template, body_template = EVENTS[event]
    fields = {"name": user.full_name, **(context or {})}
    with translation.override(user.language):
        subject = _(subject_template) % fields
        body = _(body_template) % fields + "\n\nLoket"
    message_queue(
        recipient=user.email, subject=subject, body=body, channel=Channel.EMAIL, event_key=f"{key}:{Channel.EMAIL}"
    )
