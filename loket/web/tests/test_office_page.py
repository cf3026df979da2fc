"""The public office page /kantor/<code>/: today's places left per class, the express cut-offs and fee."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import translation

from loket.booking.class_changes import class_place_claim
from loket.booking.models import ClassDay, ClassQuota, QuotaClass
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office

pytestmark = pytest.mark.django_db

TUESDAY_0730 = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def batam() -> Office:
    office = make_office("BTM", capacity=5)
    for weekday in range(7):
        ClassQuota.objects.create(office=office, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=50)
        ClassQuota.objects.create(office=office, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=35)
    return office


@time_machine.travel(TUESDAY_0730, tick=False)
def test_the_page_shows_places_left_per_class_and_the_cutoffs(batam: Office) -> None:
    with transaction.atomic():
        class_place_claim(office=batam, quota_class="express", day=dt.date(2026, 12, 1))
    rows = ClassDay.objects.count()
    html = Client().get("/kantor/btm/").content.decode()
    assert "Selasa, 1 Desember 2026" in html
    assert "6 tempat tersisa untuk dipesan hari ini" in html  # 5 + 1 online seats
    assert 'id="class-priority"' in html and "50 dari 50 tempat tersisa" in html
    assert 'id="class-express"' in html and "34 dari 35 tempat tersisa" in html
    assert "sebelum pukul 10.00 WIB" in html and "sebelum pukul 12.00 WIB" in html and "Rp1.000.000" in html
    assert ClassDay.objects.count() == rows  # a page view creates nothing


@time_machine.travel(TUESDAY_0730, tick=False)
def test_the_page_in_english(batam: Office) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        html = client.get("/kantor/BTM/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "34 of 35" not in html  # nothing taken yet
    assert "35 of 35 places left today" in html and "10:00 WIB" in html


def test_an_office_without_classes_says_so_and_an_unknown_one_is_404() -> None:
    make_office("PMS")
    assert "tidak menyediakan kuota prioritas" in Client().get("/kantor/PMS/").content.decode()
    assert Client().get("/kantor/NOPE/").status_code == 404


def test_the_office_finder_links_to_the_page(batam: Office) -> None:
    html = Client().get("/?q=BTM").content.decode()
    assert 'href="/kantor/BTM/"' in html
    assert "Tambahan layanan percepatan" in html


def test_the_address_names_the_city_once(batam: Office) -> None:
    Office.objects.filter(pk=batam.pk).update(
        address="Jl. Ahmad Yani, Batam Centre, Batam", city="Batam", province="Kepulauan Riau"
    )
    html = Client().get("/kantor/btm/").content.decode()
    assert "Jl. Ahmad Yani, Batam Centre, Batam, Kepulauan Riau · WIB" in html
    assert "Batam, Batam" not in html
