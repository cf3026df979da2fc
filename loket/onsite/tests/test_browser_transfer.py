"""The board in a real browser shows a ticket transferred to a named counter in that counter's box,
and drops it there once that counter calls it."""

from typing import Any

import pytest

from loket.accounts.models import StaffRoleKind
from loket.booking.tests.conftest import make_office
from loket.core.testing.browser import screenshot, wait_for_js
from loket.onsite.services import calls
from loket.onsite.tests.board_factories import call, counters, issue
from loket.onsite.tests.conftest import make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOING = "([n]) => { const box = document.querySelector(`#board-counters [data-counter='${n}'] .counter-going`);"


def test_the_board_shows_the_ticket_going_to_its_counter(live_server: Any, chromium: Any) -> None:
    office = make_office("PLT", capacity=5)
    one, two = counters(office, 2)
    officer = make_officer(email="loket.plt@imigrasi.go.id", office=office, role=StaffRoleKind.COUNTER)
    ticket = issue(office, "A", 7)
    call(ticket, one)
    context = chromium.new_context(viewport={"width": 1280, "height": 720}, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/papan/PLT/")
    wait_for_js(page, "window.loketBoard !== undefined")
    calls.ticket_transfer(counter=one, by=officer, to_counter=2)
    wait_for_js(page, GOING + " return box !== null && box.textContent.includes('A007'); }", arg=[2], timeout=3000)
    assert page.evaluate(GOING + " return box; }", [1]) is None
    screenshot(page, "board-going-to-counter")
    calls.counter_call_next(counter=two, by=officer)
    wait_for_js(page, GOING + " return box === null; }", arg=[2], timeout=3000)
    context.close()
