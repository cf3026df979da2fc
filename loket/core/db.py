"""Small helpers for the few raw queries on hot paths."""

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def db_datetime(value: object) -> dt.datetime | None:
    """A timestamp read by a raw query: PostgreSQL hands an aware datetime, SQLite a UTC string."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)
