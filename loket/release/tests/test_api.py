"""The waiting room over the API: join, wait, book with the X-Loket-Pass header."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from conftest import bearer
from loket.accounts.models import User
from loket.offices.models import Office
from loket.release.room import rooms_tick
from loket.release.tests.conftest import NOW, RELEASE_DAY, solved

pytestmark = pytest.mark.usefixtures("frozen")
JOIN = f"/api/v1/offices/OFA/releases/{RELEASE_DAY}/join"
BODY = {
    "office": "OFA",
    "date": RELEASE_DAY.isoformat(),
    "start": "08:00",
    "service": "new",
    "passport_type": "regular",
}


def test_join_wait_and_book_with_the_pass(api: Client, ruled: Office, applicant: User, other_applicant: User) -> None:
    headers = bearer(applicant)
    challenge = api.get(f"/api/v1/offices/OFA/releases/{RELEASE_DAY}/challenge").json()
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    unsolved = api.post(JOIN, {"altcha": None}, content_type="application/json", headers=headers)
    assert (unsolved.status_code, unsolved.json()["field"]) == (422, "altcha")
    joined = api.post(JOIN, {"altcha": solved(ruled, RELEASE_DAY)}, content_type="application/json", headers=headers)
    assert joined.status_code == 201
    ticket = joined.json()["ticket"]
    assert joined.json() == {"ticket": ticket, "state": "waiting", "position": None}
    again = api.post(JOIN, {}, content_type="application/json", headers=headers)  # no new proof needed
    assert (again.status_code, again.json()["ticket"]) == (200, ticket)
    assert api.get(f"/api/v1/waiting/{ticket}", headers=bearer(other_applicant)).status_code == 404
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        refused = api.post("/api/v1/bookings", BODY, content_type="application/json", headers=headers)
        assert refused.status_code == 409
        assert refused.json()["code"] == "pass_required"
        assert refused.json()["join"] == JOIN
        rooms_tick()
        status = api.get(f"/api/v1/waiting/{ticket}", headers=headers).json()
        assert status["state"] == "admitted"
        assert status["pass_expires_at"] == "2026-12-01T01:10:00Z"
        booked = api.post(
            "/api/v1/bookings",
            BODY,
            content_type="application/json",
            headers={**headers, "X-Loket-Pass": status["pass"]},
        )
        assert booked.status_code == 201
        assert api.get(f"/api/v1/waiting/{ticket}", headers=headers).json()["state"] == "used"


def test_join_needs_a_token_and_a_known_office(api: Client, ruled: Office, applicant: User) -> None:
    assert api.post(JOIN, {}, content_type="application/json").status_code == 401
    nope = f"/api/v1/offices/NOPE/releases/{RELEASE_DAY}/join"
    assert api.post(nope, {}, content_type="application/json", headers=bearer(applicant)).status_code == 404
    bad = "/api/v1/offices/OFA/releases/2026-13-40/join"
    bad_date = api.post(bad, {}, content_type="application/json", headers=bearer(applicant))
    assert bad_date.status_code == 422


def test_the_openapi_documents_the_waiting_room(api: Client, db: None) -> None:
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/offices/{code}/releases/{date}/join" in paths
    assert "/api/v1/waiting/{ticket}" in paths
    assert "maxnumber" in api.get("/api/v1/openapi.json").content.decode()
    parameters = paths["/api/v1/bookings"]["post"]["parameters"]
    assert any(p["name"] == "X-Loket-Pass" for p in parameters)
