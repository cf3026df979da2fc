"""The date step as a month grid: open days link on, full and closed days say so (and why)."""

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db.models import F
from django.test import Client

from loket.booking.models import Slot
from loket.booking.seats import slot_for
from loket.offices.models import Closure, Office
from loket.web.tests.conftest import in_language

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tuesday 1 December, 07:30 WIB


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def fill_day(office: Office, day: dt.date) -> None:
    for start in (dt.time(8), dt.time(9)):
        slot_for(office, day, start)
    Slot.objects.filter(office=office, date=day).update(booked=F("capacity"))


def cell(html: str, day: int) -> str:
    """The table cell of one day of the month."""
    link, cross, hidden = (
        '(?:<a href="[^"]*">)?',
        '(?:<span aria-hidden="true">×</span>)?',
        '<span class="sr">[^<]*</span>',
    )
    match = re.search(rf'<td class="[a-z]+">{link}{day}{cross}{hidden}(?:</a>)?</td>', html)
    assert match, day
    return match.group(0)


def test_the_grid_is_a_table_of_weeks_starting_on_monday(signed_in: Client, office: Office) -> None:
    html = signed_in.get("/pesan/PLB/").content.decode()
    assert "<caption>Desember 2026</caption>" in html
    assert html.count('<th scope="col">') == 7
    assert '<abbr title="Senin">Sen</abbr>' in html
    first_week = re.search(r"<tbody><tr>(.*?)</tr>", html)
    assert first_week
    assert first_week.group(1).startswith('<td></td><td class="open">')  # 1 December 2026 is a Tuesday
    assert len(re.findall(r"<tr>", html)) == 1 + 5  # the header row and five weeks


def test_open_full_and_closed_days_are_marked_with_the_reason(signed_in: Client, office: Office) -> None:
    fill_day(office, dt.date(2026, 12, 4))
    Closure.objects.create(office=office, date=dt.date(2026, 12, 3), reason="Pemadaman listrik")
    html = signed_in.get("/pesan/PLB/").content.decode()
    assert 'href="/pesan/PLB/2026-12-02/"' in cell(html, 2)
    assert 'class="full"' in cell(html, 4)
    assert "penuh" in cell(html, 4)
    assert "href" not in cell(html, 4)
    assert "tutup, Pemadaman listrik" in cell(html, 3)
    assert "tutup, Hari Raya Natal" in cell(html, 25)  # a national holiday
    assert "Kamis, 3 Desember 2026 — tutup: Pemadaman listrik" in html  # the closures listed under the grid
    assert "Jumat, 25 Desember 2026 — tutup: Hari Raya Natal" in html


def test_the_grid_in_english(signed_in: Client, office: Office) -> None:
    fill_day(office, dt.date(2026, 12, 4))
    html = in_language(signed_in, "en").get("/pesan/PLB/").content.decode()
    assert "<caption>December 2026</caption>" in html
    assert '<abbr title="Monday">Mon</abbr>' in html
    assert "December: full" in cell(html, 4)
    assert "December: available" in cell(html, 2)


def test_a_longer_horizon_shows_the_next_month_too(signed_in: Client, office: Office) -> None:
    office.horizon_days = 45
    office.save()
    html = signed_in.get("/pesan/PLB/").content.decode()
    assert "<caption>Januari 2027</caption>" in html
    assert 'href="/pesan/PLB/2027-01-04/"' in html
    assert 'href="/pesan/PLB/2027-01-31/"' not in html  # beyond the 45-day horizon


@pytest.mark.parametrize(
    ("moment", "months"),
    [
        # 30 November, 07:30 WIB: that day's windows are still to come, so November stays.
        (dt.datetime(2026, 11, 30, 0, 30, tzinfo=dt.UTC), ["November 2026", "Desember 2026"]),
        # 30 November, 21:00 WIB: every day of November is gone, so the grid starts with December.
        (dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC), ["Desember 2026"]),
    ],
)
def test_a_month_whose_days_are_all_gone_is_not_offered(
    signed_in: Client, office: Office, moment: dt.datetime, months: list[str]
) -> None:
    with time_machine.travel(moment, tick=False):
        html = signed_in.get("/pesan/PLB/").content.decode()
    assert re.findall(r"<caption>([^<]+)</caption>", html) == months


def test_a_past_day_answers_with_the_reason_and_the_next_day_with_room(signed_in: Client, office: Office) -> None:
    answer = signed_in.get("/pesan/PLB/2026-11-20/")
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "tanggal sudah lewat" in html
    assert 'href="/pesan/PLB/2026-12-01/"' in html  # today still has room at 09:00
