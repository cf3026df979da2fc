"""Booking in steps with the test client: office, date, window, details, confirm, proof."""

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import Person, Relation, User
from loket.booking.models import Booking
from loket.offices.models import Closure, Office
from loket.web.tests.conftest import in_language

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tuesday 07:30 WIB
DETAILS = "/pesan/PLB/2026-12-02/09:00/"
CHOICE = {"member": "", "service": "new", "passport_type": "regular"}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(("language", "text"), [("id", "Langkah 2 dari 4"), ("en", "Step 2 of 4")])
def test_the_steps_answer_in_both_languages(signed_in: Client, language: str, text: str) -> None:
    in_language(signed_in, language)
    assert "Kantor Imigrasi PLB" in signed_in.get("/pesan/", {"q": "Palembang"}).content.decode()
    assert text in signed_in.get("/pesan/PLB/").content.decode()
    assert "09:00" in signed_in.get("/pesan/PLB/2026-12-02/").content.decode()
    assert signed_in.get(DETAILS).status_code == 200


def test_booking_end_to_end(signed_in: Client, applicant: User, office: Office) -> None:
    dates = signed_in.get("/pesan/PLB/").content.decode()
    assert 'href="/pesan/PLB/2026-12-02/"' in dates
    windows = signed_in.get("/pesan/PLB/2026-12-02/").content.decode()
    assert f'href="{DETAILS}"' in windows
    confirm = signed_in.post(DETAILS, CHOICE).content.decode()
    assert "Saya sendiri" in confirm
    key = re.search(r'name="key" value="([^"]+)"', confirm)
    assert key
    posted = {**CHOICE, "key": key.group(1), "confirm": "1"}
    answer = signed_in.post(DETAILS, posted)
    booking = Booking.objects.get(person__account=applicant)
    assert answer["Location"] == f"/pemesanan/{booking.code}/"
    assert booking.slot.start == dt.time(9)
    assert signed_in.post(DETAILS, posted)["Location"] == answer["Location"]  # the same key: no second booking
    assert Booking.objects.count() == 1
    proof = signed_in.get(answer["Location"]).content.decode()
    assert booking.payment.billing_code in proof


def test_a_replacement_needs_its_reason(signed_in: Client) -> None:
    page = signed_in.post(DETAILS, {**CHOICE, "service": "replacement", "confirm": "1"}).content.decode()
    assert "Pilih alasan penggantian paspor." in page
    assert not Booking.objects.exists()


def test_the_replacement_details_are_a_separate_part_after_the_choices(signed_in: Client) -> None:
    page = signed_in.get(DETAILS).content.decode()
    part = re.search(
        r'<fieldset class="part" id="replacement" data-shown-for="service=replacement">(.*?)</fieldset>\n<button',
        page,
        re.S,
    )
    assert part, "the replacement fields sit in their own part, shown by app.js only for a replacement"
    assert 'name="replacement_reason"' in part.group(1) and 'name="old_passport_number"' in part.group(1)
    assert page.index('name="passport_type"') < page.index('id="replacement"')  # the choices come first
    assert "Rabu, 2 Desember 2026, pukul 09.00–10.00 WIB" in page  # the appointment as the glossary writes it


def test_replacement_details_left_over_for_a_new_passport_are_ignored(signed_in: Client) -> None:
    left_over = {**CHOICE, "replacement_reason": "lost", "old_passport_number": "B1234567", "confirm": "1"}
    assert signed_in.post(DETAILS, left_over).status_code == 302
    application = Booking.objects.get().application
    assert (application.service, application.replacement_reason, application.old_passport_number) == ("new", "", "")


def _dedi_takes_the_nine_oclock_seat(other_applicant: User) -> None:
    dedi = Client()
    dedi.force_login(other_applicant)
    assert dedi.post(DETAILS, {**CHOICE, "confirm": "1", "key": "a"}).status_code == 302


def test_a_full_window_sends_back_to_the_windows_of_that_day_with_room(
    signed_in: Client, other_applicant: User, office: Office
) -> None:
    _dedi_takes_the_nine_oclock_seat(other_applicant)
    for answer in (signed_in.get(DETAILS), signed_in.post(DETAILS, {**CHOICE, "confirm": "1", "key": "b"})):
        assert answer.status_code == 302  # a stale link, or a confirm that lost the race
        assert answer["Location"] == "/pesan/PLB/2026-12-02/"
    page = signed_in.get("/pesan/PLB/2026-12-02/").content.decode()
    assert "Jam kedatangan 09.00 sudah penuh" in page
    assert 'href="/pesan/PLB/2026-12-02/08:00/"' in page  # the window of the same day that has room


def test_an_unverified_account_is_sent_to_verify(signed_in: Client, applicant: User) -> None:
    applicant.email_verified_at = None
    applicant.save()
    assert signed_in.get("/pesan/")["Location"].startswith("/verifikasi/")


def test_the_window_list_marks_a_full_window(signed_in: Client, other_applicant: User, office: Office) -> None:
    _dedi_takes_the_nine_oclock_seat(other_applicant)
    html = in_language(signed_in, "en").get("/pesan/PLB/2026-12-02/").content.decode()
    assert f'href="{DETAILS}"' not in html
    assert "09:00–10:00 WIB · full" in html
    assert "Places left: 2" in html  # 08:00–09:00


def test_the_date_list_says_why_a_day_is_closed(signed_in: Client, office: Office) -> None:
    Closure.objects.create(office=office, date=dt.date(2026, 12, 3), reason="Pemadaman listrik")
    html = signed_in.get("/pesan/PLB/").content.decode()
    assert "tutup: Pemadaman listrik" in html
    assert 'href="/pesan/PLB/2026-12-03/"' not in html
    assert signed_in.get("/pesan/PLB/2026-12-03/").status_code == 409


def test_booking_for_a_household_member(signed_in: Client, applicant: User, office: Office) -> None:
    rina = Person.objects.create(
        account=applicant,
        relation=Relation.CHILD,
        full_name="Rina",
        nik="1671015003150003",
        birth_date=dt.date(2015, 3, 10),
        sex="F",
    )
    assert "Rina" in signed_in.get(DETAILS).content.decode()
    answer = signed_in.post(DETAILS, {**CHOICE, "member": str(rina.pk), "confirm": "1", "key": "k"})
    assert answer.status_code == 302
    assert Booking.objects.get().person == rina
