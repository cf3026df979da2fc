"""Joining a waiting room in chromium: the page's script solves the proof of work and joins."""

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import PASSWORD
from loket.accounts.models import User
from loket.core.testing.browser import screenshot, sign_in
from loket.offices.models import Office
from loket.release.models import Entry
from loket.release.room import rooms_tick
from loket.release.tests.conftest import NOW, RELEASE_DAY, join

OPENS = NOW + dt.timedelta(minutes=30)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_page_solves_the_proof_and_joins(
    live_server: Any, browser_page: Any, applicant: User, ruled: Office
) -> None:
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=True):  # 07:35 WIB: the room is open
        sign_in(browser_page, live_server.url, applicant.email, PASSWORD)
        browser_page.goto(f"{live_server.url}/rilis/OFA/{RELEASE_DAY}/")
        browser_page.click("#join")
        browser_page.wait_for_url("**/ruang-tunggu/**")
        assert "Urutan diundi pukul 08.00 WIB" in browser_page.inner_text("#waiting")
        screenshot(browser_page, "release-waiting")
    assert Entry.objects.get().account == applicant


def test_without_javascript_the_join_page_says_what_is_needed_and_the_waiting_page_refreshes_itself(
    live_server: Any, chromium: Any, applicant: User, ruled: Office, settings: Any
) -> None:
    settings.LOKET_RELEASE_REFRESH_SECONDS = 2
    settings.LOKET_TEXT_NUMBER = "+62 811 0000 1234"
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        with time_machine.travel(OPENS - dt.timedelta(seconds=5), tick=True):  # 07:59:55 WIB
            sign_in(page, live_server.url, applicant.email, PASSWORD)
            page.goto(f"{live_server.url}/rilis/OFA/{RELEASE_DAY}/")
            needed = page.locator("#pow-needed")
            assert needed.is_visible()
            assert "diperlukan JavaScript" in needed.inner_text()
            assert "kirim ANTRE OFA 15/12 ke +62 811 0000 1234" in needed.inner_text()
            assert not page.locator("#join").is_visible()  # no dead button
            screenshot(page, "release-join-no-js")
            # Joined another way (the API or a text): the waiting page needs no script.
            entry, _created = join(applicant, ruled, RELEASE_DAY)
            page.goto(f"{live_server.url}/ruang-tunggu/{entry.ticket}/")
            assert "Anda sudah di ruang tunggu" in page.inner_text("#waiting")
            while timezone.now() < OPENS:
                time.sleep(0.2)
            assert rooms_tick() == 1  # the draw at 08:00: the only one waiting is admitted
            # Only the meta refresh can bring the news: scripts are off in this browser.
            page.wait_for_selector("#book-now", timeout=8_000)
            assert "Giliran Anda!" in page.inner_text("#waiting")
    finally:
        context.close()
