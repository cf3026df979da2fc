"""Which days an office is open: national holidays, cuti bersama and staff closures."""

import datetime as dt
from functools import lru_cache

import holidays
from django.db.models import F, Q
from django.utils.translation import get_language

from loket.offices.models import ArrivalWindow, Closure, Office


@lru_cache(maxsize=32)
def _national_holidays(year: int, language: str) -> dict[dt.date, str]:
    # Cuti bersama (collective leave) is in the GOVERNMENT category; PUBLIC alone misses it.
    calendar = holidays.country_holidays(
        "ID", years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT), language=language
    )
    return dict(calendar.items())


def holiday_name(day: dt.date) -> str | None:
    language = "en_US" if (get_language() or "id").startswith("en") else "id"
    return _national_holidays(day.year, language).get(day)


def closure_reason(office: Office, day: dt.date) -> str | None:
    """The reason the office is closed on `day` (its local date), or None when it is open."""
    name = holiday_name(day)
    if name:
        return name
    # One query for both kinds; a nationwide closure (office NULL) speaks first.
    closure = (
        Closure.objects.filter(date=day)
        .filter(Q(office__isnull=True) | Q(office=office))
        .order_by(F("office").asc(nulls_first=True))
        .first()
    )
    return closure.reason if closure else None


def closures_between(office: Office, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Closed days in [start, end] with their reasons, in two queries at most."""
    closed: dict[dt.date, str] = {}
    for row in Closure.objects.filter(date__range=(start, end)).filter(office__isnull=True) | Closure.objects.filter(
        date__range=(start, end), office=office
    ):
        closed.setdefault(row.date, row.reason)
    day = start
    while day <= end:
        name = holiday_name(day)
        if name:
            closed[day] = name
        day += dt.timedelta(days=1)
    return closed


def windows_on(office: Office, day: dt.date) -> list[ArrivalWindow]:
    """The arrival windows of `day`, or none when the office is closed that day."""
    if closure_reason(office, day):
        return []
    return list(office.windows.filter(weekday=day.weekday()).order_by("start"))
