"""Reading what people type on a phone: keywords, dates and window times, forgivingly.

Dates: "3/12", "3-12-2026", "2026-12-03", "3 des", "3 desember 2026", "3des", "besok",
"lusa", "senin" (the next Monday after today), English too ("tomorrow", "monday", "3 dec").
A day and month without a year is the next such day from today on. Times: "8", "08",
"8.00", "08:00", "0800", with an optional "jam"/"pukul"/"at" before them.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

# keyword -> (command, language of the keyword: "id", "en" or "" when it is both)
KEYWORDS: dict[str, tuple[str, str]] = {
    "BANTUAN": ("help", "id"),
    "HELP": ("help", "en"),
    "MENU": ("help", ""),
    "INFO": ("help", ""),
    "?": ("help", ""),
    "DAFTAR": ("register", "id"),
    "REGISTER": ("register", "en"),
    "KODE": ("code", "id"),
    "CODE": ("code", "en"),
    "KANTOR": ("offices", "id"),
    "OFFICE": ("offices", "en"),
    "OFFICES": ("offices", "en"),
    "JADWAL": ("schedule", "id"),
    "SCHEDULE": ("schedule", "en"),
    "PESAN": ("book", "id"),
    "BOOK": ("book", "en"),
    "CEK": ("check", "id"),
    "CHECK": ("check", "en"),
    "STATUS": ("check", ""),
    "BAYAR": ("pay", "id"),
    "PAY": ("pay", "en"),
    "UBAH": ("reschedule", "id"),
    "CHANGE": ("reschedule", "en"),
    "RESCHEDULE": ("reschedule", "en"),
    "BATAL": ("cancel", "id"),
    "CANCEL": ("cancel", "en"),
    "ANTRE": ("queue", "id"),
    "ANTRI": ("queue", "id"),
    "QUEUE": ("queue", "en"),
    "KELUARGA": ("family", "id"),
    "FAMILY": ("family", "en"),
    "YA": ("yes", "id"),
    "YES": ("yes", "en"),
    "Y": ("yes", ""),
    "OK": ("yes", ""),
    "TIDAK": ("no", "id"),
    "NO": ("no", "en"),
    "N": ("no", ""),
}

TEXT_MAX = 500  # longer than any command; a longer message is answered without being read

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPLIT = re.compile(r"[\s,;]+")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})(?:[/\-.](\d{4}|\d{2}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH_WORD = re.compile(r"^(\d{1,2})([a-z]+)$")
_TIME = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?$")
_TIME_COMPACT = re.compile(r"^(\d{2})(\d{2})$")

MONTHS = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6, "jul": 7,
    "agu": 8, "agt": 8, "ags": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11,
    "des": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "senin": 0, "sen": 0, "monday": 0, "mon": 0,
    "selasa": 1, "sel": 1, "tuesday": 1, "tue": 1,
    "rabu": 2, "rab": 2, "wednesday": 2, "wed": 2,
    "kamis": 3, "kam": 3, "thursday": 3, "thu": 3,
    "jumat": 4, "jum'at": 4, "jum": 4, "friday": 4, "fri": 4,
    "sabtu": 5, "sab": 5, "saturday": 5, "sat": 5,
    "minggu": 6, "ahad": 6, "min": 6, "sunday": 6, "sun": 6,
}  # fmt: skip
RELATIVE = {"hariini": 0, "today": 0, "besok": 1, "bsk": 1, "tomorrow": 1, "lusa": 2}
TIME_PREFIXES = {"jam", "pukul", "pk", "pkl", "at"}


class Unreadable(ValueError):
    """What the person typed cannot be read; the message says what to type instead."""


@dataclass(frozen=True)
class Command:
    name: str  # a KEYWORDS command, "" for an unknown word, "digits" for a bare code
    language: str  # "id", "en" or "" (the keyword does not tell)
    args: list[str]
    word: str  # the first word as typed (upper case, cut), for the inbound log


def clean(text: str) -> str:
    """Folded (NFKC) and without control characters: newlines and tabs become spaces."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def command_of(text: str) -> Command:
    tokens = [t for t in _SPLIT.split(clean(text)) if t]
    if not tokens:
        return Command("", "", [], "")
    word = tokens[0].upper().strip(".!:")
    if word.isdigit() and len(word) == 6:
        return Command("digits", "", [word], word)
    name, language = KEYWORDS.get(word, ("", ""))
    return Command(name, language, tokens[1:], word[:12])


