import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from loket.core import datefmt


class Place:
    zone = ZoneInfo("Asia/Makassar")
    zone_abbreviation = "WITA"


WEDNESDAY = dt.date(2026, 12, 2)


def test_long_date_in_both_languages() -> None:
    with translation.override("id"):
        assert datefmt.long_date(WEDNESDAY) == "Rabu, 2 Desember 2026"
    with translation.override("en"):
        assert datefmt.long_date(WEDNESDAY) == "Wednesday 2 December 2026"
    with translation.override("id"):  # kept by day and language: the English text is not given back
        assert datefmt.long_date(WEDNESDAY) == "Rabu, 2 Desember 2026"


def test_clock_uses_a_dot_in_indonesian_and_a_colon_in_english() -> None:
    with translation.override("id"):
        assert datefmt.clock(dt.time(8, 5)) == "08.05"
        assert datefmt.clock_range(dt.time(8), dt.time(9)) == "08.00\u201309.00"
    with translation.override("en"):
        assert datefmt.clock(dt.time(8, 5)) == "08:05"


def test_an_instant_is_written_in_the_place_zone() -> None:
    moment = dt.datetime(2026, 11, 30, 11, 17, tzinfo=dt.UTC)  # 19.17 in Makassar (UTC+8)
    with translation.override("id"):
        assert datefmt.in_zone(moment, Place()) == "Senin, 30 November 2026, pukul 19.17 WITA"
    with translation.override("en"):
        assert datefmt.in_zone(moment, Place()) == "Monday 30 November 2026, 19:17 WITA"


def test_a_window_names_day_and_both_clock_times() -> None:
    with translation.override("id"):
        assert (
            datefmt.window(WEDNESDAY, dt.time(8), dt.time(9), "WIB")
            == "Rabu, 2 Desember 2026, pukul 08.00\u201309.00 WIB"
        )


def test_time_left_keeps_the_two_largest_units() -> None:
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    with translation.override("id"):
        assert datefmt.time_left(now + dt.timedelta(days=1, hours=3, minutes=20), now) == "1 hari 3 jam"
        assert datefmt.time_left(now + dt.timedelta(minutes=42), now) == "42 menit"
        assert datefmt.time_left(now - dt.timedelta(seconds=1), now) == "waktu habis"
    with translation.override("en"):
        assert datefmt.time_left(now + dt.timedelta(days=2, hours=1), now) == "2 days 1 hour"


def test_codes_are_grouped_for_reading() -> None:
    assert datefmt.grouped("820123456789012") == "8201 2345 6789 012"
    assert datefmt.grouped("820123456789012", 5) == "82012 34567 89012"


def test_template_filters() -> None:
    template = Template("{% load datefmt %}{{ d|long_date }} {{ t|clock }} {{ m|in_zone:p }} {{ c|grouped }}")
    moment = dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)
    with translation.override("id"):
        text = template.render(Context({"d": WEDNESDAY, "t": dt.time(8), "m": moment, "p": Place(), "c": "ABCDEFGH"}))
    assert text == "Rabu, 2 Desember 2026 08.00 Rabu, 2 Desember 2026, pukul 08.00 WITA ABCD EFGH"


def test_a_text_message_gets_the_short_form_in_the_same_order() -> None:
    moment = dt.datetime(2026, 12, 3, 2, 30, tzinfo=dt.UTC)  # 10.30 in Makassar
    with translation.override("id"):
        assert datefmt.short_date(dt.date(2026, 12, 3)) == "Kam 3 Des"
        assert datefmt.short_datetime(moment, Place()) == "Kam 3 Des 10.30 WITA"
    with translation.override("en"):
        assert datefmt.short_datetime(moment, Place()) == "Thu 3 Dec 10:30 WITA"


def test_a_deferred_text_is_written_in_the_language_active_when_read() -> None:
    when = datefmt.deferred(datefmt.window, WEDNESDAY, dt.time(8), dt.time(9), "WIB")
    with translation.override("en"):
        assert str(when) == "Wednesday 2 December 2026, 08:00\u201309:00 WIB"
    with translation.override("id"):
        assert "%(when)s" % {"when": when} == "Rabu, 2 Desember 2026, pukul 08.00\u201309.00 WIB"  # noqa: UP031 - the messages format this way


def test_an_amount_uses_the_thousands_separator_of_the_language() -> None:
    with translation.override("id"):
        assert datefmt.rupiah(350_000) == "Rp350.000"
        assert datefmt.rupiah(1_250_000) == "Rp1.250.000"
    with translation.override("en"):
        assert datefmt.rupiah(350_000) == "Rp350,000"
