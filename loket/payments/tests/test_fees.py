"""The fee table: the rate in force on a day, from the seeded rates and later regulations."""

import datetime as dt

import pytest
import time_machine

from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.payments.models import FeeRate
from loket.payments.selectors import fee_for
from loket.payments.tests.conftest import NOW, applicant, book


def test_seeded_fees_are_the_field_amounts(db: None) -> None:
    today = dt.date(2026, 12, 1)
    assert fee_for("regular", on=today).amount == 350_000
    assert fee_for("electronic", on=today).amount == 650_000


def test_the_rate_in_force_follows_effective_dates(db: None) -> None:
    FeeRate.objects.create(passport_type="regular", amount=400_000, effective_from=dt.date(2027, 1, 1))
    assert fee_for("regular", on=dt.date(2026, 12, 31)).amount == 350_000
    assert fee_for("regular", on=dt.date(2027, 1, 1)).amount == 400_000
    assert fee_for("regular", on=dt.date(2030, 6, 1)).amount == 400_000
    assert fee_for("electronic", on=dt.date(2027, 1, 1)).amount == 650_000  # untouched by the other type


def test_a_day_before_any_rate_is_a_clear_error_not_a_free_passport(db: None) -> None:
    with pytest.raises(DomainError) as error:
        fee_for("regular", on=dt.date(2019, 12, 31))
    assert error.value.code == "fee_unknown"


def test_booking_is_billed_at_the_rate_of_its_booking_day(office: Office) -> None:
    FeeRate.objects.create(passport_type="electronic", amount=700_000, effective_from=dt.date(2026, 12, 2))
    with time_machine.travel(NOW, tick=False):
        booking = book(applicant(1), passport_type="electronic")
    # The visit is on 2 December, but the bill was opened on 1 December.
    assert booking.payment.amount == 650_000
