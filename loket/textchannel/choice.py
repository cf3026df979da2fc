"""What is booked, read from the words after the window: the passport type and, for a
replacement, its reason and the old passport's number.

    PESAN PLB besok 8 [anggota] [elektronik] [GANTI <habis|penuh|hilang|rusak|data> [nomor paspor lama]]
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from loket.booking.models import PassportType, Service
from loket.booking.services import booking_choice_validate
from loket.dossier.models import ReplacementReason
from loket.textchannel.parsing import Unreadable

ELECTRONIC_WORDS = {"elektronik", "electronic", "e-paspor", "epaspor", "e-passport", "epassport"}
REPLACEMENT_WORDS = {"ganti", "penggantian", "replace", "replacement"}
REASONS = {
    "habis": ReplacementReason.EXPIRED, "kedaluwarsa": ReplacementReason.EXPIRED, "expired": ReplacementReason.EXPIRED,
    "penuh": ReplacementReason.PAGES_FULL, "full": ReplacementReason.PAGES_FULL,
    "hilang": ReplacementReason.LOST, "lost": ReplacementReason.LOST,
    "rusak": ReplacementReason.DAMAGED, "damaged": ReplacementReason.DAMAGED,
    "data": ReplacementReason.DATA_CHANGED, "ubahdata": ReplacementReason.DATA_CHANGED,
}  # fmt: skip


@dataclass(frozen=True)
class PassportChoice:
    passport_type: str = PassportType.REGULAR
    service: str = Service.NEW
    reason: str = ""
    old_passport_number: str = ""

    def label(self) -> str:
        kind = _("paspor elektronik") if self.passport_type == PassportType.ELECTRONIC else _("paspor biasa")
        if self.service != Service.REPLACEMENT:
            return str(kind)
        reason = str(ReplacementReason(self.reason).label).lower()
        return _("%(kind)s, penggantian (%(reason)s)") % {"kind": kind, "reason": reason}

    def as_data(self) -> dict[str, str]:
        return {
            "passport_type": self.passport_type,
            "service": self.service,
            "replacement_reason": self.reason,
            "old_passport_number": self.old_passport_number,
        }


def passport_choice(words: list[str]) -> tuple[list[str], PassportChoice]:
    """(the words naming the person, the choice), checked by the booking service's own rules."""
    lowered = [w.lower() for w in words]
    cut = next((i for i, w in enumerate(lowered) if w in REPLACEMENT_WORDS), len(words))
    before, after = words[:cut], words[cut + 1 :]
    electronic = any(w.lower() in ELECTRONIC_WORDS for w in before)
    person_words = [w for w in before if w.lower() not in ELECTRONIC_WORDS]
    passport_type = PassportType.ELECTRONIC if electronic else PassportType.REGULAR
    if cut == len(words):
        return person_words, PassportChoice(passport_type=passport_type)
    reason = REASONS.get(after[0].lower()) if after else None
    if reason is None:
        raise Unreadable(_("Tulis alasan penggantian setelah GANTI: habis, penuh, hilang, rusak atau data."))
    choice = PassportChoice(
        passport_type=passport_type,
        service=Service.REPLACEMENT,
        reason=reason,
        old_passport_number=" ".join(after[1:2]).upper(),
    )
    booking_choice_validate(
        service=choice.service,
        passport_type=choice.passport_type,
        replacement_reason=choice.reason,
        old_passport_number=choice.old_passport_number or None,
    )
    return person_words, choice
