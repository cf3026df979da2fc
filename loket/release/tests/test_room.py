"""The waiting room of a release: join, the shuffle at the release instant, admission with
passes, and the end. Office A's 15 December opens at 08:00 WIB on 1 December (6 seats:
5 at 08:00 and 1 at 09:00); its room opens at 07:30, when time is frozen (see conftest)."""

import datetime as dt

import pytest
import time_machine

from loket.accounts.models import Person, Relation, User
from loket.booking.models import ReleaseGate
from loket.booking.passes import pass_check
from loket.booking.services import BookingRequest, booking_create
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office
from loket.release.models import Entry, Room, RoomState
from loket.release.room import rooms_open_due, rooms_tick, shuffle_order
from loket.release.tests.conftest import NOW, RELEASE_DAY, join, make_people
from loket.release.waiting import waiting_status

pytestmark = pytest.mark.usefixtures("frozen")
OPENS = NOW + dt.timedelta(minutes=30)  # 08:00 WIB


def book(user: User, release_pass: str | None, *, start: int = 8, member: int | None = None) -> tuple:
    request = BookingRequest(
        office="OFA", date=RELEASE_DAY, start=dt.time(start), service="new", passport_type="regular", member=member
    )
    return booking_create(user=user, request=request, release_pass=release_pass)


def test_the_room_opens_half_an_hour_before_and_one_account_joins_once(ruled: Office, applicant: User) -> None:
    with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False), pytest.raises(Conflict) as early:
        join(applicant, ruled, RELEASE_DAY)
    assert early.value.code == "too_early"
    entry, created = join(applicant, ruled, RELEASE_DAY)
    again, created_again = join(applicant, ruled, RELEASE_DAY)
    assert (created, created_again, again.ticket) == (True, False, entry.ticket)
    assert ReleaseGate.objects.get(office=ruled, date=RELEASE_DAY).ended_at is None
    assert waiting_status(entry).state == "waiting"
    assert waiting_status(entry).estimated_wait_s == 30 * 60  # until the draw


def test_only_the_next_release_has_a_room(ruled: Office, applicant: User) -> None:
    with pytest.raises(Conflict) as open_day:
        join(applicant, ruled, RELEASE_DAY - dt.timedelta(days=1))
    assert open_day.value.code == "no_release"
    with pytest.raises(Conflict) as later:
        join(applicant, ruled, RELEASE_DAY + dt.timedelta(days=1))
    assert later.value.code == "too_early"


def test_the_draw_is_random_recorded_and_late_joiners_wait_behind(ruled: Office) -> None:
    people = make_people(8)
    for person in people[:7]:
        join(person, ruled, RELEASE_DAY)
    with time_machine.travel(OPENS, tick=False):
        rooms_tick()
        room = Room.objects.get()
        late, _created = join(people[7], ruled, RELEASE_DAY)
    assert room.state == RoomState.ADMITTING and len(room.seed) == 64
    early = list(Entry.objects.filter(rank__isnull=False).order_by("rank").values_list("ref", flat=True))
    assert len(early) == 7
    # Anyone can recompute the order from the published seed and the public references.
    assert early == shuffle_order(room.seed, early)
    assert late.rank is None
    assert Entry.objects.filter(admitted_at__isnull=False).count() == 7  # 6 seats x 1.5 = 9 passes at most
    with time_machine.travel(OPENS + dt.timedelta(seconds=1), tick=False):
        rooms_tick()
    late.refresh_from_db()
    assert late.admitted_at is not None  # 8 <= 9: the late joiner too


def test_a_day_under_release_is_booked_only_with_a_pass(ruled: Office, applicant: User, other_applicant: User) -> None:
    mine, _created = join(applicant, ruled, RELEASE_DAY)
    with time_machine.travel(OPENS, tick=False):
        with pytest.raises(Conflict) as before_admission:
            book(applicant, None)
        assert before_admission.value.code == "pass_required"
        assert before_admission.value.extra["join"] == f"/api/v1/offices/OFA/releases/{RELEASE_DAY}/join"
        rooms_tick()
        mine.refresh_from_db()
        status = waiting_status(mine)
        assert status.state == "admitted" and status.release_pass
        with pytest.raises(Conflict) as someone_elses:
            book(other_applicant, status.release_pass)
        assert someone_elses.value.code == "pass_required"
        with pytest.raises(Conflict) as forged:
            book(applicant, status.release_pass[:-2] + "xx")
        assert forged.value.code == "pass_required"
        booking, created = book(applicant, status.release_pass)
        assert created and booking.release_pass == mine.pass_id
        assert waiting_status(mine).state == "used"
        # The same pass once more, for a household member: refused, one pass books one seat.
        child = Person.objects.create(
            account=applicant,
            relation=Relation.CHILD,
            full_name="Anak",
            nik="1671015203150002",
            birth_date=dt.date(2015, 3, 12),
            sex="F",
        )
        with pytest.raises(Conflict) as reused:
            book(applicant, status.release_pass, member=child.pk)
        assert reused.value.code == "pass_used"


def test_an_unused_pass_expires_and_the_next_people_are_admitted(ruled: Office) -> None:
    people = make_people(11)
    for person in people:
        join(person, ruled, RELEASE_DAY)
    with time_machine.travel(OPENS, tick=False):
        rooms_tick()
    admitted = list(Entry.objects.filter(admitted_at__isnull=False).order_by("rank"))
    assert [e.rank for e in admitted] == list(range(1, 10))  # 6 seats x 1.5, in the drawn order
    waiting = Entry.objects.get(rank=10)
    with time_machine.travel(OPENS + dt.timedelta(seconds=5), tick=False):
        assert waiting_status(waiting).position == 1
        token = waiting_status(admitted[0]).release_pass
        book(admitted[0].account, token)
        rooms_tick()  # 5 seats left x 1.5 = 8 passes; 8 still open: nobody new
        assert Entry.objects.filter(admitted_at__isnull=False).count() == 9
    with time_machine.travel(OPENS + dt.timedelta(minutes=11), tick=False):
        with pytest.raises(Conflict) as late:
            pass_check(waiting_status(admitted[1]).release_pass or "", office=ruled, day=RELEASE_DAY, user_id=0)
        assert late.value.code == "pass_required"  # expired passes are no longer shown
        assert waiting_status(admitted[1]).state == "expired"
        rooms_tick()
        assert Entry.objects.filter(admitted_at__isnull=True).count() == 0
    with time_machine.travel(OPENS + dt.timedelta(minutes=22), tick=False):
        rooms_tick()  # every pass expired or used, nobody waits: the release is over
        assert Room.objects.get().state == RoomState.CLOSED
        assert ReleaseGate.objects.get().ended_at is not None
        someone = next(p for p in people if p != admitted[0].account)  # who has not booked yet
        _booking, created = book(someone, None)  # the day behaves as any other again
        assert created


def test_the_worker_opens_the_room_of_the_next_release(ruled: Office) -> None:
    with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
        assert rooms_open_due() == 0
    assert rooms_open_due() == 1
    assert rooms_open_due() == 0  # once
    assert Room.objects.get().date == RELEASE_DAY
    with time_machine.travel(OPENS, tick=False):
        rooms_tick()  # nobody joined: the release ends at once
    assert Room.objects.get().state == RoomState.CLOSED


def test_an_unverified_account_cannot_join(ruled: Office, applicant: User) -> None:
    applicant.email_verified_at = None
    applicant.save()
    with pytest.raises(DomainError) as refused:
        join(applicant, ruled, RELEASE_DAY)
    assert refused.value.status == 403
