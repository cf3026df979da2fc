"""Dukcapil and passport-registry checks: file adapter, HTTP adapter against a real local server."""

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from loket.accounts.models import User
from loket.core.testing.http import LocalHTTPServer
from loket.dossier.models import Application, CheckState
from loket.dossier.registry import FileDukcapil, FilePassports, HttpDukcapil, HttpPassports, same_name
from loket.dossier.tests.conftest import application_for
from loket.offices.models import Office

BUDI = {"nik": "1671011508900001", "name": "Budi Santoso", "birth_date": dt.date(1990, 8, 15)}


# --- file adapter (the demo data) ------------------------------------------------------


def test_demo_applicant_matches(settings: Any) -> None:
    assert FileDukcapil(Path(settings.LOKET_DUKCAPIL_FILE)).check_identity(**BUDI) == CheckState.MATCH


@pytest.mark.parametrize(
    "change",
    [{"name": "Budi Santosa"}, {"birth_date": dt.date(1990, 8, 16)}, {"nik": "1671011508900009"}],
    ids=["name", "birth_date", "unknown_nik"],
)
def test_any_difference_is_a_mismatch(settings: Any, change: dict[str, Any]) -> None:
    registry = FileDukcapil(Path(settings.LOKET_DUKCAPIL_FILE))
    assert registry.check_identity(**{**BUDI, **change}) == CheckState.MISMATCH


def test_missing_or_broken_file_is_unavailable(tmp_path: Path) -> None:
    assert FileDukcapil(tmp_path / "nope.json").check_identity(**BUDI) == CheckState.UNAVAILABLE
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert FileDukcapil(broken).check_identity(**BUDI) == CheckState.UNAVAILABLE


def test_names_compare_as_the_registry_prints_them() -> None:
    assert same_name("BUDI  SANTOSO", "budi santoso")
    assert same_name("Ni Kadek Ayu Putri", "NI KADEK AYU PUTRI")
    assert same_name("Andi Mappa-Rewa", "ANDI MAPPA REWA")
    assert not same_name("Budi", "Budi Santoso")


def test_passport_file_adapter(settings: Any, tmp_path: Path) -> None:
    registry = FilePassports(Path(settings.LOKET_PASSPORT_REGISTRY_FILE))
    assert registry.check_passport(nik="1671011508900001", passport_number="B1234567") == CheckState.MATCH
    assert registry.check_passport(nik="1671014508900002", passport_number="B1234567") == CheckState.MISMATCH
    assert registry.check_passport(nik="1671011508900001", passport_number="Z0000000") == CheckState.MISMATCH
    assert FilePassports(tmp_path / "x").check_passport(nik="1", passport_number="B1") == CheckState.UNAVAILABLE


# --- HTTP adapter against a real server on 127.0.0.1 ------------------------------------


class FakeRegistry(BaseHTTPRequestHandler):
    """/ok answers from BUDI; /500 always fails; /slow answers too late; /flaky fails once, then answers."""

    calls: dict[str, int] = {}
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        FakeRegistry.calls[self.path] = FakeRegistry.calls.get(self.path, 0) + 1
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeRegistry.bodies.append({"auth": self.headers.get("Authorization"), **body})
        if self.path == "/500" or (self.path == "/flaky" and FakeRegistry.calls[self.path] == 1):
            self._answer(500, {"error": "down"})
        elif self.path == "/slow":
            time.sleep(1.0)
            self._answer(200, {"result": "match"})
        elif self.path == "/garbage":
            self._answer(200, {"something": "else"})
        elif self.path == "/passport":
            ok = body.get("passport_number") == "B1234567" and body.get("nik") == BUDI["nik"]
            self._answer(200, {"result": "match" if ok else "not_found"})
        else:
            ok = body.get("nik") == BUDI["nik"] and same_name(body.get("name", ""), str(BUDI["name"]))
            self._answer(200, {"result": "match" if ok else "mismatch"})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    FakeRegistry.calls = {}
    FakeRegistry.bodies = []
    httpd = LocalHTTPServer(("127.0.0.1", 0), FakeRegistry)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def http(url: str, **options: Any) -> HttpDukcapil:
    return HttpDukcapil(url=url, **{"timeout": 0.3, "retries": 1, "backoff": 0.0, **options})


