"""One way to write a date or a time that a person reads: pages, slips, PDF, errors, mails, texts.

Indonesian: "Rabu, 2 Desember 2026, pukul 08.00 WIB" (clock times with a dot, as Indonesian
writes them); English: "Wednesday 2 December 2026, 08:00 WIB". The language is the active one;
day and month names come from Django's own translations of it. Machine-facing text (the API,
CSV, logs) keeps ISO 8601 and does not use this module.
"""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.functional import lazy
from django.utils.translation import get_language, ngettext, pgettext


class Zoned(Protocol):
    """Anything with a time zone and its short name, e.g. an office."""

    @property
    def zone(self) -> ZoneInfo: ...

    @property
    def zone_abbreviation(self) -> str: ...


def _indonesian() -> bool:
    return (get_language() or "id").split("-")[0] == "id"


def long_date(day: dt.date) -> str:
    """ "Rabu, 2 Desember 2026" / "Wednesday 2 December 2026"."""
    return _long_date(day, get_language() or "id")


@functools.lru_cache(maxsize=1024)
def _long_date(day: dt.date, language: str) -> str:
    # Kept by day and language: the events worker writes the same few days into every message
    # of a rush, and a full window's 409 names the nearest free day (about 30 us a call uncached).
    # `language` is the active one (the cache's key): the names come from it, as the format.
    return dateformat.format(day, "l, j F Y" if _indonesian() else "l j F Y")


def short_date(day: dt.date) -> str:
    """For a text message, where every character counts: "Kam 3 Des" / "Thu 3 Dec" (the same
    day-month order as the long form, never "3/12", which an English reader takes for 12 March)."""
    return dateformat.format(day, "D j M")


def short_datetime(moment: dt.datetime, place: Zoned) -> str:
    """An instant in a place's zone, for a text message: "Kam 3 Des 10.30 WIB"."""
    local = moment.astimezone(place.zone)
    return f"{short_date(local.date())} {clock(local)} {place.zone_abbreviation}"


def clock(moment: dt.time | dt.datetime) -> str:
    """ "08.00" / "08:00"."""
    return f"{moment.hour:02d}.{moment.minute:02d}" if _indonesian() else f"{moment.hour:02d}:{moment.minute:02d}"


def clock_range(start: dt.time, end: dt.time) -> str:
    """ "08.00–09.00" / "08:00–09:00"."""
    return f"{clock(start)}\u2013{clock(end)}"


def _join(day_text: str, time_text: str, abbreviation: str) -> str:
    # Translators: joins a long date, a clock time and the time zone, e.g.
    # "Rabu, 2 Desember 2026, pukul 08.00 WIB".
    text = pgettext("date and time", "%(date)s, pukul %(time)s") % {"date": day_text, "time": time_text}
    return f"{text} {abbreviation}".rstrip()


def local_datetime(day: dt.date, start: dt.time, abbreviation: str = "") -> str:
    """A local date and clock time: "Rabu, 2 Desember 2026, pukul 08.00 WIB"."""
    return _join(long_date(day), clock(start), abbreviation)


def window(day: dt.date, start: dt.time, end: dt.time, abbreviation: str = "") -> str:
    """An arrival window: "Rabu, 2 Desember 2026, pukul 08.00–09.00 WIB"."""
    return _join(long_date(day), clock_range(start, end), abbreviation)


def in_zone(moment: dt.datetime, place: Zoned) -> str:
    """An instant in a place's time zone: "Senin, 30 November 2026, pukul 19.17 WIB"."""
    local = moment.astimezone(place.zone)
    return local_datetime(local.date(), local.time(), place.zone_abbreviation)


def time_left(until: dt.datetime, now: dt.datetime) -> str:
    """What is left before a deadline, in the largest two units: "1 hari 3 jam" / "1 day 3 hours"."""
    seconds = int((until - now).total_seconds())
    if seconds <= 0:
        return pgettext("time left", "waktu habis")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = max(1, rest // 60) if not (days or hours) else rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes})
    return " ".join(parts[:2])


def rupiah(amount: int) -> str:
    """An amount of whole rupiah: "Rp350.000" / "Rp350,000" (the thousands separator of the language)."""
    text = f"Rp{amount:,}"
    return text.replace(",", ".") if _indonesian() else text


def grouped(code: str, size: int = 4) -> str:
    """A code in groups, easier to read aloud and to type: "1234 5678 9012 345"."""
    return " ".join(code[i : i + size] for i in range(0, len(code), size))


def deferred(formatter: Callable[..., str], *args: Any) -> Any:
    """`formatter(*args)` written when the text is read, in the language active then.

    For messages built now and rendered in their reader's language later (the outbox):
    `{"when": deferred(window, day, start, end, "WIB")}`.
    """
    return _lazy(formatter)(*args)


@functools.cache
def _lazy(formatter: Callable[..., str]) -> Callable[..., Any]:
    # lazy() builds a proxy class on every call (0.27 ms, measured on the events worker's bill
    # message); one per formatter is enough.
    return lazy(formatter, str)
