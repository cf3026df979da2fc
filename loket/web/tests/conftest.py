"""Actors of the web tests: a browser in Indonesian or English, an office with seats."""

import pytest
from django.conf import settings
from django.test import Client

from loket.accounts.models import User
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office

NIK = "1671014508900002"


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def browser() -> Client:
    return Client()


@pytest.fixture
def office(db: None) -> Office:
    return make_office("PLB", city="Palembang", province="Sumatera Selatan")


@pytest.fixture
def signed_in(browser: Client, applicant: User, office: Office) -> Client:
    """Ani, logged in, with an office to find."""
    browser.force_login(applicant)
    return browser