def test_http_match_and_mismatch(server: str) -> None:
    assert http(f"{server}/ok", token="s3cret").check_identity(**BUDI) == CheckState.MATCH
    assert http(f"{server}/ok").check_identity(**{**BUDI, "name": "Someone Else"}) == CheckState.MISMATCH
    assert FakeRegistry.bodies[0] == {
        "auth": "Bearer s3cret",
        "nik": "1671011508900001",
        "name": "Budi Santoso",
        "birth_date": "1990-08-15",
    }


def test_http_500_is_retried_then_unavailable(server: str) -> None:
    assert http(f"{server}/500", retries=2).check_identity(**BUDI) == CheckState.UNAVAILABLE
    assert FakeRegistry.calls["/500"] == 3


def test_http_timeout_is_unavailable_and_quick(server: str) -> None:
    started = time.monotonic()
    assert http(f"{server}/slow", timeout=0.2, retries=1).check_identity(**BUDI) == CheckState.UNAVAILABLE
    assert time.monotonic() - started < 1.5
    assert FakeRegistry.calls["/slow"] == 2


def test_http_one_failure_then_an_answer(server: str) -> None:
    assert http(f"{server}/flaky").check_identity(**BUDI) == CheckState.MATCH
    assert FakeRegistry.calls["/flaky"] == 2


def test_http_unreadable_answer_or_no_server_is_unavailable(server: str) -> None:
    assert http(f"{server}/garbage").check_identity(**BUDI) == CheckState.UNAVAILABLE
    assert http("http://127.0.0.1:9/closed").check_identity(**BUDI) == CheckState.UNAVAILABLE


def test_http_passport_registry(server: str) -> None:
    registry = HttpPassports(url=f"{server}/passport", timeout=0.3, retries=0)
    assert registry.check_passport(nik=str(BUDI["nik"]), passport_number="B1234567") == CheckState.MATCH
    assert registry.check_passport(nik=str(BUDI["nik"]), passport_number="B7654321") == CheckState.MISMATCH


# --- the checks run after the booking commits, through the worker ------------------------


def test_booking_checks_identity_after_commit(
    applicant: User, office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application = application_for(applicant)
        assert application.identity_check == CheckState.PENDING  # nothing slow inside the transaction
    application.refresh_from_db()
    assert application.identity_check == CheckState.MATCH  # Ani is in the demo registry
    assert application.identity_checked_at is not None
    assert application.passport_check == CheckState.NOT_REQUIRED


def test_registry_down_never_blocks_the_booking(
    applicant: User, office: Office, settings: Any, server: str, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOKET_DUKCAPIL_ADAPTER = "http"
    settings.LOKET_DUKCAPIL_URL = f"{server}/500"
    settings.LOKET_REGISTRY_RETRIES = 0
    with django_capture_on_commit_callbacks(execute=True):
        application = application_for(applicant)
    application.refresh_from_db()
    assert application.booking.is_active  # booked (and awaiting payment, or confirmed) all the same
    assert application.identity_check == CheckState.UNAVAILABLE
    assert application.get_identity_check_display() == "Diperiksa di loket"


def test_replacement_checks_the_old_passport_too(
    applicant: User, office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application = application_for(
            applicant, service="replacement", replacement_reason="expired", old_passport_number="x 2345678"
        )
    application = Application.objects.get(pk=application.pk)
    assert application.old_passport_number == "X2345678"
    assert (application.identity_check, application.passport_check) == (CheckState.MATCH, CheckState.MATCH)
    assert application.passport_checked_at is not None


def test_someone_elses_passport_number_is_a_mismatch(
    applicant: User, office: Office, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application = application_for(
            applicant, service="replacement", replacement_reason="damaged", old_passport_number="B1234567"
        )
    application.refresh_from_db()
    assert application.passport_check == CheckState.MISMATCH
