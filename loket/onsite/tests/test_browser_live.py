"""In chromium: a counter page and the supervisor's dashboard update themselves after a call made elsewhere."""

from typing import Any

import pytest

from loket.accounts.models import User
from loket.core.testing.browser import screenshot
from loket.offices.models import Office
from loket.onsite.models import Stage
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.queue_helpers import booked, counter, now_window
from loket.onsite.tests.test_browser_queue import desk_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_counter_and_the_dashboard_follow_a_call_made_at_another_counter(
    live_server: Any, chromium: Any, office_a: Office, counter_officer_a: User, supervisor_a: User
) -> None:
    counter(office_a, 1, Stage.VERIFICATION)
    other = counter(office_a, 2, Stage.VERIFICATION)
    window = now_window(office_a)
    first = ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Rahmat Hidayat", **window))
    second = ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Budi Santoso", **window))

    officer = desk_page(chromium, live_server, counter_officer_a)
    officer.goto(f"{live_server.url}/petugas/{office_a.code}/loket/1/")
    officer.get_by_role("heading", name="Menunggu: 2").wait_for()
    supervisor = desk_page(chromium, live_server, supervisor_a)
    supervisor.goto(f"{live_server.url}/petugas/{office_a.code}/dasbor/")
    assert supervisor.locator("#dash-waiting").inner_text() == "2"
    screenshot(officer, "live-counter-before")
    screenshot(supervisor, "live-dashboard-before")

    # Counter 2's officer calls the next person, at his own desk: neither page is reloaded.
    calls.counter_call_next(counter=other, by=counter_officer_a)
    officer.get_by_role("heading", name="Menunggu: 1").wait_for(timeout=5000)
    assert first.display not in officer.locator(".waiting").inner_text()
    assert second.display in officer.locator(".waiting").inner_text()
    supervisor.locator("#dash-waiting", has_text="1").wait_for(timeout=5000)
    row = supervisor.locator('#dash-counters tr[data-counter="2"]')
    assert "memanggil" in row.inner_text() and first.display in row.inner_text()
    screenshot(officer, "live-counter-after")
    screenshot(supervisor, "live-dashboard-after")

    # A break at counter 2 reaches the dashboard the same way.
    calls.ticket_finish(counter=other, by=counter_officer_a)
    calls.counter_set_break(counter=other, on_break=True, by=counter_officer_a)
    supervisor.locator('#dash-counters tr[data-counter="2"]', has_text="istirahat").wait_for(timeout=5000)
    # The counter page is still a working page: its buttons act after the redraws.
    officer.get_by_role("button", name="Panggil berikutnya").click()
    assert officer.locator(".current .ticket-number").inner_text() == second.display
    screenshot(supervisor, "live-dashboard-break")


def test_a_redraw_while_the_button_is_pressed_does_not_swallow_the_click(
    live_server: Any, chromium: Any, office_a: Office, counter_officer_a: User
) -> None:
    counter(office_a, 1, Stage.VERIFICATION)
    window = now_window(office_a)
    first = ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Rahmat Hidayat", **window))
    officer = desk_page(chromium, live_server, counter_officer_a)
    officer.goto(f"{live_server.url}/petugas/{office_a.code}/loket/1/")
    officer.get_by_role("heading", name="Menunggu: 1").wait_for()
    button = officer.get_by_role("button", name="Panggil berikutnya")
    box = button.bounding_box()
    assert box is not None
    officer.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    officer.mouse.down()
    # Someone joins the queue while the officer's finger is on the button: the next poll brings
    # a new live part, which must not replace the pressed button before it is released.
    with officer.expect_response(lambda r: r.url.endswith("/live/") and r.status == 200, timeout=10_000):
        ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Budi Santoso", **window))
    officer.wait_for_timeout(200)  # the answer is read and would be put in now
    officer.mouse.up()
    officer.locator(".current .ticket-number").wait_for(timeout=10_000)
    assert officer.locator(".current .ticket-number").inner_text() == first.display
    officer.get_by_role("heading", name="Menunggu: 1").wait_for(timeout=5_000)  # the newcomer waits


def test_a_redraw_held_back_by_a_press_comes_with_the_release(
    live_server: Any, chromium: Any, office_a: Office, counter_officer_a: User
) -> None:
    counter(office_a, 1, Stage.VERIFICATION)
    window = now_window(office_a)
    ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Rahmat Hidayat", **window))
    officer = desk_page(chromium, live_server, counter_officer_a)
    officer.goto(f"{live_server.url}/petugas/{office_a.code}/loket/1/")
    heading = officer.get_by_role("heading", name="Menunggu: 1")
    heading.wait_for()
    box = heading.bounding_box()
    assert box is not None
    officer.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    officer.mouse.down()  # e.g. selecting a name to copy it
    with officer.expect_response(lambda r: r.url.endswith("/live/") and r.status == 200, timeout=10_000):
        ticket_issue(office=office_a, by=None, booking=booked(office_a, name="Budi Santoso", **window))
    officer.wait_for_timeout(300)
    assert heading.is_visible()  # held back while pressed
    officer.mouse.up()
    officer.get_by_role("heading", name="Menunggu: 2").wait_for(timeout=2_000)
