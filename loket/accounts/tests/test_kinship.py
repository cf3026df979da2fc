"""Household relations against birth dates: where the line runs."""

import datetime as dt

import pytest

from loket.accounts.kinship import relation_check
from loket.core.errors import DomainError

HOLDER = dt.date(1990, 8, 5)


@pytest.mark.parametrize(
    ("relation", "born", "fits"),
    [
        ("child", dt.date(2002, 8, 5), True),  # exactly twelve years after
        ("child", dt.date(2002, 8, 4), False),
        ("parent", dt.date(1978, 8, 5), True),  # exactly twelve years before
        ("parent", dt.date(1978, 8, 6), False),
        ("spouse", dt.date(2005, 1, 1), True),  # no date rule for a spouse, a sibling or another
        ("sibling", dt.date(1960, 1, 1), True),
        ("other", dt.date(2020, 1, 1), True),
    ],
)
def test_a_parent_and_a_child_are_twelve_years_apart_at_least(relation: str, born: dt.date, fits: bool) -> None:
    if fits:
        relation_check(relation=relation, birth_date=born, holder_birth_date=HOLDER)
    else:
        with pytest.raises(DomainError) as caught:
            relation_check(relation=relation, birth_date=born, holder_birth_date=HOLDER)
        assert (caught.value.code, caught.value.field, caught.value.status) == (
            "relation_birth_date",
            "birth_date",
            422,
        )


def test_an_account_without_a_holder_birth_date_is_not_checked() -> None:
    relation_check(relation="parent", birth_date=dt.date(2020, 1, 1), holder_birth_date=None)
