"""The date step as month grids: weeks as rows, each day open, full, closed (and why) or out of reach.

Built from the booking selectors' cached day plans, the same the API's availability answer is built
from, so the page says exactly what the API says.
"""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from loket.booking.selectors import DayPlan, day_plans_cached
from loket.offices.models import Office

# How far ahead the grid reaches at most (whole months are shown around it).
MAX_DAYS = 31
# Day plans that no choice can change today: shown greyed, not listed with the closures.
OUT_OF_REACH = {"past", "beyond_horizon", "not_released", "online_booking_off"}


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    state: str  # "open", "full", "closed" or "out"
    code: str  # the day plan's reason_code ("" when open or full)
    reason: str
    href: str
    opens_at: dt.datetime | None = None  # a day not released yet: when its seats open


@dataclass(frozen=True)
class Month:
    first: dt.date
    weeks: list[list[CalendarDay | None]]


@dataclass(frozen=True)
class Calendar:
    months: list[Month]
    closures: list[CalendarDay]  # closed for a holiday, cuti bersama or an announced closure
    weekdays: list[dt.date]  # a Monday-first week, for the column headers
    timezone: str  # the office's zone: opening times are shown in it


def _state(plan: DayPlan) -> str:
    if plan.has_room:
        return "open"
    if plan.open:
        return "full"
    return "out" if plan.reason_code in OUT_OF_REACH else "closed"


def _day(plan: DayPlan, href: Callable[[dt.date], str]) -> CalendarDay:
    state = _state(plan)
    return CalendarDay(
        plan.date,
        state,
        plan.reason_code or "",
        plan.reason or "",
        href(plan.date) if state == "open" else "",
        plan.opens_at,
    )


def _gone(day: CalendarDay, today: dt.date) -> bool:
    """Past, or today with nothing left to book (its windows have started, or it is closed)."""
    return day.date < today or (day.date == today and day.state not in ("open", "full"))


def booking_calendar(office: Office, *, href: Callable[[dt.date], str]) -> Calendar:
    """Whole months from today to MAX_DAYS ahead (or the office's horizon, if nearer); open days link to `href`.

    On the last day of a month, once that day can no longer be booked, the month is left out:
    a grid of past days only would be a dead end."""
    today = office.local_now().date()
    last = today + dt.timedelta(days=min(office.horizon_days, MAX_DAYS))
    start = today.replace(day=1)
    end = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    plans = {p.date: _day(p, href) for p in day_plans_cached(office, start, (end - start).days + 1)}

    months = []
    grid = calendar.Calendar(firstweekday=0)
    month = start
    while month <= end:
        weeks = [
            [plans[day] if day.month == month.month else None for day in week]
            for week in grid.monthdatescalendar(month.year, month.month)
        ]
        if any(not _gone(day, today) for week in weeks for day in week if day):
            months.append(Month(month, weeks))  # a month whose days are all gone is not offered
        month = (month + dt.timedelta(days=32)).replace(day=1)
    closures = [d for d in plans.values() if d.date >= today and d.code == "closed"]
    monday = today - dt.timedelta(days=today.weekday())
    return Calendar(months, closures, [monday + dt.timedelta(days=i) for i in range(7)], office.timezone)
