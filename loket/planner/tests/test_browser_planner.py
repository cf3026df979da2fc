"""The planner in chromium: a supervisor signs in, reads the predicted waits beside the measured
ones, asks for fewer counters and a suggestion, and applies the suggested quotas from a date."""

import datetime as dt
from typing import Any

import pytest

from loket.accounts.models import StaffRoleKind
from loket.audit.models import AuditEntry
from loket.core.testing.browser import screenshot
from loket.offices.models import ArrivalWindow
from loket.onsite.tests.conftest import make_officer
from loket.onsite.tests.test_browser_office_day import sign_in_with_code
from loket.planner.demo_history import history_seed
from loket.planner.tests.conftest import KNOWN, make_planned_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_supervisor_plans_and_applies_a_quota(live_server: Any, chromium: Any) -> None:
    office = make_planned_office("OFP")
    today = office.local_today()
    history_seed(office=office, truth=KNOWN, days=[today - dt.timedelta(days=n) for n in range(1, 9)])
    supervisor = make_officer(email="supervisor.p@imigrasi.go.id", office=office, role=StaffRoleKind.SUPERVISOR)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(30_000)
    page = context.new_page()
    sign_in_with_code(page, live_server.url, supervisor)

    page.get_by_role("link", name="Rencana kapasitas").first.click()
    page.get_by_role("heading", name=f"Rencana kapasitas · {office.name}").wait_for()
    assert page.locator("svg.chart rect.p90").count() >= 4
    assert page.locator("svg.chart circle.m90").count() >= 4  # the measured day a week ago
    assert page.get_by_text("data kantor ini").first.is_visible()
    p90 = page.locator("dl.figures dd").nth(1)
    before = int(p90.inner_text().split()[0])

    for hour in (8, 9, 10):
        page.get_by_label(f"Verifikasi berkas {hour:02d}:00", exact=True).fill("1")
    page.get_by_role("button", name="Hitung prediksi").click()
    page.wait_for_url("**aksi=hitung**")
    assert int(p90.inner_text().split()[0]) > before + 10  # one verification counter: much longer waits

    page.get_by_role("button", name="Sarankan kuota terbesar").click()
    page.get_by_role("heading", name="Saran").wait_for()
    suggested = page.locator("table:has(caption:has-text('Kuota terbesar')) tbody tr td strong").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "planner-suggestion")

    form = page.locator("form.apply")
    assert form.get_by_label("08.00–09.00").input_value() == suggested
    form.get_by_label("Saya mengerti", exact=False).check()
    form.get_by_role("button", name="Terapkan kuota").click()
    page.get_by_text("Kuota baru berlaku mulai").wait_for()
    screenshot(page, "planner-applied")
    tomorrow = today + dt.timedelta(days=1)
    assert ArrivalWindow.objects.get(office=office, weekday=tomorrow.weekday(), start=dt.time(8)).capacity == int(
        suggested
    )
    assert AuditEntry.objects.filter(action="plan.apply", actor=supervisor).count() == 1
    context.close()
