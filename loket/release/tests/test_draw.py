"""The published draw: the commitment at the release instant, then the seed and the order, which
an auditor recomputes from the seed alone with the documented procedure (written out here again,
independently of loket/release/room.py)."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.test import Client

from conftest import bearer
from loket.accounts.models import User
from loket.offices.models import Office
from loket.release.models import Entry, Room
from loket.release.room import room_close, rooms_tick
from loket.release.tests.conftest import NOW, RELEASE_DAY, join, make_people

pytestmark = pytest.mark.usefixtures("frozen")
OPENS = NOW + dt.timedelta(minutes=30)
DRAW = f"/api/v1/offices/OFA/releases/{RELEASE_DAY}/draw"
PAGE = f"/rilis/OFA/{RELEASE_DAY}/undian/"


def recompute(seed: str, refs: list[str]) -> list[str]:
    """The README's procedure: ascending by the lower-case hex SHA-256 of seed + ":" + ref."""
    return sorted(refs, key=lambda ref: hashlib.sha256((seed + ":" + ref).encode("ascii")).hexdigest())


def audit(published: dict) -> None:
    """What an auditor checks with the published record only; AssertionError when it does not hold."""
    seed = published["seed"]
    assert hashlib.sha256(seed.encode("ascii")).hexdigest() == published["commitment"]
    refs = published["order"]
    assert hashlib.sha256("\n".join(sorted(refs)).encode("ascii")).hexdigest() == published["entrants_digest"]
    assert recompute(seed, refs) == refs


@pytest.fixture
def released(ruled: Office) -> tuple[list[User], User]:
    """Seven people join before the instant (drawn), one after it (late)."""
    people = make_people(8)
    for person in people[:7]:
        join(person, ruled, RELEASE_DAY)
    with time_machine.travel(OPENS, tick=False):
        rooms_tick()
        join(people[7], ruled, RELEASE_DAY)
    return people[:7], people[7]


def test_the_commitment_is_published_at_the_draw_and_the_seed_only_when_the_release_is_over(
    api: Client, released: tuple[list[User], User]
) -> None:
    room = Room.objects.get()
    during = api.get(DRAW).json()
    assert during["state"] == "drawn" and during["entrants"] == 7
    assert during["commitment"] == hashlib.sha256(room.seed.encode()).hexdigest()
    assert (during["seed"], during["order"], during["late"]) == (None, [], [])
    assert room.seed not in api.get(PAGE).content.decode()
    room_close(room)
    after = api.get(DRAW).json()
    assert after["state"] == "published" and after["seed"] == room.seed
    # The commitment and the entrants' digest published during the release still hold.
    assert (after["commitment"], after["entrants_digest"]) == (during["commitment"], during["entrants_digest"])
    audit(after)


def test_the_published_order_is_the_recorded_shuffle_and_recomputes_from_the_seed(
    api: Client, released: tuple[list[User], User]
) -> None:
    _drawn, late = released
    room_close(Room.objects.get())
    published = api.get(DRAW).json()
    audit(published)
    recorded = list(Entry.objects.filter(rank__isnull=False).order_by("rank").values_list("ref", flat=True))
    assert published["order"] == recorded
    late_entry = Entry.objects.get(account=late)
    assert [e["ref"] for e in published["late"]] == [late_entry.ref]
    # Pseudonymous: no ticket, name, e-mail or account id of anyone in the record.
    text = api.get(DRAW).content.decode()
    for entry in Entry.objects.select_related("account", "person"):
        assert entry.ticket not in text and entry.account.email not in text and entry.person.full_name not in text
        assert len(entry.ref) == 16


def test_an_order_that_is_not_the_seeds_fails_the_audit(api: Client, released: tuple[list[User], User]) -> None:
    room_close(Room.objects.get())
    first, second = Entry.objects.filter(rank__in=[1, 2]).order_by("rank")
    # Someone moves rank 2 to the front after the draw: the published order no longer recomputes.
    Entry.objects.filter(pk=first.pk).update(rank=2)
    Entry.objects.filter(pk=second.pk).update(rank=1)
    with pytest.raises(AssertionError):
        audit(api.get(DRAW).json())


def test_the_entrant_sees_their_reference_and_the_public_page_shows_the_draw(
    api: Client, released: tuple[list[User], User]
) -> None:
    drawn, _late = released
    mine = Entry.objects.get(account=drawn[0])
    status = api.get(f"/api/v1/waiting/{mine.ticket}", headers=bearer(drawn[0])).json()
    assert status["ref"] == mine.ref
    owner = Client()
    owner.force_login(drawn[0])
    waiting = owner.get(f"/ruang-tunggu/{mine.ticket}/").content.decode()
    assert f"Nomor undian Anda: {mine.ref}" in waiting and PAGE in waiting
    room = Room.objects.get()
    room_close(room)
    page = Client().get(PAGE)  # public: no sign-in
    html = page.content.decode()
    assert page.status_code == 200
    assert room.seed in html and mine.ref in html and "Cara memeriksa urutan" in html
    assert "Selasa, 1 Desember 2026, pukul 08.00 WIB" in html  # when it was drawn, in office time
    english = Client(headers={"accept-language": "en"})
    english.cookies["django_language"] = "en"
    assert "How to check the order" in english.get(PAGE).content.decode()
    # The office page (the date step) links to the office's draws.
    assert PAGE in owner.get("/pesan/OFA/").content.decode()


def test_a_day_without_a_waiting_room_has_no_draw(api: Client, ruled: Office) -> None:
    missing = api.get(f"/api/v1/offices/OFA/releases/{RELEASE_DAY - dt.timedelta(days=1)}/draw")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert api.get(f"/api/v1/offices/NOPE/releases/{RELEASE_DAY}/draw").status_code == 404
    assert Client().get(f"/rilis/OFA/{RELEASE_DAY - dt.timedelta(days=1)}/undian/").status_code == 404
    assert Client().get("/rilis/OFA/2026-13-01/undian/").status_code == 404
