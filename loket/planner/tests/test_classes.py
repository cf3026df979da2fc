"""The day's priority and express places (loket/booking ClassQuota) in the planner: they become
arrivals (priority called first, express before the arrival cut-off), the fit reads them from the
office's class tickets, and the page, the API and the command show and change them."""

import datetime as dt
import io
import json
from dataclasses import replace

import pytest
from django.core.management import call_command

from loket.accounts.models import User
from loket.offices.models import Office
from loket.onsite.models import Letter, Ticket
from loket.onsite.tests.conftest import staff_client
from loket.planner.fit import office_model
from loket.planner.model import BUILT_IN_MODEL, EXPRESS, PRIORITY, STAGES
from loket.planner.predict import Draws, Places, Plan, Window, run
from loket.planner.simulate import Staffing
from loket.planner.tests.conftest import AFTER, CLASS_PLACES, KNOWN

TEN = dt.time(10)
PLAN = Plan(
    windows=(Window(dt.time(8), dt.time(9), 20), Window(dt.time(9), dt.time(10), 20)),
    staffing=Staffing(first_hour=8, counters={s: (2, 2, 2, 2) for s in STAGES}),
    classes=(Places(PRIORITY, 10), Places(EXPRESS, 12, until=dt.time(9, 30))),
)


def test_class_places_become_arrivals_as_the_desk_takes_them() -> None:
    model = replace(BUILT_IN_MODEL, class_use={PRIORITY: 0.5})  # half the priority places taken, every express one
    people = Draws(model).people(PLAN, seed=3)

    priority = [v for v in people if v.group == PRIORITY]
    express = [v for v in people if v.group == EXPRESS]
    assert len(priority) == 5 and all(v.priority for v in priority)
    assert len(express) == 12 and all(v.arrival < 9 * 60 + 30 for v in express)  # before the cut-off
    for v in priority + express:  # they queue from the window under way, as the walk-in desk books them
        assert v.appointment == (480 if v.arrival < 540 else 540)
        assert v.route == ("verification", "photo_interview")


def test_priority_places_are_called_first_and_express_places_lengthen_the_others_waits() -> None:
    prediction = run(BUILT_IN_MODEL, PLAN, replications=20)
    without_express = run(BUILT_IN_MODEL, replace(PLAN, classes=PLAN.classes[:1]), replications=20)

    assert prediction.group_p90[PRIORITY] < 0.5 * prediction.group_p90["08:00"]
    assert EXPRESS not in without_express.group_p90
    assert prediction.visitors == pytest.approx(without_express.visitors + 12)
    assert prediction.group_p90["09:00"] > without_express.group_p90["09:00"] + 5


def test_the_fit_reads_the_class_tickets_apart_from_the_walk_ins(history: Office) -> None:
    model = office_model(history, AFTER)
    truth = KNOWN.model

    assert Ticket.objects.filter(office=history, letter=Letter.EXPRESS).count() == 9 * 10  # 90 % of 10 places, 10 days
    for quota_class in (PRIORITY, EXPRESS):
        assert abs(model.class_use[quota_class] - truth.class_use[quota_class]) <= 0.05, quota_class
        fitted, known = model.class_hours[quota_class], truth.class_hours[quota_class]
        assert set(fitted) <= set(known), quota_class
        assert all(abs(fitted.get(h, 0.0) - share) <= 0.15 for h, share in known.items()), quota_class
    # The class people are neither walk-ins nor part of the booked people's priority share.
    walkins = sum(truth.walkins_per_hour.values())
    assert abs(sum(model.walkins_per_hour.values()) - walkins) <= 0.25 * walkins
    assert abs(model.priority_share - truth.priority_share) <= 0.03


@pytest.mark.usefixtures("day_after_history")
def test_the_page_shows_the_class_places_and_the_supervisor_changes_them(history: Office, supervisor: User) -> None:
    client = staff_client(supervisor)
    base = {"target": 30, "isi": 100, "tanggal": AFTER.isoformat()}

    page = client.get(f"/petugas/{history.code}/rencana/")
    same = client.get(f"/petugas/{history.code}/rencana/", base)
    more = client.get(f"/petugas/{history.code}/rencana/", {**base, "kelas_express": 40, "kelas_priority": 0})

    html = page.content.decode()
    assert f'name="kelas_priority" value="{CLASS_PLACES[PRIORITY]}"' in html
    assert f'name="kelas_express" value="{CLASS_PLACES[EXPRESS]}"' in html
    assert 'id="class-places"' in html and "Percepatan" in html and "10.00" in html
    planned = more.context["planned"]
    assert [(p.quota_class, p.quota, p.until) for p in planned.plan.classes] == [(EXPRESS, 40, TEN)]
    # 30 express places more (90 % taken), 5 priority places fewer (80 % taken): 23 more people.
    assert planned.prediction.visitors == pytest.approx(same.context["planned"].prediction.visitors + 23)


@pytest.mark.usefixtures("day_after_history")
def test_the_api_and_the_command_include_the_class_places(history: Office, supervisor: User) -> None:
    url = f"/api/v1/offices/{history.code}/plan"
    data = staff_client(supervisor).get(url, {"date": AFTER.isoformat(), "classes": "express=20"}).json()
    bad = staff_client(supervisor).get(url, {"classes": "vip=3"})
    out = io.StringIO()
    call_command("plan_office", history.code, "--date", AFTER.isoformat(), "--classes", "priority=0", stdout=out)

    assert data["plan"]["classes"] == [
        {"class": PRIORITY, "places": CLASS_PLACES[PRIORITY], "arrive_before": None},
        {"class": EXPRESS, "places": 20, "arrive_before": "10:00"},
    ]
    assert set(data["model"]["classes"]) == {PRIORITY, EXPRESS}
    assert all(int(hour) < 10 for hour in data["model"]["classes"][EXPRESS]["arrival_hours"])  # before 10.00
    assert data["predicted"]["groups_p90"][EXPRESS] is not None
    assert bad.status_code == 422 and bad.json()["field"] == "classes"
    text = out.getvalue()
    assert "class places express=10, arriving before 10:00" in text and "class places priority" not in text
    assert "p90 by group: " in text and " express " in text
    as_json = io.StringIO()
    call_command("plan_office", history.code, "--date", AFTER.isoformat(), "--json", stdout=as_json)
    assert json.loads(as_json.getvalue())["plan"]["classes"][1]["places"] == CLASS_PLACES[EXPRESS]
