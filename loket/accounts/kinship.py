"""Whether a household relation fits the birth dates: a parent is older than the account holder,
a child younger. Checked when a member is added (web and API), so a typing slip in a date or
in the relation is caught while the person still has the KTP-el or akta kelahiran at hand."""

import datetime as dt

from django.utils.translation import gettext as _

from loket.core import datefmt
from loket.core.errors import DomainError

# The youngest a parent can plausibly be at a child's birth. Generous on purpose: the check
# catches a swapped relation or a mistyped year, it does not judge families.
MIN_PARENT_AGE = 12


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def relation_check(*, relation: str, birth_date: dt.date, holder_birth_date: dt.date | None) -> None:
    """Refuse (422 on `birth_date`) a child born before the holder or a parent born after, with
    MIN_PARENT_AGE years between them at least. Spouse, sibling and others have no date rule."""
    if holder_birth_date is None:
        return
    values = {"holder": datefmt.long_date(holder_birth_date), "years": MIN_PARENT_AGE}
    if relation == "child" and birth_date < _years_after(holder_birth_date, MIN_PARENT_AGE):
        message = _(
            "Tanggal lahir anak tidak cocok: anak lahir paling sedikit %(years)d tahun setelah Anda "
            "(Anda lahir %(holder)s). Periksa tanggal lahir, atau pilih hubungan lain."
        )
    elif relation == "parent" and _years_after(birth_date, MIN_PARENT_AGE) > holder_birth_date:
        message = _(
            "Tanggal lahir orang tua tidak cocok: orang tua lahir paling sedikit %(years)d tahun sebelum Anda "
            "(Anda lahir %(holder)s). Periksa tanggal lahir, atau pilih hubungan lain."
        )
    else:
        return
    raise DomainError("relation_birth_date", message % values, field="birth_date")
