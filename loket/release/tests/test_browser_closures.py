"""The closures page in chromium: a supervisor closes a day on which someone booked; the page says
how many were told, and axe-core finds no violation on it."""

import datetime as dt
from typing import Any

import pytest

from loket.accounts.models import User
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import open_day_ahead
from loket.core.testing.browser import assert_accessible, screenshot
from loket.offices.models import Closure, Office
from loket.onsite.tests.test_browser_office_day import sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_supervisor_closes_a_booked_day_from_the_closures_page(
    live_server: Any, chromium: Any, office_a: Office, supervisor_a: User, applicant: User
) -> None:
    day = open_day_ahead()
    request = BookingRequest(office=office_a.code, date=day, start=dt.time(8), service="new", passport_type="regular")
    booking_create(user=applicant, request=request)
    # bypass_csp: axe-core is injected as an inline script.
    page = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", bypass_csp=True).new_page()
    sign_in_with_code(page, live_server.url, supervisor_a)
    page.get_by_role("link", name="Penutupan kantor").click()
    page.get_by_role("heading", name=f"Penutupan kantor · {office_a.name}").wait_for()
    assert_accessible(page)
    page.get_by_label("Tanggal").fill(day.isoformat())
    page.get_by_label("Alasan").fill("Pemadaman listrik")
    page.get_by_role("button", name="Tutup kantor pada tanggal ini").click()
    page.get_by_text("1 orang yang sudah memesan hari itu diberi tahu.").wait_for()
    assert page.locator("#closures tbody tr").count() == 1
    assert page.locator("#closures tbody td").nth(2).inner_text() == "1"
    assert_accessible(page)
    screenshot(page, "staff-closures")
    assert Closure.objects.get(office=office_a, date=day).reason == "Pemadaman listrik"
    page.context.close()
