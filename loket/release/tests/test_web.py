"""The waiting room's pages: join, wait (poll answer from the cache, 304), be told, book."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import User
from loket.booking.models import Booking
from loket.notify.models import Message
from loket.offices.models import Office
from loket.release.models import Entry
from loket.release.room import rooms_tick
from loket.release.tests.conftest import NOW, RELEASE_DAY, solved

pytestmark = pytest.mark.usefixtures("frozen")
OPENS = NOW + dt.timedelta(minutes=30)
ROOM = f"/rilis/OFA/{RELEASE_DAY}/"


@pytest.fixture
def ani(client: Client, applicant: User, ruled: Office) -> Client:
    client.force_login(applicant)
    return client


def test_join_wait_be_told_and_book(ani: Client, applicant: User) -> None:
    page = ani.get(ROOM).content.decode()
    assert "diundi secara acak" in page
    assert f'data-challenge="/api/v1/offices/OFA/releases/{RELEASE_DAY}/challenge"' in page
    assert "web/pow.js" in page
    assert ani.post(ROOM).url == ROOM  # without the proof of work: back, with the reason
    waiting = ani.post(ROOM, {"altcha": solved(Office.objects.get(code="OFA"), RELEASE_DAY)})
    entry = Entry.objects.get(account=applicant)
    assert waiting.url == f"/ruang-tunggu/{entry.ticket}/"
    assert ani.get(ROOM).url == waiting.url  # joined once
    page = ani.get(waiting.url).content.decode()
    assert "Urutan diundi pukul 08.00 WIB" in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "web/waiting.js" in page and "<script>" not in page  # no inline script
    with time_machine.travel(OPENS, tick=False):
        # Before admission the booking step sends the person to the room.
        assert ani.get(f"/pesan/OFA/{RELEASE_DAY}/").url == ROOM
        rooms_tick()
        told = Message.objects.filter(event_key__startswith=f"release:{entry.pk}:admitted").get()
        assert "pukul 08.10 WIB" in told.body
        page = ani.get(waiting.url).content.decode()
        assert "Giliran Anda!" in page and "Pesan sebelum pukul 08.10 WIB" in page
        assert ani.get(f"/pesan/OFA/{RELEASE_DAY}/").status_code == 200
        details = {"member": "", "service": "new", "passport_type": "regular", "confirm": "1", "key": "k1"}
        booked = ani.post(f"/pesan/OFA/{RELEASE_DAY}/08:00/", details)
        assert booked.status_code == 302
        assert Booking.objects.get().release_pass == Entry.objects.get().pass_id


def test_the_poll_is_small_cached_and_304_when_unchanged(ani: Client, applicant: User, other_applicant: User) -> None:
    ani.post(ROOM, {"altcha": solved(Office.objects.get(code="OFA"), RELEASE_DAY)})
    ticket = Entry.objects.get().ticket
    url = f"/ruang-tunggu/{ticket}/status.json"
    first = ani.get(url)
    assert first.status_code == 200 and len(first.content) <= 1024
    assert first.json()["state"] == "waiting"
    again = ani.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    stranger = Client()
    stranger.force_login(other_applicant)
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"/ruang-tunggu/{ticket}/").status_code == 404


def test_a_join_refused_says_why(ani: Client) -> None:
    answer = ani.post(f"/rilis/OFA/{RELEASE_DAY - dt.timedelta(days=1)}/", follow=True)
    assert "tidak dibuka lewat ruang tunggu" in answer.content.decode()
    assert ani.get("/rilis/OFA/2026-13-01/").status_code == 404


def test_the_waiting_page_in_english(ani: Client) -> None:
    ani.post(ROOM, {"altcha": solved(Office.objects.get(code="OFA"), RELEASE_DAY)})
    ticket = Entry.objects.get().ticket
    ani.cookies["django_language"] = "en"
    page = ani.get(f"/ruang-tunggu/{ticket}/", headers={"accept-language": "en"}).content.decode()
    assert "You are in the waiting room. The order is drawn at 08:00 WIB" in page
