"""The model fitted from a synthetic history gives back the parameters it was drawn from,
and replaying its recorded days predicts their waits (the backtest)."""

import datetime as dt
import math
from dataclasses import replace

import pytest

from loket.booking.models import Booking, BookingStatus
from loket.offices.models import Office
from loket.onsite.models import EventKind, Ticket, TicketEvent
from loket.planner.backtest import backtest
from loket.planner.demo_history import Truth, history_seed
from loket.planner.fit import office_model
from loket.planner.measured import measured_days
from loket.planner.model import BUILT_IN, NATIONAL, OFFICE, STAGES
from loket.planner.tests.conftest import AFTER, DAYS, KNOWN, make_planned_office


def test_history_is_written_once(history: Office) -> None:
    counts = (Booking.objects.count(), Ticket.objects.count(), TicketEvent.objects.count())

    assert history_seed(office=history, truth=KNOWN, days=DAYS) == 0
    assert (Booking.objects.count(), Ticket.objects.count(), TicketEvent.objects.count()) == counts
    assert Booking.objects.filter(status=BookingStatus.NO_SHOW).exists()
    assert TicketEvent.objects.filter(kind=EventKind.RECALLED).exists()
    assert TicketEvent.objects.filter(kind=EventKind.TRANSFERRED).count() > 500


def test_fitted_parameters_come_back_within_tolerance(history: Office, known: Truth) -> None:
    model = office_model(history, AFTER)
    truth = known.model

    assert model.sources == {"arrivals": OFFICE, "walk_ins": OFFICE, "service": OFFICE}
    assert model.days == len(DAYS)
    assert abs(model.show_rate - truth.show_rate) <= 0.04
    assert abs(model.offset_mean - truth.offset_mean) <= 2.0  # minutes
    assert abs(model.offset_sd - truth.offset_sd) <= 2.0
    assert sorted(model.window_show) == sorted(model.window_offset) == [dt.time(h) for h in (8, 9, 10, 11)]
    for start in model.window_show:  # each window has its own figures, near the truth (fewer people each)
        assert abs(model.show_for(start) - truth.show_rate) <= 0.08
        assert abs(model.offset_for(start)[0] - truth.offset_mean) <= 3.0
    walkins, fitted_walkins = sum(truth.walkins_per_hour.values()), sum(model.walkins_per_hour.values())
    assert abs(fitted_walkins - walkins) <= 0.25 * walkins
    pickups, fitted_pickups = sum(truth.pickups_per_hour.values()), sum(model.pickups_per_hour.values())
    assert abs(fitted_pickups - pickups) <= 0.25 * pickups
    assert abs(model.priority_share - truth.priority_share) <= 0.03
    for stage in STAGES:
        assert math.isclose(model.service[stage].mean, truth.service[stage].mean, rel_tol=0.10), stage
        assert abs(model.service[stage].sigma - truth.service[stage].sigma) <= 0.08, stage
    assert abs(model.absent_share - truth.absent_share) <= 0.03
    assert abs(model.recall_gap - truth.recall_gap) <= 0.1


def test_backtest_predicts_recorded_days_within_20_percent_or_5_minutes(history: Office) -> None:
    model = office_model(history, DAYS[-3])  # fitted on the seven days before the days it predicts
    days = measured_days(history, DAYS[-3:])

    assert [d.day for d in days] == DAYS[-3:]
    assert days[0].staffing.counters["verification"][:3] == (3, 3, 3)  # read back from the calls
    for day in days:  # a counter left idle at the end of the day (nobody waiting) still counts until the stage ends
        open_hours = [n for n in day.staffing.counters["verification"] if n]
        assert open_hours == [KNOWN.staffing.counters["verification"][0]] * len(open_hours), day.staffing.counters
    for day in days:
        result = backtest(model, day, replications=20)
        assert result.ok, (day.day, result.predicted.wait_p50, day.wait_p50, result.predicted.wait_p90, day.wait_p90)


def test_the_backtest_says_how_far_single_days_spread_by_chance(history: Office) -> None:
    day = measured_days(history, DAYS[-1:])[0]
    result = backtest(office_model(history, day.day), day, replications=20)

    low, high = result.predicted.day_p90_range or (0.0, 0.0)
    assert low < result.predicted.day_p90 < high  # the replayed days differ by their service times alone
    assert high - low > 0.1 * result.predicted.day_p90
    elsewhere = replace(result.predicted, day_p90_range=(day.wait_p90 + 1, day.wait_p90 + 2))
    assert not replace(result, predicted=elsewhere).by_chance


@pytest.mark.django_db
def test_an_office_without_history_borrows_national_figures_then_built_in_ones(history: Office) -> None:
    fresh = make_planned_office("OFN")

    assert office_model(fresh, AFTER).sources == {"arrivals": NATIONAL, "walk_ins": NATIONAL, "service": NATIONAL}
    assert office_model(fresh, DAYS[0]).sources == {"arrivals": BUILT_IN, "walk_ins": BUILT_IN, "service": BUILT_IN}
