"""The booking steps with a class of place, where the office lets one be booked online."""

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from loket.accounts.models import User
from loket.booking.models import Booking, ClassQuota, QuotaClass
from loket.offices.models import Office
from loket.web.tests.conftest import in_language

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tuesday 07:30 WIB
WEDNESDAY = "/pesan/PLB/2026-12-02/09:00/"
TODAY = "/pesan/PLB/2026-12-01/09:00/"
CHOICE = {"member": "", "service": "new", "passport_type": "regular"}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def online_classes(office: Office) -> Office:
    for weekday in range(7):
        for quota_class in (QuotaClass.PRIORITY, QuotaClass.EXPRESS):
            ClassQuota.objects.create(
                office=office, quota_class=quota_class, weekday=weekday, capacity=1, bookable_online=True
            )
    return office


def _confirm(client: Client, url: str, choice: dict[str, str]) -> Any:
    page = client.post(url, choice).content.decode()
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key, page
    return client.post(url, {**choice, "key": key.group(1), "confirm": "1"})


def test_no_class_is_asked_where_none_is_bookable_online(signed_in: Client, office: Office) -> None:
    ClassQuota.objects.create(office=office, quota_class=QuotaClass.PRIORITY, weekday=2, capacity=5)
    assert 'name="quota_class"' not in signed_in.get(WEDNESDAY).content.decode()


def test_express_is_offered_only_today_before_the_cutoff(signed_in: Client, online_classes: Office) -> None:
    wednesday = signed_in.get(WEDNESDAY).content.decode()
    assert 'value="priority"' in wednesday and 'value="express"' not in wednesday
    assert 'value="express"' in signed_in.get(TODAY).content.decode()


def test_a_declared_priority_place_is_booked_and_shown(signed_in: Client, online_classes: Office) -> None:
    answer = _confirm(signed_in, WEDNESDAY, {**CHOICE, "quota_class": "priority", "priority_reason": "disabled"})
    assert answer.status_code == 302, answer.content.decode()
    booking = Booking.objects.get()
    assert (booking.quota_class, booking.priority_reason, booking.class_online) == ("priority", "disabled", True)
    proof = signed_in.get(answer["Location"]).content.decode()
    assert 'id="quota-class"' in proof and "Prioritas" in proof and "memeriksa alasan prioritas" in proof
    pdf = PdfReader(io.BytesIO(signed_in.get(f"/pemesanan/{booking.code}/pdf/").content))
    assert "Prioritas (Penyandang disabilitas" in "\n".join(page.extract_text() for page in pdf.pages)


@pytest.mark.parametrize(("language", "text"), [("id", "tidak berlaku"), ("en", "does not apply")])
def test_a_person_who_does_not_qualify_is_told_why(
    signed_in: Client, online_classes: Office, language: str, text: str
) -> None:
    in_language(signed_in, language)
    answer = signed_in.post(
        WEDNESDAY, {**CHOICE, "quota_class": "priority", "priority_reason": "elderly", "confirm": "1"}
    )
    assert answer.status_code == 422
    assert text in answer.content.decode()
    assert not Booking.objects.exists()


def test_express_shows_its_fee_before_confirming_and_bills_it(
    signed_in: Client, online_classes: Office, applicant: User
) -> None:
    page = signed_in.post(TODAY, {**CHOICE, "quota_class": "express"}).content.decode()
    assert 'id="express-fee"' in page and "Rp1.000.000" in page
    answer = _confirm(signed_in, TODAY, {**CHOICE, "quota_class": "express"})
    assert answer.status_code == 302
    assert Booking.objects.get().payment.amount == 1_350_000


def test_a_full_class_answers_409_with_the_next_day(
    signed_in: Client, online_classes: Office, other_applicant: User
) -> None:
    other = Client()
    other.force_login(other_applicant)
    eight = WEDNESDAY.replace("09:00", "08:00")  # two seats: the window has room, the class has none
    _confirm(other, eight, {**CHOICE, "quota_class": "priority", "priority_reason": "pregnant"})
    assert "0 tempat tersisa" in signed_in.get(eight).content.decode()
    answer = signed_in.post(
        eight, {**CHOICE, "quota_class": "priority", "priority_reason": "disabled", "confirm": "1", "key": "k"}
    )
    assert answer.status_code == 409
    assert "Kamis, 3 Desember 2026" in answer.content.decode()
