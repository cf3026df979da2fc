"""The demo data: the offices file and `seed_demo`, which a newcomer runs first."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from loket.accounts.models import Person, Relation, User
from loket.offices.importer import offices_import, parse_offices
from loket.offices.models import ArrivalWindow, Office

pytestmark = pytest.mark.django_db

DEMO_FILE = "loket/offices/demo/offices.json"


@pytest.fixture
def demo_data() -> list[dict[str, object]]:
    from loket.demo.management.commands.seed_demo import DEMO_OFFICES

    data: list[dict[str, object]] = json.loads(DEMO_OFFICES.read_text(encoding="utf-8"))
    return data


def test_demo_file_imports_cleanly(demo_data: list[dict[str, object]]) -> None:
    out = StringIO()
    call_command("import_offices", DEMO_FILE, stdout=out)

    assert f"{len(demo_data)} created, 0 updated, 0 unchanged" in out.getvalue()
    assert Office.objects.count() == len(demo_data) >= 12


def test_demo_file_has_the_field_quotas(demo_data: list[dict[str, object]]) -> None:
    offices_import(data=demo_data)

    palembang = Office.objects.get(code="PLB")
    siantar = Office.objects.get(code="PMS")
    assert [palembang.daily_quota(day) for day in range(5)] == [200] * 5
    assert [siantar.daily_quota(day) for day in range(5)] == [70] * 5


def test_demo_file_spans_all_three_time_zones(demo_data: list[dict[str, object]]) -> None:
    offices_import(data=demo_data)

    zones = set(Office.objects.values_list("timezone", flat=True))
    assert {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"} <= zones


def test_demo_file_has_the_named_cities(demo_data: list[dict[str, object]]) -> None:
    offices_import(data=demo_data)

    cities = set(Office.objects.values_list("city", flat=True))
    assert {"Palembang", "Pematangsiantar", "Singkawang", "Batam", "Jakarta Selatan"} <= cities


def test_every_demo_office_has_windows(demo_data: list[dict[str, object]]) -> None:
    specs = parse_offices(demo_data)
    offices_import(data=demo_data)

    assert all(spec.windows for spec in specs)
    assert not Office.objects.filter(windows__isnull=True).exists()


def test_seed_demo_creates_the_demo_accounts() -> None:
    call_command("seed_demo", stdout=StringIO())

    applicant = User.objects.get(email="pemohon@loket.local")
    assert applicant.email_verified_at is not None
    assert applicant.check_password("Paspor-Demo-2026")
    assert Person.objects.filter(account=applicant, relation=Relation.SELF).count() == 1
    admin = User.objects.get(email="admin@loket.local")
    assert admin.is_superuser and admin.is_staff
    assert Office.objects.filter(code="PLB").exists()


def test_seed_demo_is_idempotent() -> None:
    call_command("seed_demo", stdout=StringIO())
    users = list(User.objects.order_by("id").values_list("id", "email", "password"))
    people = list(Person.objects.order_by("id").values_list("id", "nik"))
    offices = list(Office.objects.order_by("id").values_list())
    windows = list(ArrivalWindow.objects.order_by("id").values_list())
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "0 created, 0 updated" in out.getvalue()
    assert list(User.objects.order_by("id").values_list("id", "email", "password")) == users
    assert list(Person.objects.order_by("id").values_list("id", "nik")) == people
    assert list(Office.objects.order_by("id").values_list()) == offices
    assert list(ArrivalWindow.objects.order_by("id").values_list()) == windows
