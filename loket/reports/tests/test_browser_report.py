"""The office report in chromium: signed in with password and code, a quarter of days, the CSV link."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from loket.accounts.models import User
from loket.booking.models import BookingStatus
from loket.core.testing.browser import screenshot
from loket.offices.models import Closure, Office
from loket.onsite.tests.conftest import office_a, supervisor_a
from loket.onsite.tests.queue_helpers import booked
from loket.onsite.tests.test_browser_office_day import sign_in_with_code

__all__ = ["office_a", "supervisor_a"]  # fixtures used here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_supervisor_reads_the_report_and_gets_the_csv(
    live_server: Any, chromium: Any, office_a: Office, supervisor_a: User
) -> None:
    today = office_a.local_today()
    Closure.objects.create(office=office_a, date=today - dt.timedelta(days=2), reason="Pemadaman listrik")
    for status in (BookingStatus.COMPLETED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW):
        booked(office_a, status=status, day=today - dt.timedelta(days=1))
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in_with_code(page, live_server.url, supervisor_a)

    page.get_by_role("link", name="Laporan").first.click()
    page.get_by_role("heading", name=f"Laporan · {office_a.name}").wait_for()
    assert page.get_by_text("Pemadaman listrik").is_visible()
    yesterday = page.locator(f"tr:has(time[datetime='{(today - dt.timedelta(days=1)).isoformat()}'])")
    assert "66.7" in yesterday.inner_text()  # two of three came
    # The page itself never scrolls sideways; only the wide table does, inside its frame.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The planning charts are SVG drawn by the server: visible without any chart script.
    chart = page.locator("svg.chart-no-shows")
    assert chart.is_visible() and chart.bounding_box()["height"] > 100  # type: ignore[index]
    assert page.locator("svg.chart-no-shows rect.bar.extra").count() == 1  # the one no-show's window
    screenshot(page, "report-office")

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh CSV").click()
    assert download.value.suggested_filename.startswith(f"loket-{office_a.code}-")
    assert "Pemadaman listrik" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    context.close()
