"""Worker entry points (django-q schedules take a dotted path)."""

from loket.walkin.dayclose import days_close_due


def close_days() -> int:
    return len(days_close_due())
