"""Headers: a strict CSP on every page, no-store where personal data is, Referrer- and Permissions-Policy."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from conftest import bearer
from loket.accounts.models import User
from loket.accounts.testing import second_factor_client
from loket.api.testing import ApiClient
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office
from loket.onsite.tests.conftest import make_officer_with_every_role

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)
ROOT = Path(settings.BASE_DIR)
INLINE = [
    # json_script's data blocks (type="application/json") are data, not code: CSP lets them be.
    (re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
]


def inline_code(html: str) -> list[str]:
    return [what for pattern, what in INLINE if pattern.search(html)]


@pytest.mark.parametrize("template", sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("loket/*/templates/**/*.html")))
def test_no_template_has_inline_script_or_style(template: str) -> None:
    assert inline_code((ROOT / template).read_text()) == []


def assert_strict_csp(response: object) -> None:
    policy = response["Content-Security-Policy"]  # type: ignore[index]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy


@pytest.fixture
def booked(applicant: User) -> str:
    make_office("PLB")
    request = BookingRequest(
        office="PLB", date=dt.date(2026, 12, 2), start=dt.time(8), service="new", passport_type="regular"
    )
    with time_machine.travel(NOW, tick=False):
        return booking_create(user=applicant, request=request)[0].code


PERSONAL_PAGES = ["/akun/", "/akun/keluarga/", "/pemesanan/", "/pemesanan/{code}/", "/pemesanan/{code}/dokumen/"]


@pytest.mark.parametrize("url", PERSONAL_PAGES)
def test_pages_with_personal_data_are_no_store_with_a_strict_csp(applicant: User, booked: str, url: str) -> None:
    browser = Client()
    browser.force_login(applicant)
    with time_machine.travel(NOW, tick=False):
        page = browser.get(url.format(code=booked))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert_strict_csp(page)
    assert inline_code(page.content.decode()) == []
    assert page["Referrer-Policy"] == "same-origin"
    assert "camera=()" in page["Permissions-Policy"]


@pytest.mark.parametrize("url", ["/api/v1/auth/me", "/api/v1/bookings", "/api/v1/household"])
def test_api_answers_with_personal_data_are_no_store(applicant: User, url: str) -> None:
    answer = ApiClient().get(url, headers=bearer(applicant))
    assert answer.status_code == 200
    assert "no-store" in answer["Cache-Control"]


def test_public_pages_have_the_csp_and_stay_cacheable(db: None) -> None:
    make_office("PLB")
    for url in ("/", "/masuk/", "/daftar/", "/papan/PLB/", "/petugas/masuk/"):
        page = Client().get(url)
        assert page.status_code == 200, url
        assert_strict_csp(page)
        assert inline_code(page.content.decode()) == [], url
    assert "no-store" not in Client().get("/").get("Cache-Control", "")


def test_only_the_scanner_pages_may_use_the_camera(db: None) -> None:
    office = make_office("PLB")
    officer = second_factor_client(make_officer_with_every_role(email="sup@imigrasi.go.id", office=office))
    for url in ("/petugas/PLB/checkin/", "/petugas/PLB/kiosk/"):
        page = officer.get(url)
        assert page.status_code == 200, url
        assert "camera=(self)" in page["Permissions-Policy"]
        assert "no-store" in page["Cache-Control"]
    assert "camera=()" in officer.get("/petugas/").get("Permissions-Policy", "")


def test_the_admin_has_the_csp_and_no_inline_code(admin_client: Client) -> None:
    for url in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert_strict_csp(page)
        assert "no-store" in page["Cache-Control"]
        assert inline_code(page.content.decode()) == [], url
