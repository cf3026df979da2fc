"""Planning figures on the office report: service times per stage, counter and officer; arrivals by
hour; no-shows by window; drawn as SVG charts (no script) next to the same figures in tables."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.booking.models import BookingStatus
from loket.offices.models import Office
from loket.onsite.models import QueuePolicy, Stage
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import (
    counter_officer_a,
    office_a,
    staff_client,
    supervisor_a,
)
from loket.onsite.tests.queue_helpers import TODAY, at_local, booked, counter
from loket.reports.charts import Bar, bar_chart
from loket.reports.planning import office_planning

__all__ = ["counter_officer_a", "office_a", "supervisor_a"]


@pytest.fixture
def morning(office_a: Office, counter_officer_a: User, supervisor_a: User) -> dict[str, Any]:
    """08:05 and 09:10 arrivals; counter 1 (the counter officer) verifies in 6 and 10 minutes, counter 3
    (the supervisor) does photo and interview in 4; one 10:00 booking never comes."""
    QueuePolicy.objects.create(office=office_a, no_show_after_calls=1, no_show_after_minutes=0)
    verify, photo = counter(office_a, 1), counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    with time_machine.travel(at_local(8, 5), tick=False) as clock:
        ticket_issue(office=office_a, by=None, booking=booked(office_a, start=dt.time(8)))
        calls.counter_call_next(counter=verify, by=counter_officer_a)
        clock.shift(6 * 60)
        calls.ticket_transfer(counter=verify, by=counter_officer_a)
        calls.counter_call_next(counter=photo, by=supervisor_a)
        clock.shift(4 * 60)
        calls.ticket_finish(counter=photo, by=supervisor_a)
        clock.move_to(at_local(9, 10))
        ticket_issue(office=office_a, by=None, booking=booked(office_a, start=dt.time(9)))
        calls.counter_call_next(counter=verify, by=counter_officer_a)
        clock.shift(10 * 60)
        calls.ticket_finish(counter=verify, by=counter_officer_a)
        booked(office_a, start=dt.time(10), status=BookingStatus.NO_SHOW)
    return {}


def test_service_times_arrivals_and_no_shows_are_counted(office_a: Office, morning: dict[str, Any]) -> None:
    planning = office_planning(office_a, TODAY, TODAY)
    assert [(r.label, r.services, r.median, r.p90) for r in planning.by_stage] == [
        ("Verifikasi berkas", 2, 6.0, 10.0),
        ("Foto dan wawancara", 1, 4.0, 4.0),
    ]
    assert [(r.label, r.services, r.median) for r in planning.by_counter] == [("1", 2, 6.0), ("3", 1, 4.0)]
    assert [(r.label, r.services) for r in planning.by_officer] == [("Loket.A", 2), ("Supervisor.A", 1)]
    assert [(h.hour, h.count) for h in planning.arrivals] == [(8, 1), (9, 1)]
    assert [(h.hour, h.count, h.extra) for h in planning.no_shows] == [(8, 1, 0), (9, 1, 0), (10, 1, 1)]


def test_the_report_page_draws_the_charts_as_svg_in_both_languages(
    office_a: Office, supervisor_a: User, morning: dict[str, Any]
) -> None:
    client = staff_client(supervisor_a)
    html = client.get("/petugas/OFA/laporan/", {"day_from": TODAY, "day_to": TODAY}).content.decode()
    assert html.count("<svg") == 4 and "<script" not in html and "style=" not in html
    assert 'role="img"' in html and "<title" in html and 'id="service-times"' in html
    assert "Lama layanan per tahap" in html
    client.cookies["django_language"] = "en"
    html = client.get("/petugas/OFA/laporan/", {"day_from": TODAY, "day_to": TODAY}).content.decode()
    assert "Service time by stage" in html and "No-shows per arrival time" in html


def test_a_chart_escapes_its_labels_and_scales_to_a_round_top() -> None:
    svg = str(bar_chart([Bar("<b>", 7), Bar("x", 3, extra=2)], title="T & U", description="d", css="c"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "T &amp; U" in svg
    assert ">10</text>" in svg  # 7 rounds up to an axis of 10
    assert svg.count('class="bar extra"') == 1
    empty = str(bar_chart([], title="none", description="d"))
    assert empty.startswith("<svg") and "<rect" not in empty
