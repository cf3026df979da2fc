"""GET /api/v1/offices/{code}/plan (staff session only) and `manage.py plan_office`: the same figures."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from loket.accounts.models import StaffRoleKind, User
from loket.offices.models import Office
from loket.onsite.tests.conftest import make_officer, staff_client
from loket.planner.tests.conftest import AFTER

URL = "/api/v1/offices/OFH/plan"


pytestmark = pytest.mark.usefixtures("day_after_history")


def test_the_api_answers_the_supervisor_with_the_plan(history: Office, supervisor: User) -> None:
    response = staff_client(supervisor).get(
        URL, {"date": AFTER.isoformat(), "quota": "08:00=20", "counters": "verification=5"}
    )

    assert response.status_code == 200
    data = response.json()
    assert data["model"]["sources"] == {"arrivals": "office", "walk_ins": "office", "service": "office"}
    assert [w["quota"] for w in data["plan"]["windows"]] == [20, 30, 25, 20]
    assert set(data["plan"]["counters"]["verification"]) == {5}
    assert data["predicted"]["replications"] == 100 and data["predicted"]["wait_p90"] is not None
    assert data["measured"] and data["measured"][0]["date"] == (AFTER - dt.timedelta(days=7)).isoformat()


def test_the_api_is_for_staff_of_that_office_only(planned_office: Office, supervisor: User) -> None:
    other = make_officer(email="checkin.h@imigrasi.go.id", office=planned_office, role=StaffRoleKind.CHECKIN)

    assert Client().get(URL).status_code == 401
    assert staff_client(other).get(URL).status_code == 403
    half = Client()  # a password alone (no authenticator code) is not a staff session
    half.force_login(supervisor)
    assert half.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"quota": "07:00=10"}, "quota"),
        ({"quota": "08:00=lots"}, "quota"),
        ({"counters": "bakery=2"}, "counters"),
        ({"date": "2026-02-30"}, "date"),
        ({"target": "1"}, "target"),
        ({"suggest": "everything"}, "suggest"),
    ],
)
def test_bad_api_input_names_the_field(
    planned_office: Office, supervisor: User, query: dict[str, str], field: str
) -> None:
    response = staff_client(supervisor).get(URL, query)

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_the_command_prints_the_same_figures(history: Office) -> None:
    out = io.StringIO()
    call_command("plan_office", "ofh", "--date", AFTER.isoformat(), "--quota", "08:00=20", "--json", stdout=out)
    data = json.loads(out.getvalue())
    text = io.StringIO()
    call_command("plan_office", "OFH", "--date", AFTER.isoformat(), "--quota", "08:00=20", stdout=text)

    assert [w["quota"] for w in data["plan"]["windows"]] == [20, 30, 25, 20]
    assert f"wait p50 {data['predicted']['wait_p50']} p90 {data['predicted']['wait_p90']} min" in text.getvalue()
    assert "figures from: arrivals office" in text.getvalue()
    backtest = io.StringIO()
    call_command("plan_office", "OFH", "--backtest", "3", stdout=backtest)
    assert backtest.getvalue().endswith("3 of 3 days within the tolerance\n")
    with pytest.raises(CommandError, match="--counters"):
        call_command("plan_office", "OFH", "--counters", "verification=many")
