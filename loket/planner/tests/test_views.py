"""The planner page: who may open it, what it shows, the suggestions, and applying quotas (audited)."""

import datetime as dt

import pytest

from loket.accounts.models import StaffRoleKind, User
from loket.audit.models import AuditEntry
from loket.booking.models import Slot
from loket.offices.models import ArrivalWindow, Closure, Office
from loket.onsite.tests.conftest import make_officer, staff_client
from loket.planner.tests.conftest import AFTER

pytestmark = pytest.mark.usefixtures("day_after_history")


def url(office: Office, suffix: str = "") -> str:
    return f"/petugas/{office.code}/rencana/{suffix}"


def test_the_supervisor_sees_predicted_and_measured_waits(history: Office, supervisor: User) -> None:
    page = staff_client(supervisor).get(url(history))

    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'class="p90"' in html and 'class="m90"' in html  # predicted bars, measured markers
    assert "data kantor ini" in html  # the figures' source is named
    assert html.count("<time datetime=") == 1  # one comparable day: the Friday a week before
    assert 'name="kuota_0800" value="30"' in html
    assert f'href="{url(history)}"' in staff_client(supervisor).get("/petugas/").content.decode()


def test_more_counters_predict_shorter_waits(history: Office, supervisor: User) -> None:
    client = staff_client(supervisor)
    base = {"target": 30, "isi": 100, "tanggal": AFTER.isoformat()}
    few = {f"loket_verification_{h}": 2 for h in range(8, 13)}
    many = {f"loket_verification_{h}": 6 for h in range(8, 13)}

    slow, fast = client.get(url(history), {**base, **few}), client.get(url(history), {**base, **many})

    assert slow.context["planned"].prediction.wait_p90 > fast.context["planned"].prediction.wait_p90 + 5


def test_typed_figures_replace_the_fitted_ones_and_the_page_says_so(history: Office, supervisor: User) -> None:
    page = staff_client(supervisor).get(url(history), {"target": 30, "isi": 100, "hadir": 50, "layanan_pickup": 3})

    model = page.context["planned"].model
    assert model.show_rate == 0.5 and model.sources["arrivals"] == "manual" and model.sources["service"] == "manual"
    assert "diisi supervisor" in page.content.decode()


def test_suggest_quota_keeps_each_window_under_the_target(history: Office, supervisor: User) -> None:
    page = staff_client(supervisor).get(url(history), {"target": 20, "isi": 100, "aksi": "kuota"})

    suggestion = page.context["planned"].suggestion
    assert suggestion.reached
    for window in suggestion.plan.windows:
        assert suggestion.prediction.group_p90[window.label] <= 20
    html = page.content.decode()
    assert "Kuota terbesar per jam kedatangan" in html
    assert f'name="kuota_0800" value="{suggestion.plan.windows[0].quota}"' in html.split('class="apply"')[1]


def test_bad_plan_input_is_named_with_400(planned_office: Office, supervisor: User) -> None:
    page = staff_client(supervisor).get(url(planned_office), {"target": 2, "isi": 100, "loket_verification_9": -1})

    assert page.status_code == 400
    html = page.content.decode()
    assert "Target tunggu p90" in html and "loket_verification_9" in html
    assert page.context["planned"] is None
    far = staff_client(supervisor).get(url(planned_office), {"tanggal": "2099-01-01"})
    assert far.status_code == 400 and "dalam setahun" in far.content.decode()


def test_other_roles_are_refused_and_logged(planned_office: Office) -> None:
    counter = make_officer(email="loket.h@imigrasi.go.id", office=planned_office, role=StaffRoleKind.COUNTER)

    assert staff_client(counter).get(url(planned_office)).status_code == 403
    assert AuditEntry.objects.filter(actor=counter, action="plan.read", allowed=False).exists()


def apply_data(office: Office, day: dt.date, seats: int) -> dict[str, object]:
    return {"hari": day.weekday(), "berlaku": day.isoformat(), "yakin": "on"} | {
        f"kuota_{w.start:%H%M}": seats for w in ArrivalWindow.objects.filter(office=office, weekday=day.weekday())
    }


