"""Input types shared by the API routers: strict where lax parsing would hide a mistake."""

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints

from loket.core.dates import date_in_range, date_range_error

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _clean_text(value: str) -> str:
    # NUL and other control characters are never meant, and PostgreSQL refuses NUL outright.
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    return value.strip()


def _iso_date(value: object) -> object:
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    if isinstance(value, dt.date):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _require_min(value: str, min_length: int) -> str:
    if len(value) < min_length:
        raise ValueError(f"must have at least {min_length} characters")
    return value


def _in_range(value: dt.date) -> dt.date:
    # A year 9999 would overflow the date arithmetic (a 500); see loket/core/dates.py.
    if not date_in_range(value):
        raise ValueError(date_range_error())
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_range)]
Name = Annotated[
    str, StringConstraints(max_length=120), AfterValidator(_clean_text), AfterValidator(lambda v: _require_min(v, 2))
]
Short = Annotated[str, StringConstraints(max_length=64), AfterValidator(_clean_text)]
Line = Annotated[str, StringConstraints(max_length=255), AfterValidator(_clean_text)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128)]
