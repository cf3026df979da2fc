"""The board in a real browser: a call reaches the screen within two seconds and is spoken once.

The last test serves the board from the app server with several worker processes while this
process writes the call: nothing may depend on state inside one app process.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection

from loket.booking.tests.conftest import make_office
from loket.core.testing.browser import CHROMIUM, screenshot, wait_for_js
from loket.offices.models import Office
from loket.onsite.models import Counter
from loket.onsite.tests.board_factories import call, counters, issue
from loket.onsite.voice import announcement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[3]
CALL_REACHES_SCREEN_MS = 2000


def board_page(browser: Any, url: str, *, width: int = 1280, height: int = 720) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url)
    wait_for_js(page, "window.loketBoard !== undefined")
    return page


def shows(page: Any, counter: int, ticket: str, *, timeout: int = CALL_REACHES_SCREEN_MS) -> float:
    """Wait until `counter` shows `ticket` on the board; returns the seconds it took."""
    start = time.monotonic()
    wait_for_js(
        page,
        "([counter, ticket]) => {"
        "  const cell = document.querySelector(`#board-counters [data-counter='${counter}'] .counter-ticket`);"
        "  return cell !== null && cell.textContent === ticket; }",
        arg=[counter, ticket],
        timeout=timeout,
    )
    return time.monotonic() - start


def played_clips(page: Any, event_id: int) -> list[str]:
    return page.evaluate("(id) => window.loketBoard.played.filter(p => p.id === id).map(p => p.clip)", event_id)


def wait_until_spoken(page: Any, event_id: int, clips: int) -> None:
    wait_for_js(
        page,
        "([id, n]) => window.loketBoard.played.filter(p => p.id === id).length === n",
        arg=[event_id, clips],
        timeout=20_000,
    )


def announced_ids(page: Any) -> list[int]:
    return page.evaluate("window.loketBoard.announced.map(a => a.id)")


def wait_for_polls(page: Any, n: int) -> None:
    wait_for_js(page, "(n) => window.loketBoard.polls >= n", arg=page.evaluate("window.loketBoard.polls") + n)


def test_a_call_reaches_the_board_within_two_seconds_and_is_announced_once(live_server: Any, chromium: Any) -> None:
    office = make_office("PLB", capacity=5)
    _one, two, three = counters(office, 3)
    ticket = issue(office, "A", 23)
    page = board_page(chromium, f"{live_server.url}/papan/PLB/")
    # Without the kiosk flag the browser keeps sound off until someone presses the button once.
    sound = page.get_by_role("button", name="Aktifkan suara")
    sound.click()
    wait_for_js(page, "window.loketBoard.soundOn === true")
    assert sound.is_hidden()

    start = time.monotonic()
    event = call(ticket, three)  # committed at once: this test runs outside a transaction
    wait_for_js(
        page,
        "() => document.querySelector(\"#board-counters [data-counter='3'] .counter-ticket\").textContent === 'A023'",
        timeout=CALL_REACHES_SCREEN_MS,
    )
    assert time.monotonic() - start < CALL_REACHES_SCREEN_MS / 1000

    expected = announcement("A023", 3)
    wait_until_spoken(page, event.pk, len(expected.clips))
    assert played_clips(page, event.pk) == list(expected.clips)
    assert page.evaluate("window.loketBoard.announced")[-1]["text"] == expected.text
    wait_for_polls(page, 3)
    assert announced_ids(page) == [event.pk]  # polled again and again, announced once

    # A recall is announced again, and a call made at once after it is spoken after it, not
    # over it (each announcement is some ten seconds of voice, played in real time).
    recall = call(ticket, three, recall=True)
    wait_for_js(page, "(id) => window.loketBoard.announced.some(a => a.id === id)", recall.pk)
    second = call(issue(office, "P", 1), two)  # comes with a later poll, while the recall is said
    shows(page, 2, "P001")
    assert announced_ids(page) == [event.pk, recall.pk, second.pk]
    # Until the chime of the second call, the recall before it has been said in full.
    wait_for_js(page, "(id) => window.loketBoard.played.some(p => p.id === id)", second.pk, timeout=30_000)
    played = [p["id"] for p in page.evaluate("window.loketBoard.played")]
    said_before = played[: played.index(second.pk)]
    assert said_before == [event.pk] * len(expected.clips) + [recall.pk] * len(expected.clips), "overlapped"
    assert set(played[len(said_before) :]) == {second.pk}
    assert played_clips(page, recall.pk) == list(expected.clips)
    assert played_clips(page, second.pk)[0] == announcement("P001", 2).clips[0]
    page.context.close()


def test_the_board_says_when_the_network_is_down_and_catches_up_after(live_server: Any, chromium: Any) -> None:
    office = make_office("NET", capacity=5)
    [one] = counters(office, 1)
    page = board_page(chromium, f"{live_server.url}/papan/NET/")
    page.route("**/data.json", lambda route: route.abort())
    page.get_by_role("status").filter(has_text="Koneksi terputus").wait_for(state="visible")

    call(issue(office, "C", 9), one)
    page.unroute("**/data.json")
    shows(page, 1, "C009", timeout=5000)
    assert page.get_by_role("status").is_hidden()
    page.context.close()


def busy_office() -> Office:
    office = make_office("PLG", capacity=5)
    office.name = "Kantor Imigrasi Kelas I TPI Palembang"
    office.save()
    desks = counters(office, 6)
    for n in range(30, 52):
        issue(office, "A", n)
    for n in range(8, 14):
        issue(office, "B", n)
    for n in range(3, 6):
        issue(office, "C", n)
    issue(office, "P", 4)
    for desk, (letter, number) in zip(desks[:5], [("A", 24), ("B", 7), ("A", 27), ("C", 2), ("P", 3)], strict=True):
        call(issue(office, letter, number), desk)
    return office


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_the_board_fills_a_landscape_screen_without_scrolling(
    live_server: Any, chromium: Any, width: int, height: int
) -> None:
    office = busy_office()
    page = board_page(chromium, f"{live_server.url}/papan/{office.code}/", width=width, height=height)
    page.get_by_role("button", name="Aktifkan suara").click()  # once, when the TV is set up
    wait_for_js(page, "window.loketBoard.soundOn === true")
    call(issue(office, "A", 28), Counter.objects.get(office=office, number=6))
    shows(page, 6, "A028")
    screenshot(page, f"board-{width}x{height}")

    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [width, height]
    # Read from across the room: the ticket at a counter is at least a tenth of the screen high.
    ticket_px = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.counter.busy .counter-ticket')).fontSize)"
    )
    assert ticket_px >= height / 10
    texts = page.locator("#board-recent .recent-ticket").all_text_contents()
    assert texts == ["A028", "P003", "C002", "A027", "B007", "A024"]
    assert page.locator("#board-waiting [data-letter='A'] .count").text_content() == "22"
    page.context.close()


@pytest.fixture
def app_server(transactional_db: None) -> Iterator[str]:
    """The app server (config/web.py) with three worker processes on the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("the app server processes share the test database only on PostgreSQL")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",
        "DEBUG": "on",  # static files from the app folders (no collectstatic in a test)
        "LOKET_DEV": "on",
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "3",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "config.web"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/papan/NONE/data.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(
                        f"the app server did not start: {server.stderr.read() if server.stderr else ''}"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.postgres_only
def test_a_call_written_by_another_process_reaches_a_board_served_by_several_app_server_workers(
    app_server: str, chromium: Any
) -> None:
    office = make_office("MLT", capacity=5)
    [one, two] = counters(office, 2)
    # The TV set up as the README says: Chromium allowed to play sound without a click.
    kiosk = chromium.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
    )
    try:
        page = board_page(kiosk, f"{app_server}/papan/MLT/")
        wait_for_js(page, "window.loketBoard.soundOn === true")
        assert page.get_by_role("button", name="Aktifkan suara").is_hidden()
        # Three workers answer the polls in turn; every one of them must see the same call.
        events = []
        for counter, ticket in (
            (one, issue(office, "A", 1)),
            (two, issue(office, "B", 1)),
            (one, issue(office, "A", 2)),
        ):
            events.append(call(ticket, counter))
            took = shows(page, counter.number, ticket.display)
            assert took < CALL_REACHES_SCREEN_MS / 1000, f"{ticket.display} on the board after {took:.2f} s"
        assert announced_ids(page) == [event.pk for event in events]
        # The voice plays without a click (the calls after it wait their turn, as in the test above).
        wait_until_spoken(page, events[0].pk, len(announcement("A001", one.number).clips))
    finally:
        kiosk.close()