def test_applying_quotas_from_a_date_is_audited_and_keeps_earlier_days(
    planned_office: Office, supervisor: User
) -> None:
    week_later = AFTER + dt.timedelta(days=7)
    response = staff_client(supervisor).post(
        url(planned_office, "terapkan/"), apply_data(planned_office, week_later, 12)
    )

    assert response.status_code == 302
    windows = ArrivalWindow.objects.filter(office=planned_office, weekday=AFTER.weekday())
    assert {w.capacity for w in windows} == {12}
    assert {
        w.capacity for w in ArrivalWindow.objects.filter(office=planned_office, weekday=(AFTER.weekday() + 1) % 7)
    } != {12}
    # The same weekday before the effective date keeps its seats: its rows were made at the old counts.
    assert sorted(Slot.objects.filter(office=planned_office, date=AFTER).values_list("capacity", flat=True)) == [
        20,
        25,
        30,
        30,
    ]
    entry = AuditEntry.objects.get(action="plan.apply")
    assert entry.actor == supervisor and entry.before["quota"]["08:00"] == 30 and entry.after["quota"]["08:00"] == 12
    assert entry.after["effective_from"] == week_later.isoformat()


def test_applying_refuses_a_day_already_booked_beyond_the_new_quota(planned_office: Office, supervisor: User) -> None:
    day = AFTER + dt.timedelta(days=7)
    Slot.objects.create(office=planned_office, date=day, start=dt.time(8), end=dt.time(9), capacity=30, booked=10,
                        starts_at=dt.datetime.combine(day, dt.time(1), tzinfo=dt.UTC))  # fmt: skip

    response = staff_client(supervisor).post(url(planned_office, "terapkan/"), apply_data(planned_office, day, 5))

    assert response.status_code == 409
    assert "sudah terpesan 10" in response.content.decode()
    assert {w.capacity for w in ArrivalWindow.objects.filter(office=planned_office, weekday=day.weekday())} != {5}
    assert Slot.objects.get(office=planned_office, date=day, start=dt.time(8)).capacity == 30
    assert not AuditEntry.objects.filter(action="plan.apply").exists()


def test_applying_needs_the_confirmation_and_a_date_not_in_the_past(planned_office: Office, supervisor: User) -> None:
    client = staff_client(supervisor)
    unconfirmed = apply_data(planned_office, AFTER, 10)
    del unconfirmed["yakin"]

    assert client.post(url(planned_office, "terapkan/"), unconfirmed).status_code == 400
    past = client.post(url(planned_office, "terapkan/"), apply_data(planned_office, AFTER - dt.timedelta(days=7), 10))
    assert past.status_code == 422 and "sebelum hari ini" in past.content.decode()


def test_the_national_administrator_plans_any_office_in_english(planned_office: Office) -> None:
    admin = make_officer(email="admin.pusat@imigrasi.go.id", office=None, role=StaffRoleKind.ADMIN)
    client = staff_client(admin)
    client.cookies["django_language"] = "en"

    page = client.get(url(planned_office))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Capacity plan" in html and "Suggest the largest quota" in html
    assert "built-in values (no records yet)" in html  # an office without history, nor any other office's


def test_a_closed_day_is_said_and_still_predicted(planned_office: Office, supervisor: User) -> None:
    day = AFTER + dt.timedelta(days=3)
    Closure.objects.create(office=planned_office, date=day, reason="Renovasi ruang tunggu")

    page = staff_client(supervisor).get(url(planned_office), {"tanggal": day.isoformat()})

    assert page.status_code == 200
    assert "Kantor tutup pada tanggal ini (Renovasi ruang tunggu)" in page.content.decode()
    assert page.context["planned"].prediction.visitors > 0


def test_suggest_counters_shows_the_fewest_per_stage_and_hour(history: Office, supervisor: User) -> None:
    page = staff_client(supervisor).get(url(history), {"target": 30, "isi": 100, "aksi": "loket"})

    suggestion = page.context["planned"].suggestion
    assert suggestion.reached and suggestion.prediction.wait_p90 <= 30
    html = page.content.decode()
    assert "Loket tersedikit per tahap dan jam" in html
    assert f"<td>{suggestion.plan.staffing.counters['verification'][0]}</td>" in html
