"""Dates read from pages and forms are bounded like the API's: a 404 or a field error, never a 500."""

import pytest
from django.test import Client

from loket.accounts.models import User
from loket.booking.tests.conftest import make_office
from loket.core.dates import BoundedDateField


@pytest.mark.parametrize("url", ["/pesan/PLB/9999-12-31/", "/pesan/PLB/9999-12-31/08:00/", "/pesan/PLB/0001-01-01/"])
def test_a_far_date_in_a_booking_page_address_is_404(db: None, applicant: User, url: str) -> None:
    make_office("PLB")
    browser = Client()
    browser.force_login(applicant)
    assert browser.get(url).status_code == 404


@pytest.mark.parametrize(("value", "valid"), [("9999-12-31", False), ("1899-12-31", False), ("2026-12-02", True)])
def test_a_bounded_date_field_names_the_range(value: str, valid: bool) -> None:
    field = BoundedDateField()
    if valid:
        assert field.clean(value).isoformat() == value
    else:
        with pytest.raises(Exception, match="1900-01-01"):
            field.clean(value)
