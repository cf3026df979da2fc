"""Template filters for loket.core.datefmt: {% load datefmt %} then {{ day|long_date }},
{{ slot.start|clock }}, {{ moment|in_zone:office }}, {{ code|grouped }}, {{ booking.slot|window:office }}."""

import datetime as dt
from typing import Protocol

from django import template

from loket.core import datefmt

register = template.Library()


@register.filter
def long_date(day: dt.date | None) -> str:
    return datefmt.long_date(day) if day else ""


@register.filter
def clock(moment: dt.time | dt.datetime | None) -> str:
    return datefmt.clock(moment) if moment else ""


@register.filter
def in_zone(moment: dt.datetime | None, place: datefmt.Zoned) -> str:
    return datefmt.in_zone(moment, place) if moment else ""


@register.filter
def grouped(code: str | None, size: int = 4) -> str:
    return datefmt.grouped(code, size) if code else ""


class _Slot(Protocol):
    date: dt.date
    start: dt.time
    end: dt.time


@register.filter
def window(slot: _Slot | None, place: datefmt.Zoned) -> str:
    """An appointment (anything with date, start and end) at a place: {{ booking.slot|window:office }}."""
    return datefmt.window(slot.date, slot.start, slot.end, place.zone_abbreviation) if slot else ""
