"""Forgiving reading of dates and times as people type them on a phone (today: Tue 1 Dec 2026)."""

import datetime as dt

import pytest

from loket.textchannel.format import segments
from loket.textchannel.parsing import Unreadable, birth_date_of, command_of, date_of, time_of

TODAY = dt.date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("typed", "expected", "used"),
    [
        ("3/12", dt.date(2026, 12, 3), 1),
        ("03-12", dt.date(2026, 12, 3), 1),
        ("3.12.2026", dt.date(2026, 12, 3), 1),
        ("3/12/26", dt.date(2026, 12, 3), 1),
        ("2026-12-03", dt.date(2026, 12, 3), 1),
        ("3 des", dt.date(2026, 12, 3), 2),
        ("3 Desember", dt.date(2026, 12, 3), 2),
        ("3 dec 2026", dt.date(2026, 12, 3), 3),
        ("3des", dt.date(2026, 12, 3), 1),
        ("5 jan", dt.date(2027, 1, 5), 2),  # passed this year: next year
        ("30/11", dt.date(2027, 11, 30), 1),
        ("besok", dt.date(2026, 12, 2), 1),
        ("BESOK", dt.date(2026, 12, 2), 1),
        ("tomorrow", dt.date(2026, 12, 2), 1),
        ("lusa", dt.date(2026, 12, 3), 1),
        ("hari ini", TODAY, 2),
        ("senin", dt.date(2026, 12, 7), 1),
        ("Monday", dt.date(2026, 12, 7), 1),
        ("selasa", dt.date(2026, 12, 8), 1),  # today is Tuesday: the next one
        ("rabu", dt.date(2026, 12, 2), 1),
        ("jumat", dt.date(2026, 12, 4), 1),
    ],
)
def test_dates_people_type(typed: str, expected: dt.date, used: int) -> None:
    assert date_of([*typed.split(), "8"], TODAY) == (expected, used)


@pytest.mark.parametrize("typed", ["kemarin", "31/2", "3/13", "xx", "😀", "", "99 des"])
def test_unreadable_dates_say_what_to_type(typed: str) -> None:
    with pytest.raises(Unreadable) as error:
        date_of(typed.split(), TODAY)
    assert "3/12" in str(error.value) or "tidak ada" in str(error.value)


@pytest.mark.parametrize(
    ("typed", "expected", "used"),
    [
        ("8", dt.time(8), 1),
        ("08", dt.time(8), 1),
        ("08.00", dt.time(8), 1),
        ("8:30", dt.time(8, 30), 1),
        ("0800", dt.time(8), 1),
        ("jam 9", dt.time(9), 2),
        ("pukul 13.00", dt.time(13), 2),
        ("08.00wib", dt.time(8), 1),
    ],
)
def test_times_people_type(typed: str, expected: dt.time, used: int) -> None:
    assert time_of(typed.split()) == (expected, used)


@pytest.mark.parametrize("typed", ["", "jam", "25", "8.75", "pagi", "😀"])
def test_unreadable_times(typed: str) -> None:
    with pytest.raises(Unreadable):
        time_of(typed.split())


def test_a_birth_date_needs_its_year() -> None:
    assert birth_date_of(["05-08-1990"], TODAY) == (dt.date(1990, 8, 5), 1)
    assert birth_date_of(["5", "agustus", "1990"], TODAY) == (dt.date(1990, 8, 5), 3)
    with pytest.raises(Unreadable):
        birth_date_of(["05-08"], TODAY)


def test_commands_are_read_in_either_language_and_case() -> None:
    assert command_of("  pesan   PLB besok 8 ").name == "book"
    assert command_of("Book PLB tomorrow 8").language == "en"
    assert command_of("PESAN, PLB, besok, 8").args == ["PLB", "besok", "8"]
    assert command_of("ya!").name == "yes"
    assert command_of("123456").name == "digits"
    assert command_of("😀😀").name == ""
    assert command_of("PESAN\x00PLB").args == ["PLB"]  # a NUL is a space, never reaches a query


def test_segments_count_gsm7_and_unicode() -> None:
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2
    assert segments("€" * 80) == 1  # two septets each
    assert segments("😀" * 30) == 1
    assert segments("é" * 160) == 1  # in the GSM alphabet
    assert segments("ā" * 71) == 2  # not: UCS-2
