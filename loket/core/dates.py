"""The range of dates anything in Loket reads from outside (API, pages, forms).

No birth, booking, report or closure date lies outside it, and a date near year 9999 would
overflow the date arithmetic (a day plus the booking horizon) into a 500.
"""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _

EARLIEST_DATE = dt.date(1900, 1, 1)
YEARS_AHEAD = 10


def latest_date() -> dt.date:
    return dt.date.today().replace(month=1, day=1) + dt.timedelta(days=366 * YEARS_AHEAD)


def date_in_range(value: dt.date) -> bool:
    return EARLIEST_DATE <= value <= latest_date()


def date_range_error() -> str:
    return f"must be between {EARLIEST_DATE.isoformat()} and {latest_date().isoformat()}"


class BoundedDateField(forms.DateField):
    """A form's date inside the range above; outside it, the field's error (not a 500 later)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not date_in_range(value):
            raise forms.ValidationError(
                _("Tanggal harus antara %(first)s dan %(last)s.")
                % {"first": EARLIEST_DATE.isoformat(), "last": latest_date().isoformat()},
                code="date_out_of_range",
            )
