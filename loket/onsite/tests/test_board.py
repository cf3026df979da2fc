"""The waiting-room board: what it shows, what it costs, and what it never shows."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import make_applicant
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office
from loket.onsite.board import board_state
from loket.onsite.models import Counter
from loket.onsite.tests.board_factories import call, counters, issue
from loket.onsite.views.board import grid_columns

# A Tuesday morning in Palembang (WIB, UTC+7).
MORNING = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC) - dt.timedelta(hours=7)


@pytest.fixture(autouse=True)
def _morning() -> Iterator[None]:
    with time_machine.travel(MORNING, tick=False):
        yield


def data_url(office: Office) -> str:
    return reverse("board:data", args=[office.code])


def page_url(office: Office) -> str:
    return reverse("board:page", args=[office.code])


def test_now_serving_shows_the_ticket_at_each_active_counter(office_a: Office) -> None:
    one, _two, three = counters(office_a, 3)
    Counter.objects.create(office=office_a, number=9, stages=["verification"], active=False)
    call(issue(office_a, "A", 23), three)
    call(issue(office_a, "P", 1), one)

    state = board_state(office_a)

    assert [(c.counter, c.ticket) for c in state.counters] == [(1, "P001"), (2, None), (3, "A023")]


def test_a_finished_ticket_leaves_its_counter(office_a: Office) -> None:
    [one] = counters(office_a, 1)
    call(issue(office_a, "A", 1), one)
    call(issue(office_a, "A", 2), one)  # calling the next finishes the first

    assert [(c.counter, c.ticket) for c in board_state(office_a).counters] == [(1, "A002")]


def test_last_calls_are_newest_first_with_one_line_per_ticket(office_a: Office) -> None:
    one, two = counters(office_a, 2)
    tickets = [issue(office_a, "A", n) for n in range(1, 9)]
    for i, ticket in enumerate(tickets):
        call(ticket, one if i % 2 == 0 else two, at=MORNING + dt.timedelta(minutes=i))
    call(tickets[6], one, recall=True, at=MORNING + dt.timedelta(minutes=10))  # A007 still at counter 1

    state = board_state(office_a)

    assert [c.ticket for c in state.recent] == ["A007", "A008", "A006", "A005", "A004", "A003"]
    assert state.recent[0].recall is True
    assert state.recent[0].at == "09:40"  # office time, not UTC
    # The recall is a call event of its own, so the board announces it again.
    assert [(c.ticket, c.recall) for c in state.calls[:3]] == [("A007", True), ("A008", False), ("A007", False)]
    assert len({c.id for c in state.calls}) == len(state.calls) == 9


def test_waiting_counts_per_service_count_only_this_office_and_today(office_a: Office, office_b: Office) -> None:
    [one] = counters(office_a, 1)
    for n in range(1, 4):
        issue(office_a, "A", n)
    issue(office_a, "B", 1)
    issue(office_a, "P", 1)
    call(issue(office_a, "C", 1), one)  # called: no longer waiting
    issue(office_a, "C", 2, day=office_a.local_today() - dt.timedelta(days=1))  # yesterday's
    issue(office_b, "A", 1)

    assert board_state(office_a).waiting == {"A": 3, "B": 1, "C": 0, "P": 1, "E": 0}
    assert board_state(office_b).waiting == {"A": 1, "B": 0, "C": 0, "P": 0, "E": 0}


def test_calls_of_another_office_or_of_yesterday_are_not_on_the_board(office_a: Office, office_b: Office) -> None:
    [one_a] = counters(office_a, 1)
    [one_b] = counters(office_b, 1)
    yesterday = MORNING - dt.timedelta(days=1)
    call(issue(office_a, "A", 1, day=yesterday.date()), one_a, at=yesterday)
    call(issue(office_b, "B", 7), one_b)

    state = board_state(office_a)

    assert state.calls == []
    assert state.recent == []
    assert [(c.counter, c.ticket) for c in state.counters] == [(1, None)]


def test_the_board_data_costs_six_queries_however_busy_the_office(
    office_a: Office, django_assert_max_num_queries: Any
) -> None:
    desks = counters(office_a, 8)
    for n in range(1, 41):
        issue(office_a, "ABCP"[n % 4], n)
    for n, desk in enumerate(desks, start=1):
        call(issue(office_a, "A", 100 + n), desk)

    with django_assert_max_num_queries(6):  # a 304 costs three (test_board_etag.py)
        response = Client().get(data_url(office_a))

    assert response.status_code == 200
    assert len(response.json()["counters"]) == 8


def test_an_unchanged_board_answers_304_and_a_call_changes_its_etag(office_a: Office) -> None:
    [one] = counters(office_a, 1)
    ticket = issue(office_a, "A", 23)
    client = Client()
    first = client.get(data_url(office_a))
    etag = first["ETag"]

    again = client.get(data_url(office_a), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "no-cache" in again["Cache-Control"]

    call(ticket, one)
    changed = client.get(data_url(office_a), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["counters"] == [
        {"counter": 1, "ticket": "A023", "status": "called", "on_break": False, "going": []}
    ]
    assert changed.json()["calls"][0]["text"] == "Nomor antrean A nol dua tiga, silakan menuju loket satu"


def test_the_board_shows_no_name_and_no_nik(office_a: Office) -> None:
    ani = make_applicant()
    person = ani.people.get()
    [one] = counters(office_a, 1)
    call(issue(office_a, "A", 23, name=person.full_name, person=person), one)
    issue(office_a, "B", 4, name="Budi Santoso")

    json_body = Client().get(data_url(office_a)).content.decode()
    page = Client().get(page_url(office_a)).content.decode()

    for body in (json_body, page):
        assert "A023" in body
        for secret in ("Ani Lestari", "Ani", "Budi", "Santoso", person.nik, person.nik[-4:], ani.email):
            assert secret not in body


def test_the_board_page_is_public_and_shows_the_current_state_without_javascript(office_a: Office) -> None:
    [one, _two] = counters(office_a, 2)
    call(issue(office_a, "A", 23), one)
    issue(office_a, "B", 4)

    response = Client().get(page_url(office_a))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page  # inside <noscript>
    assert office_a.name in page
    assert '<span class="counter-label">Loket 1</span> <span class="counter-ticket">A023</span>' in page
    assert '<span class="recent-ticket">A023</span>' in page
    assert (
        '<li data-letter="B"><span class="letter">B</span> <span class="service">Penggantian</span> <span class="count">1</span>'
        in page
    )
    assert "Aktifkan suara" in page
    assert ">09:30<" in page  # the office's clock
    # board.js starts from the state in the page and polls with its ETag.
    assert response.context["board_json"]["etag"] == Client().get(data_url(office_a))["ETag"]


def test_the_board_keeps_the_office_time_zone(db: None) -> None:
    jayapura = make_office("DJJ", timezone="Asia/Jayapura")
    [one] = counters(jayapura, 1)
    call(issue(jayapura, "A", 1), one)

    page = Client().get(page_url(jayapura)).content.decode()

    assert '<time id="board-time" class="board-time">11.30</time>' in page  # 09:30 in Jakarta is 11:30 WIT
    assert '<time class="recent-at">11:30</time>' in page
    assert "WIT<" in page


def test_the_board_speaks_indonesian_to_an_english_browser_unless_asked(office_a: Office) -> None:
    counters(office_a, 1)
    client = Client(headers={"Accept-Language": "en"})

    indonesian = client.get(page_url(office_a)).content.decode()
    english = client.get(page_url(office_a) + "?bahasa=en").content.decode()

    assert '<html lang="id">' in indonesian
    assert "Sedang dilayani" in indonesian
    assert '<html lang="en">' in english
    assert "Now serving" in english
    assert "Turn on sound" in english
    assert '<html lang="id">' in client.get(page_url(office_a) + "?bahasa=xx").content.decode()


def test_an_unknown_office_has_no_board(db: None) -> None:
    assert Client().get("/papan/NOPE/").status_code == 404
    assert Client().get("/papan/NOPE/data.json").status_code == 404


def test_the_office_code_is_not_case_sensitive(office_a: Office) -> None:
    assert Client().get(f"/papan/{office_a.code.lower()}/").status_code == 200


def test_the_board_only_answers_reads(office_a: Office) -> None:
    assert Client().post(data_url(office_a)).status_code == 405
    assert Client().post(page_url(office_a)).status_code == 405


@pytest.mark.parametrize(("n", "cols"), [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (8, 4), (12, 4)])
def test_the_counter_grid_is_about_square(n: int, cols: int) -> None:
    assert grid_columns(n) == cols
