"""The proof of work that joining costs: a real ALTCHA challenge, for this office and day, once."""

import base64
import datetime as dt
import json

import pytest
import time_machine

from loket.accounts.models import User
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.release.models import Entry
from loket.release.pow import solution_check
from loket.release.room import room_join
from loket.release.tests.conftest import NOW, RELEASE_DAY, make_people, solved

pytestmark = pytest.mark.usefixtures("frozen")


def refused(proof: str | None, office: Office, day: dt.date = RELEASE_DAY) -> str:
    with pytest.raises(DomainError) as error:
        solution_check(proof, office=office, day=day)
    assert error.value.field == "altcha"
    return error.value.code


def test_a_solution_is_accepted_once(ruled: Office) -> None:
    proof = solved(ruled, RELEASE_DAY)
    solution_check(proof, office=ruled, day=RELEASE_DAY)
    assert refused(proof, ruled) == "proof_of_work_invalid"


def test_a_solution_for_another_day_or_office_is_refused(ruled: Office, office_b: Office) -> None:
    assert refused(solved(ruled, RELEASE_DAY), ruled, RELEASE_DAY + dt.timedelta(days=1)) == "proof_of_work_invalid"
    assert refused(solved(office_b, RELEASE_DAY), ruled) == "proof_of_work_invalid"


def test_a_wrong_number_an_old_challenge_and_garbage_are_refused(ruled: Office) -> None:
    data = json.loads(base64.b64decode(solved(ruled, RELEASE_DAY)))
    data["number"] += 1
    assert refused(base64.b64encode(json.dumps(data).encode()).decode(), ruled) == "proof_of_work_invalid"
    proof = solved(ruled, RELEASE_DAY)
    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        assert refused(proof, ruled) == "proof_of_work_invalid"
    assert refused("not base64 at all!", ruled) == "proof_of_work_invalid"
    assert refused(None, ruled) == "required"


def test_one_solution_cannot_join_two_accounts(ruled: Office) -> None:
    first, second = make_people(2)
    proof = solved(ruled, RELEASE_DAY)
    room_join(user=first, office=ruled, day=RELEASE_DAY, proof=proof)
    with pytest.raises(DomainError):
        room_join(user=second, office=ruled, day=RELEASE_DAY, proof=proof)
    assert Entry.objects.count() == 1


def test_joining_is_rate_limited_per_account(ruled: Office, applicant: User, settings: object) -> None:
    settings.LOKET_RATE_LIMITS = True  # type: ignore[attr-defined]
    for _ in range(10):
        room_join(user=applicant, office=ruled, day=RELEASE_DAY, proof=solved(ruled, RELEASE_DAY))
    with pytest.raises(DomainError) as throttled:
        room_join(user=applicant, office=ruled, day=RELEASE_DAY, proof=solved(ruled, RELEASE_DAY))
    assert throttled.value.status == 429
