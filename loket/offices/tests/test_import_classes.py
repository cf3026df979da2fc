"""import_offices with the optional class quotas and express cut-offs; files without them stay valid."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loket.booking.models import ClassQuota
from loket.offices.importer import OfficeImportError, offices_import
from loket.offices.models import Office
from loket.offices.tests.test_importer import WEEKDAYS, office_entry

pytestmark = pytest.mark.django_db

BATAM_CLASSES = [
    {"class": "priority", "days": WEEKDAYS, "capacity": 50},
    {"class": "express", "days": WEEKDAYS, "capacity": 35},
]


def quotas(code: str) -> dict[tuple[str, int], int]:
    return {(q.quota_class, q.weekday): q.capacity for q in ClassQuota.objects.filter(office__code=code)}


def test_class_quotas_and_cutoffs_are_imported_per_weekday() -> None:
    entry = office_entry(
        "BTM", class_quotas=BATAM_CLASSES, express_arrival_cutoff="09:30", express_payment_cutoff="11:00"
    )
    report = offices_import(data=[entry])
    assert report.created == ["BTM"]
    office = Office.objects.get(code="BTM")
    assert (office.express_arrival_cutoff, office.express_payment_cutoff) == (dt.time(9, 30), dt.time(11))
    got = quotas("BTM")
    assert len(got) == 10
    assert got[("priority", 0)] == 50 and got[("express", 4)] == 35
    assert ("express", 5) not in got  # Saturday offers no express place


def test_an_old_file_without_classes_imports_and_keeps_the_quotas_set_before(tmp_path: Path) -> None:
    offices_import(data=[office_entry("BTM", class_quotas=BATAM_CLASSES)])
    old = office_entry("BTM")  # a file written before the classes existed
    old["name"] = "Kantor Imigrasi Batam (baru)"
    path = tmp_path / "offices.json"
    path.write_text(json.dumps([old]), encoding="utf-8")
    out = StringIO()
    call_command("import_offices", str(path), stdout=out)
    assert "1 updated" in out.getvalue()
    assert len(quotas("BTM")) == 10  # untouched
    office = Office.objects.get(code="BTM")
    assert (office.express_arrival_cutoff, office.express_payment_cutoff) == (dt.time(10), dt.time(12))


def test_a_changed_list_replaces_the_quotas_and_counts_as_an_update() -> None:
    offices_import(data=[office_entry("BTM", class_quotas=BATAM_CLASSES)])
    report = offices_import(
        data=[office_entry("BTM", class_quotas=[{"class": "priority", "days": ["mon"], "capacity": 9}])]
    )
    assert report.updated == ["BTM"]
    assert quotas("BTM") == {("priority", 0): 9}
    again = offices_import(
        data=[office_entry("BTM", class_quotas=[{"class": "priority", "days": ["mon"], "capacity": 9}])]
    )
    assert again.unchanged == ["BTM"]
    assert offices_import(data=[office_entry("BTM", class_quotas=[])]).updated == ["BTM"]
    assert quotas("BTM") == {}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"class_quotas": [{"class": "vip", "days": ["mon"], "capacity": 1}]}, "class_quotas.0.class"),
        ({"class_quotas": [{"class": "express", "days": ["mon"], "capacity": -1}]}, "class_quotas.0.capacity"),
        (
            {"class_quotas": [BATAM_CLASSES[0], {"class": "priority", "days": ["mon"], "capacity": 1}]},
            "two priority quotas on mon",
        ),
        ({"express_arrival_cutoff": "10:00"}, "together"),
        ({"express_arrival_cutoff": "12:00", "express_payment_cutoff": "10:00"}, "must not be before"),
    ],
)
def test_bad_class_fields_reject_the_whole_file_naming_the_field(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(OfficeImportError, match=message):
        offices_import(data=[office_entry("AAA"), office_entry("BTM", **overrides)])
    assert not Office.objects.exists()


def test_the_command_names_the_bad_entry(tmp_path: Path) -> None:
    path = tmp_path / "offices.json"
    path.write_text(json.dumps([office_entry("BTM", class_quotas=[{"class": "vip", "days": ["mon"], "capacity": 1}])]))
    with pytest.raises(CommandError, match=r"entry 0 \(BTM\): class_quotas.0.class"):
        call_command("import_offices", str(path))


def test_a_class_may_be_made_bookable_online_and_back() -> None:
    online = [{"class": "priority", "days": ["mon", "tue"], "capacity": 5, "bookable_online": True}]
    offices_import(data=[office_entry("BTM", class_quotas=online)])
    assert set(ClassQuota.objects.values_list("weekday", "bookable_online")) == {(0, True), (1, True)}
    assert offices_import(data=[office_entry("BTM", class_quotas=online)]).unchanged == ["BTM"]
    report = offices_import(data=[office_entry("BTM", class_quotas=[{**online[0], "bookable_online": False}])])
    assert report.updated == ["BTM"]
    assert not ClassQuota.objects.filter(bookable_online=True).exists()
    with pytest.raises(OfficeImportError, match="bookable_online"):
        offices_import(data=[office_entry("BTM", class_quotas=[{**online[0], "bookable_online": "ya"}])])
