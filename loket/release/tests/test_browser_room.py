"""Joining a waiting room in chromium: the page's script solves the proof of work and joins."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from conftest import PASSWORD
from loket.accounts.models import User
from loket.core.testing.browser import screenshot, sign_in
from loket.offices.models import Office
from loket.release.models import Entry
from loket.release.tests.conftest import NOW, RELEASE_DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_page_solves_the_proof_and_joins(
    live_server: Any, browser_page: Any, applicant: User, ruled: Office
) -> None:
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=True):  # 07:35 WIB: the room is open
        sign_in(browser_page, live_server.url, applicant.email, PASSWORD)
        browser_page.goto(f"{live_server.url}/rilis/OFA/{RELEASE_DAY}/")
        browser_page.click("#join")
        browser_page.wait_for_url("**/ruang-tunggu/**")
        assert "Urutan diundi pukul 08:00 WIB" in browser_page.inner_text("#waiting")
        screenshot(browser_page, "release-waiting")
    assert Entry.objects.get().account == applicant
