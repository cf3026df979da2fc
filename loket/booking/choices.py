"""What a booking request chooses besides the window: the service, the passport type and,
for a replacement, why and which old passport. Checked before any seat is claimed."""

import re

from django.utils.translation import gettext as _

from loket.booking.models import PassportType, ReplacementReason, Service
from loket.core.errors import DomainError

# Indonesian passport numbers: one letter (two on old books) and 7 digits (6 on old books), e.g. B1234567.
_PASSPORT_NUMBER = re.compile(r"^[A-Z]{1,2}[0-9]{6,7}$")


def normalize_passport_number(raw: str) -> str:
    return re.sub(r"[\s-]+", "", raw).upper()


def booking_choice_validate(
    *, service: str, passport_type: str, replacement_reason: str | None, old_passport_number: str | None
) -> None:
    """Service, passport type and replacement details: 422 naming the field, before any seat is claimed."""
    if service not in Service.values:
        raise DomainError("invalid", _("Layanan tidak dikenal."), field="service")
    if passport_type not in PassportType.values:
        raise DomainError("invalid", _("Jenis paspor tidak dikenal."), field="passport_type")
    replacement_validate(service=service, reason=replacement_reason, old_passport_number=old_passport_number)


def replacement_validate(*, service: str, reason: str | None, old_passport_number: str | None) -> None:
    """Refuse (422, naming the field) replacement details that do not fit the service asked for."""
    if service != Service.REPLACEMENT:
        if reason:
            raise DomainError(
                "not_replacement", _("Alasan penggantian hanya untuk penggantian paspor."), field="replacement_reason"
            )
        if old_passport_number:
            raise DomainError(
                "not_replacement", _("Nomor paspor lama hanya untuk penggantian paspor."), field="old_passport_number"
            )
        return
    if not reason:
        raise DomainError("required", _("Pilih alasan penggantian paspor."), field="replacement_reason")
    if reason not in ReplacementReason.values:
        raise DomainError("invalid", _("Alasan penggantian tidak dikenal."), field="replacement_reason")
    number = normalize_passport_number(old_passport_number or "")
    if not number:
        if reason == ReplacementReason.LOST:
            return  # a lost passport's number is often unknown: the police report stands in
        raise DomainError("required", _("Isi nomor paspor lama."), field="old_passport_number")
    if not _PASSPORT_NUMBER.match(number):
        raise DomainError(
            "invalid", _("Nomor paspor lama tidak valid (contoh: B1234567)."), field="old_passport_number"
        )
