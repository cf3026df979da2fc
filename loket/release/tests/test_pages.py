"""The citizen's calendar says when the days that are not open yet open (Indonesian and English)."""

import datetime as dt

import pytest
from django.test import Client

from loket.accounts.models import User
from loket.offices.models import Office

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def signed_in(client: Client, applicant: User, ruled: Office) -> Client:
    client.force_login(applicant)
    return client


def test_the_date_step_shows_the_rule_and_the_next_opening(signed_in: Client) -> None:
    page = signed_in.get("/pesan/OFA/").content.decode()
    assert "dibuka setiap hari pukul 08.00 WIB, 14 hari ke depan" in page
    assert "Berikutnya: Selasa, 15 Desember 2026, dibuka Selasa, 1 Desember 2026, pukul 08.00 WIB." in page
    assert (
        "kuota belum dibuka (dibuka Selasa, 1 Desember 2026, pukul 08.00 WIB)" in page
    )  # the calendar's cell for 15 Dec


def test_the_date_step_in_english(signed_in: Client) -> None:
    signed_in.cookies["django_language"] = "en"
    page = signed_in.get("/pesan/OFA/", headers={"accept-language": "en"}).content.decode()
    assert "New days open every day at 08:00 WIB, 14 days ahead." in page
    assert "Next: Tuesday 15 December 2026, opens Tuesday 1 December 2026, 08:00 WIB." in page
    assert "(opens Tuesday 1 December 2026, 08:00 WIB)" in page


def test_a_day_opened_by_hand_is_open_on_the_calendar(signed_in: Client, ruled: Office) -> None:
    ruled.opened_through = dt.date(2026, 12, 15)
    ruled.save()
    page = signed_in.get("/pesan/OFA/").content.decode()
    assert 'href="/pesan/OFA/2026-12-15/"' in page
    assert "Berikutnya: Rabu, 16 Desember" in page
