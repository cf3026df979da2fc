"""ANTRE: the waiting room of a release by text, through the real inbound endpoint.

PLB opens its days at 08:00 WIB, 14 days ahead: on Tue 1 Dec 2026 (07:30, the clock) Tue 15 Dec
opens at 08:00 and its waiting room is open from 07:30. 3 + 1 seats: 6 passes at most at once.
"""

import datetime as dt
from typing import Any

import pytest
import time_machine

from loket.booking.models import Booking
from loket.notify.models import Message
from loket.offices.models import Office
from loket.release.models import Entry, JoinChannel
from loket.release.room import rooms_tick
from loket.release.tests.conftest import join, make_people
from loket.textchannel.format import segments
from loket.textchannel.tests.conftest import NOW, Phone
from loket.textchannel.tests.test_conversation import registered

pytestmark = pytest.mark.django_db
OPENS = NOW + dt.timedelta(minutes=30)
DAY = dt.date(2026, 12, 15)


@pytest.fixture
def ruled(plb: Office, settings: Any) -> Office:
    settings.LOKET_RELEASE_POW_MAX_NUMBER = 50  # for the people who join on the web
    plb.release_time, plb.horizon_days = dt.time(8), 14
    plb.save()
    return plb


def short(text: str) -> str:
    assert segments(text) <= 2, (segments(text), text)
    return text


def test_join_by_text_be_told_and_book_with_the_pass(ruled: Office, clock: Any) -> None:
    phone = registered()
    assert "ANTRE <kantor> <tgl>" in phone.send("BANTUAN")
    joined = short(phone.send("ANTRE PLB 15/12"))
    entry = Entry.objects.get()
    assert entry.channel == JoinChannel.SMS and entry.account.phone == "+6281299990001"
    assert f"Anda di ruang tunggu PLB Sel 15/12, nomor undian {entry.ref}" in joined
    assert "Urutan diundi Sel 1/12 08.00 WIB" in joined
    assert short(phone.send("antre")) == joined  # where do I stand: the same answer
    assert phone.send("  Antre  plb  15 des ") == joined  # joining again: the same entry
    assert Entry.objects.count() == 1
    too_soon = phone.send("PESAN PLB 15/12 8")  # the day is not open yet
    assert "YA" not in too_soon and not Booking.objects.exists()
    clock.move_to(OPENS)
    rooms_tick()
    told = Message.objects.get(event_key=f"release:{entry.pk}:admitted:sms")
    assert told.recipient == "+6281299990001" and told.channel == "sms"
    assert told.body == short(
        "Giliran Anda di ruang tunggu PLB Sel 15/12! Pesan sebelum Sel 1/12 08.10 WIB: PESAN PLB 15/12 <jam>. "
        "Setelah itu izin Anda habis."
    )
    assert phone.send("ANTRE") == told.body
    assert "YA" in phone.send("PESAN PLB 15/12 8")
    done = phone.send("YA")
    assert done.startswith("Terpesan"), done
    entry.refresh_from_db()
    assert Booking.objects.get().release_pass == entry.pass_id  # the account's pass, found by itself
    assert "sudah dipakai" in phone.send("ANTRE")


def test_a_late_joiner_by_text_hears_their_position_and_cannot_book_without_a_pass(ruled: Office, clock: Any) -> None:
    for person in make_people(10):
        join(person, ruled, DAY)
    phone = registered()
    clock.move_to(OPENS + dt.timedelta(seconds=5))
    rooms_tick()  # 6 of the 10 admitted, 4 wait
    answer = short(phone.send("ANTRE PLB"))  # no date: the release under way
    assert "Posisi Anda di ruang tunggu PLB Sel 15/12: 5 (giliran Anda sudah dekat)" in answer
    assert Entry.objects.get(account__phone="+6281299990001").rank is None
    refused = short(phone.send("PESAN PLB 15/12 8"))
    assert "sedang dirilis: masuk ruang tunggu dulu dengan ANTRE PLB 15/12" in refused
    assert not Booking.objects.exists()


def test_queue_in_english_over_whatsapp(ruled: Office, clock: Any) -> None:
    phone = registered("+6281299990002", "whatsapp")
    answer = short(phone.send("QUEUE PLB 15/12"))
    assert answer.startswith("You are in the waiting room of PLB Tue 15/12"), answer
    assert Entry.objects.get().channel == JoinChannel.WHATSAPP
    clock.move_to(OPENS)
    rooms_tick()
    told = Message.objects.get(channel="whatsapp", event_key__startswith="release:")
    assert told.body.startswith("Your turn in the waiting room of PLB Tue 15/12!"), told.body


@pytest.mark.parametrize(
    ("at", "text", "answer"),
    [
        (NOW - dt.timedelta(minutes=10), "ANTRE PLB 15/12", "belum dibuka. Dibuka Sel 1/12 07.30 WIB"),
        (NOW - dt.timedelta(minutes=10), "ANTRE PLB", "PLB tidak sedang membuka ruang tunggu"),
        (NOW, "ANTRE PLB 14/12", "PLB Sen 14/12 tidak sedang dirilis: pesan langsung dengan PESAN PLB 14/12"),
        (NOW, "ANTRE XYZ 15/12", "Kantor 'XYZ' tidak dikenal"),
        (NOW, "ANTRE PLB 31/2", "Tanggal 31/2 tidak ada"),
        (NOW, "ANTRE", "Anda tidak sedang di ruang tunggu. Masuk: ANTRE <kantor> <tanggal>"),
    ],
)
def test_bad_queue_commands_are_explained(ruled: Office, at: dt.datetime, text: str, answer: str) -> None:
    with time_machine.travel(NOW, tick=False):
        phone = registered()
    with time_machine.travel(at, tick=False):
        assert answer in short(phone.send(text))
    assert not Entry.objects.exists()


def test_an_unregistered_number_cannot_queue(ruled: Office, clock: Any) -> None:
    phone = Phone("+6281299990009")
    assert "Nomor ini belum terdaftar" in phone.send("ANTRE PLB 15/12")
    assert not Entry.objects.exists()
