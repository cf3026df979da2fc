"""The demo phone in a real browser: a short conversation typed into the page, on a 390 px phone."""

import re
from typing import Any

import pytest

from loket.booking.models import Booking
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.core.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def say(page: Any, text: str) -> str:
    """Type and send one message; the newest bubble from Loket afterwards."""
    before = page.locator(".bubble.theirs").count()
    page.get_by_label("Pesan", exact=True).fill(text)
    page.get_by_role("button", name="Kirim").click()
    page.locator(".bubble.theirs").nth(before).wait_for()
    newest = page.locator(".bubble").first  # the thread lists the newest first (shown at the bottom)
    assert "Loket" in newest.inner_text()
    assert text in page.locator(".bubble.mine").first.inner_text()
    return str(newest.inner_text())


def test_register_and_book_on_the_demo_phone(live_server: Any, browser_page: Any, settings: Any) -> None:
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.LOKET_BASE_URL = live_server.url
    make_office("PLB", capacity=3)
    page = browser_page
    page.goto(live_server.url + "/demo/telepon/")
    page.get_by_label("Nomor HP pengirim").fill("0812 9999 0001")
    page.get_by_label("Saluran").select_option("whatsapp")
    code = re.search(r"KODE (\d{6})", say(page, "DAFTAR 1671014508900002 05-08-1990 Ani Lestari"))
    assert code
    assert "Nomor terverifikasi" in say(page, code[1])
    day = open_day_ahead()
    assert "Balas YA" in say(page, f"pesan plb {day.day}/{day.month} 8")
    booked = say(page, "ya")
    assert Booking.objects.get().code in booked
    assert page.locator(".bubble.mine").count() == 4
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390
    screenshot(page, "textchannel-demo-phone")