def _date_or_error(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Unreadable(_("Tanggal %(d)d/%(m)d tidak ada.") % {"d": day, "m": month}) from None


def _month(word: str) -> int | None:
    return MONTHS.get(word[:3]) if len(word) >= 3 else None


def _year(token: str) -> int:
    year = int(token)
    return year + 2000 if year < 100 else year


def _upcoming(today: dt.date, month: int, day: int) -> dt.date:
    """The day and month from today on: this year, or next year once it has passed."""
    this_year = _date_or_error(today.year, month, day) if (month, day) != (2, 29) else None
    if this_year is not None and this_year >= today:
        return this_year
    return _date_or_error(today.year + 1, month, day)


def date_of(tokens: list[str], today: dt.date) -> tuple[dt.date, int]:
    """The date at the start of `tokens` and how many tokens it took."""
    if not tokens:
        raise Unreadable(_("Tanggal belum ditulis. Contoh: 3/12, 3 des, besok, senin."))
    first = tokens[0].lower().strip(".")
    if len(tokens) > 1 and (first, tokens[1].lower()) in {("hari", "ini"), ("hari", "ni")}:
        return today, 2
    if first in RELATIVE:
        return today + dt.timedelta(days=RELATIVE[first]), 1
    if first in WEEKDAYS:
        ahead = (WEEKDAYS[first] - today.weekday() - 1) % 7 + 1
        return today + dt.timedelta(days=ahead), 1
    if match := _ISO_DATE.match(first):
        return _date_or_error(int(match[1]), int(match[2]), int(match[3])), 1
    if match := _NUMERIC_DATE.match(first):
        day, month = int(match[1]), int(match[2])
        if match[3]:
            return _date_or_error(_year(match[3]), month, day), 1
        return _upcoming(today, month, day), 1
    day_text, month_word, used = first, "", 1
    if match := _DAY_MONTH_WORD.match(first):
        day_text, month_word = match[1], match[2]
    elif first.isdigit() and len(tokens) > 1:
        month_word, used = tokens[1].lower().strip("."), 2
    named_month = _month(month_word) if month_word else None
    if day_text.isdigit() and named_month:
        month = named_month
        if len(tokens) > used and re.fullmatch(r"\d{4}", tokens[used]):
            return _date_or_error(int(tokens[used]), month, int(day_text)), used + 1
        return _upcoming(today, month, int(day_text)), used
    raise Unreadable(_("Tanggal '%(text)s' tidak terbaca. Contoh: 3/12, 3 des, besok, senin.") % {"text": first[:20]})


def time_of(tokens: list[str]) -> tuple[dt.time, int]:
    """The window's start time at the start of `tokens` and how many tokens it took."""
    used = 0
    if tokens and tokens[0].lower() in TIME_PREFIXES:
        used = 1
    if len(tokens) <= used:
        raise Unreadable(_("Jam kedatangan belum ditulis. Contoh: 8 atau 08.00."))
    text = tokens[used].lower().removesuffix("wib").removesuffix("wita").removesuffix("wit")
    match = _TIME.match(text) or _TIME_COMPACT.match(text)
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute), used + 1
    raise Unreadable(_("Jam '%(text)s' tidak terbaca. Contoh: 8 atau 08.00.") % {"text": tokens[used][:20]})


def birth_date_of(tokens: list[str], today: dt.date) -> tuple[dt.date, int]:
    """A birth date must carry its year: "05-08-1990", "5/8/1990", "1990-08-05", "5 agustus 1990"."""
    date, used = date_of(tokens, today)
    written = " ".join(tokens[:used])
    if not re.search(r"\d{4}", written):
        raise Unreadable(_("Tulis tanggal lahir lengkap dengan tahunnya, mis. 05-08-1990."))
    return date, used
