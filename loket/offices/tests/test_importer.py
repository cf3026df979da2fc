"""import_offices: a JSON list of offices in, offices and weekly windows out; a bad file changes nothing."""

import copy
import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loket.offices.importer import OfficeImportError, offices_import
from loket.offices.models import ArrivalWindow, Office, OfficeKind

pytestmark = pytest.mark.django_db

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def office_entry(code: str = "PLB", **overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": code,
        "name": f"Kantor Imigrasi {code}",
        "kind": "kelas_i_tpi",
        "province": "Sumatera Selatan",
        "city": "Palembang",
        "address": "Jl. Mayor Memet Sastrawirya No. 1",
        "timezone": "Asia/Jakarta",
        "horizon_days": 30,
        "release_time": "07:00",
        "online_booking": True,
        "windows": [
            {"days": WEEKDAYS, "start": "08:00", "end": "09:00", "capacity": 40},
            {"days": WEEKDAYS, "start": "09:00", "end": "10:00", "capacity": 35},
            {"days": ["sat"], "start": "08:00", "end": "11:00", "capacity": 20},
        ],
    }
    entry.update(overrides)
    return entry


def write_json(tmp_path: Path, data: Any, name: str = "offices.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run_import(path: Path) -> str:
    out = StringIO()
    call_command("import_offices", str(path), stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    offices = list(Office.objects.order_by("id").values_list())
    windows = list(ArrivalWindow.objects.order_by("id").values_list())
    return offices, windows


# --- a good file ---------------------------------------------------------------------------------


def test_good_file_creates_offices_with_their_fields(tmp_path: Path) -> None:
    path = write_json(tmp_path, [office_entry("PLB"), office_entry("JYP", timezone="Asia/Jayapura")])

    output = run_import(path)

    assert "2 created, 0 updated, 0 unchanged" in output
    plb = Office.objects.get(code="PLB")
    assert plb.name == "Kantor Imigrasi PLB"
    assert plb.kind == OfficeKind.KELAS_I_TPI
    assert plb.city == "Palembang"
    assert plb.province == "Sumatera Selatan"
    assert plb.horizon_days == 30
    assert plb.release_time == dt.time(7, 0)
    assert Office.objects.get(code="JYP").timezone == "Asia/Jayapura"


def test_days_list_expands_to_one_window_per_weekday(tmp_path: Path) -> None:
    run_import(write_json(tmp_path, [office_entry()]))

    plb = Office.objects.get(code="PLB")
    # 2 windows on each of 5 weekdays + 1 on Saturday
    assert plb.windows.count() == 11
    assert list(plb.windows.filter(weekday=0).values_list("start", "end", "capacity")) == [
        (dt.time(8, 0), dt.time(9, 0), 40),
        (dt.time(9, 0), dt.time(10, 0), 35),
    ]
    assert list(plb.windows.filter(weekday=5).values_list("start", "end", "capacity")) == [
        (dt.time(8, 0), dt.time(11, 0), 20)
    ]
    assert not plb.windows.filter(weekday=6).exists()


def test_day_quota_is_the_sum_of_that_days_windows(tmp_path: Path) -> None:
    run_import(write_json(tmp_path, [office_entry()]))

    plb = Office.objects.get(code="PLB")
    assert [plb.daily_quota(day) for day in range(7)] == [75, 75, 75, 75, 75, 20, 0]


def test_optional_fields_take_their_defaults(tmp_path: Path) -> None:
    minimal = {
        "code": "SKW",
        "name": "Kantor Imigrasi Singkawang",
        "timezone": "Asia/Jakarta",
        "horizon_days": 14,
        "windows": [{"days": ["mon"], "start": "08:00", "end": "12:00", "capacity": 90}],
    }

    report = offices_import(data=[minimal])

    assert report.created == ["SKW"]
    office = Office.objects.get(code="SKW")
    assert office.online_booking is True
    assert office.release_time == dt.time(0, 0)
    assert office.kind == OfficeKind.KELAS_I_TPI
    assert (office.province, office.city, office.address) == ("", "", "")


def test_online_booking_can_be_switched_off(tmp_path: Path) -> None:
    offices_import(data=[office_entry(online_booking=False)])

    assert Office.objects.get(code="PLB").online_booking is False


def test_whitespace_around_text_is_trimmed() -> None:
    offices_import(data=[office_entry(name="  Kantor Imigrasi Palembang ", city=" Palembang")])

    office = Office.objects.get(code="PLB")
    assert (office.name, office.city) == ("Kantor Imigrasi Palembang", "Palembang")


# --- idempotence and updates -----------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = write_json(tmp_path, [office_entry("PLB"), office_entry("PMS")])
    run_import(path)
    before = snapshot()

    output = run_import(path)

    assert "0 created, 0 updated, 2 unchanged" in output
    assert snapshot() == before


def test_second_run_of_the_service_reports_all_unchanged() -> None:
    data = [office_entry("PLB"), office_entry("BTM")]
    offices_import(data=data)

    report = offices_import(data=data)

    assert report.created == []
    assert report.updated == []
    assert sorted(report.unchanged) == ["BTM", "PLB"]


def test_updated_file_changes_capacity_in_place() -> None:
    offices_import(data=[office_entry()])
    window_ids = set(ArrivalWindow.objects.values_list("id", flat=True))
    changed = office_entry()
    changed["windows"][0]["capacity"] = 60

    report = offices_import(data=[changed])

    assert report.updated == ["PLB"]
    plb = Office.objects.get(code="PLB")
    assert plb.daily_quota(0) == 95
    assert plb.windows.get(weekday=2, start=dt.time(8, 0)).capacity == 60
    # the same rows were updated, none replaced
    assert set(ArrivalWindow.objects.values_list("id", flat=True)) == window_ids


def test_updated_file_removes_windows_no_longer_listed() -> None:
    offices_import(data=[office_entry()])
    trimmed = office_entry()
    trimmed["windows"] = [
        {"days": ["mon", "tue"], "start": "08:00", "end": "09:00", "capacity": 40},
    ]

    report = offices_import(data=[trimmed])

    assert report.updated == ["PLB"]
    plb = Office.objects.get(code="PLB")
    assert list(plb.windows.order_by("weekday").values_list("weekday", "start")) == [
        (0, dt.time(8, 0)),
        (1, dt.time(8, 0)),
    ]
    assert plb.daily_quota(5) == 0


def test_updated_file_adds_new_windows_and_changes_office_fields() -> None:
    offices_import(data=[office_entry()])
    more = office_entry(name="Kanim Palembang", horizon_days=60, online_booking=False)
    more["windows"].append({"days": ["sun"], "start": "09:00", "end": "10:00", "capacity": 10})

    report = offices_import(data=[more])

    assert report.updated == ["PLB"]
    plb = Office.objects.get(code="PLB")
    assert (plb.name, plb.horizon_days, plb.online_booking) == ("Kanim Palembang", 60, False)
    assert plb.daily_quota(6) == 10


def test_changing_a_window_end_counts_as_an_update() -> None:
    offices_import(data=[office_entry()])
    later = office_entry()
    later["windows"][2]["end"] = "12:00"

    report = offices_import(data=[later])

    assert report.updated == ["PLB"]
    assert Office.objects.get(code="PLB").windows.get(weekday=5).end == dt.time(12, 0)


def test_offices_missing_from_the_file_are_left_alone() -> None:
    offices_import(data=[office_entry("PLB"), office_entry("PMS")])

    report = offices_import(data=[office_entry("PLB")])

    assert report.unchanged == ["PLB"]
    assert Office.objects.filter(code="PMS").exists()


def test_mixed_file_reports_created_updated_and_unchanged() -> None:
    offices_import(data=[office_entry("PLB"), office_entry("PMS")])

    report = offices_import(data=[office_entry("PLB"), office_entry("PMS", horizon_days=7), office_entry("SKW")])

    assert (report.created, report.updated, report.unchanged) == (["SKW"], ["PMS"], ["PLB"])


# --- a bad file is rejected whole ------------------------------------------------------------------


def test_bad_second_entry_rejects_the_whole_file(tmp_path: Path) -> None:
    bad = office_entry("BTM")
    bad["windows"][0]["start"] = "not a time"
    path = write_json(tmp_path, [office_entry("PLB"), bad])

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert "rejected, nothing imported" in str(error.value)
    assert "entry 1 (BTM): windows.0.start:" in str(error.value)
    assert not Office.objects.exists()
    assert not ArrivalWindow.objects.exists()


def test_bad_file_leaves_existing_offices_untouched(tmp_path: Path) -> None:
    offices_import(data=[office_entry("PLB")])
    before = snapshot()
    changed = office_entry("PLB", horizon_days=90)
    changed["windows"] = []
    path = write_json(tmp_path, [changed, office_entry("BTM", timezone="Asia/Tokyo")])

    with pytest.raises(CommandError, match=r"entry 1 \(BTM\): timezone:"):
        run_import(path)

    assert snapshot() == before


def _broken(mutate: Any) -> list[dict[str, Any]]:
    entry = office_entry("BTM")
    mutate(entry)
    return [office_entry("PLB"), entry]


def _set(path: str, value: Any) -> Any:
    def mutate(entry: dict[str, Any]) -> None:
        target: Any = entry
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(key: str) -> Any:
    return lambda entry: entry.pop(key)


BAD_ENTRIES = {
    "missing code": (_drop("code"), r"entry 1: code: Field required"),
    "lowercase code": (_set("code", "btm"), r"entry 1 \(btm\): code:"),
    "code too long": (_set("code", "BATAMKOTA1"), r"entry 1 \(BATAMKOTA1\): code:"),
    "missing name": (_drop("name"), r"entry 1 \(BTM\): name: Field required"),
    "blank name": (_set("name", "   "), r"entry 1 \(BTM\): name:"),
    "name too long": (_set("name", "K" * 121), r"entry 1 \(BTM\): name:"),
    "NUL in name": (_set("name", "Kanim\x00Batam"), r"entry 1 \(BTM\): name: .*control characters"),
    "control character in address": (_set("address", "Jl.\x1b Batam"), r"entry 1 \(BTM\): address:"),
    "timezone outside Indonesia": (_set("timezone", "Asia/Tokyo"), r"entry 1 \(BTM\): timezone:"),
    "missing timezone": (_drop("timezone"), r"entry 1 \(BTM\): timezone: Field required"),
    "unknown kind": (_set("kind", "kelas_iii"), r"entry 1 \(BTM\): kind:"),
    "zero horizon": (_set("horizon_days", 0), r"entry 1 \(BTM\): horizon_days:"),
    "horizon over a year": (_set("horizon_days", 400), r"entry 1 \(BTM\): horizon_days:"),
    "horizon as text": (_set("horizon_days", "30"), r"entry 1 \(BTM\): horizon_days:"),
    "online_booking as text": (_set("online_booking", "yes"), r"entry 1 \(BTM\): online_booking:"),
    "release time out of range": (_set("release_time", "24:00"), r"entry 1 \(BTM\): release_time:"),
    "release time with offset": (_set("release_time", "00:00+07:00"), r"entry 1 \(BTM\): release_time:.*offset"),
    "windows not a list": (_set("windows", {"mon": 40}), r"entry 1 \(BTM\): windows:"),
    "end before start": (_set("windows.0.end", "07:00"), r"entry 1 \(BTM\): windows\.0: .*end must be after start"),
    "end equal to start": (_set("windows.0.end", "08:00"), r"entry 1 \(BTM\): windows\.0: .*end must be after start"),
    "window start with offset": (_set("windows.0.start", "08:00+07:00"), r"entry 1 \(BTM\): windows\.0\.start:"),
    "window times with offsets": (
        lambda e: e["windows"][0].update(start="08:00+07:00", end="09:00+07:00"),
        r"entry 1 \(BTM\): windows\.0\.start:.*offset",
    ),
    "negative capacity": (_set("windows.1.capacity", -5), r"entry 1 \(BTM\): windows\.1\.capacity:"),
    "huge capacity": (_set("windows.1.capacity", 10_001), r"entry 1 \(BTM\): windows\.1\.capacity:"),
    "capacity as boolean": (_set("windows.1.capacity", True), r"entry 1 \(BTM\): windows\.1\.capacity:"),
    "fractional capacity": (_set("windows.1.capacity", 40.5), r"entry 1 \(BTM\): windows\.1\.capacity:"),
    "missing capacity": (lambda e: e["windows"][0].pop("capacity"), r"windows\.0\.capacity: Field required"),
    "unknown day": (_set("windows.0.days", ["mon2"]), r"entry 1 \(BTM\): windows\.0\.days\.0:"),
    "no days": (_set("windows.0.days", []), r"entry 1 \(BTM\): windows\.0\.days:"),
    "duplicate start on one day": (
        lambda e: e["windows"].append({"days": ["wed"], "start": "08:00", "end": "08:30", "capacity": 5}),
        r"entry 1 \(BTM\): windows: .*two windows start at 08:00 on wed",
    ),
    "same day twice in one window": (
        _set("windows.2.days", ["sat", "sat"]),
        r"entry 1 \(BTM\): windows: .*two windows start at 08:00 on sat",
    ),
    "extra unknown field": (_set("fax", "0778-123"), r"entry 1 \(BTM\): fax: Extra inputs are not permitted"),
    "extra field in a window": (_set("windows.0.note", "pagi"), r"entry 1 \(BTM\): windows\.0\.note:"),
}


@pytest.mark.parametrize("mutate, message", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_bad_entry_is_named_with_its_field_and_nothing_is_written(tmp_path: Path, mutate: Any, message: str) -> None:
    path = write_json(tmp_path, _broken(mutate))

    with pytest.raises(CommandError, match=message):
        run_import(path)

    assert not Office.objects.exists()
    assert not ArrivalWindow.objects.exists()


@pytest.mark.parametrize("mutate, message", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_service_rejects_bad_entry_with_office_import_error(mutate: Any, message: str) -> None:
    with pytest.raises(OfficeImportError, match=message):
        offices_import(data=_broken(mutate))

    assert not Office.objects.exists()


def test_duplicate_code_in_the_file_is_rejected() -> None:
    with pytest.raises(OfficeImportError, match=r"entry 2 \(PLB\): code: appears twice in the file"):
        offices_import(data=[office_entry("PLB"), office_entry("PMS"), office_entry("PLB")])

    assert not Office.objects.exists()


@pytest.mark.parametrize("data", [{"code": "PLB"}, "PLB", 42, None], ids=["object", "string", "number", "null"])
def test_file_that_is_not_a_list_is_rejected(tmp_path: Path, data: Any) -> None:
    with pytest.raises(CommandError, match="must hold a JSON list of offices"):
        run_import(write_json(tmp_path, data))

    assert not Office.objects.exists()


def test_entry_that_is_not_an_object_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"entry 1: \(entry\): "):
        run_import(write_json(tmp_path, [office_entry(), "BTM"]))

    assert not Office.objects.exists()


def test_empty_list_imports_nothing(tmp_path: Path) -> None:
    assert "0 created, 0 updated, 0 unchanged" in run_import(write_json(tmp_path, []))


def test_invalid_json_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"code": "PLB",', encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken\.json: not valid JSON"):
        run_import(path)

    assert not Office.objects.exists()


def test_file_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'[{"name": "Kantor \xe9"}]')

    with pytest.raises(CommandError, match="not valid JSON"):
        run_import(path)


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nope\.json: no such file"):
        run_import(tmp_path / "nope.json")


def test_only_the_first_problem_is_reported_but_for_the_right_entry() -> None:
    first_bad = office_entry("PMS", timezone="Europe/Paris")
    second_bad = office_entry("BTM", horizon_days=0)

    with pytest.raises(OfficeImportError) as error:
        offices_import(data=[office_entry("PLB"), first_bad, second_bad])

    assert str(error.value).startswith("entry 1 (PMS): timezone:")


def test_input_data_is_not_modified() -> None:
    data = [office_entry("PLB")]
    original = copy.deepcopy(data)

    offices_import(data=data)

    assert data == original
