"""Adapters to the civil registry (Dukcapil) and the passport registry.

Each answers "match", "mismatch" or "unavailable" (CheckState values) and never raises:
a registry that is down must not stop a booking, the officer then checks at the counter.

Two adapters of each, chosen by settings (LOKET_DUKCAPIL_ADAPTER, LOKET_PASSPORT_REGISTRY_ADAPTER):
- "file": a local JSON file (the demo data in loket/dossier/demo/ by default);
- "http": POST a JSON body to a configured endpoint, which answers {"result": "match" |
  "mismatch" | "not_found"}; timeouts and 5xx are retried, then the answer is "unavailable".
"""

import datetime as dt
import json
import logging
import re
import time
import unicodedata
from pathlib import Path
from typing import Any, Protocol

import httpx
from django.conf import settings

from loket.dossier.models import CheckState

log = logging.getLogger(__name__)

_NOT_LETTERS = re.compile(r"[^a-z ]+")


def same_name(a: str, b: str) -> bool:
    """Names compared as the registry prints them: case, accents, punctuation and spacing ignored."""

    def norm(name: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        return " ".join(_NOT_LETTERS.sub(" ", ascii_name).split())

    return norm(a) == norm(b)


class IdentityRegistry(Protocol):
    def check_identity(self, *, nik: str, name: str, birth_date: dt.date) -> str: ...


class PassportRegistry(Protocol):
    def check_passport(self, *, nik: str, passport_number: str) -> str: ...


def _read_records(path: Path, key: str) -> list[dict[str, Any]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        records = data[key]
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("registry file %s unreadable: %s", path, error.__class__.__name__)
        return None
    return [r for r in records if isinstance(r, dict)]


class FileDukcapil:
    """Reads {"people": [{"nik", "name", "birth_date"}]}; re-read on every check so edits apply at once."""

    def __init__(self, path: Path):
        self.path = path

    def check_identity(self, *, nik: str, name: str, birth_date: dt.date) -> str:
        people = _read_records(self.path, "people")
        if people is None:
            return CheckState.UNAVAILABLE
        record = next((p for p in people if p.get("nik") == nik), None)
        if record is None:
            return CheckState.MISMATCH
        if same_name(str(record.get("name", "")), name) and record.get("birth_date") == birth_date.isoformat():
            return CheckState.MATCH
        return CheckState.MISMATCH


class FilePassports:
    """Reads {"passports": [{"number", "nik"}]}: which NIK each passport number was issued to."""

    def __init__(self, path: Path):
        self.path = path

    def check_passport(self, *, nik: str, passport_number: str) -> str:
        passports = _read_records(self.path, "passports")
        if passports is None:
            return CheckState.UNAVAILABLE
        record = next((p for p in passports if p.get("number") == passport_number), None)
        return CheckState.MATCH if record is not None and record.get("nik") == nik else CheckState.MISMATCH


class HttpRegistry:
    """POSTs a JSON question to `url`; retries timeouts, connection errors, 429 and 5xx."""

    def __init__(self, *, url: str, token: str = "", timeout: float = 5.0, retries: int = 2, backoff: float = 0.5):
        self.url = url
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def ask(self, body: dict[str, str]) -> str:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        with httpx.Client(timeout=self.timeout, headers=headers) as client:
            for attempt in range(self.retries + 1):
                if attempt:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                try:
                    response = client.post(self.url, json=body)
                except httpx.HTTPError as error:
                    log.warning("registry %s: %s (attempt %d)", self.url, error.__class__.__name__, attempt + 1)
                    continue
                if response.status_code == 429 or response.status_code >= 500:
                    log.warning("registry %s answered %d (attempt %d)", self.url, response.status_code, attempt + 1)
                    continue
                return self._answer(response)
        return CheckState.UNAVAILABLE

    def _answer(self, response: httpx.Response) -> str:
        try:
            result = response.json().get("result") if response.status_code == 200 else None
        except (ValueError, AttributeError):
            result = None
        if result == "match":
            return CheckState.MATCH
        if result in ("mismatch", "not_found"):
            return CheckState.MISMATCH
        # A 4xx or an answer we cannot read is a configuration problem, not the applicant's.
        log.warning("registry %s: unusable answer (status %d)", self.url, response.status_code)
        return CheckState.UNAVAILABLE


class HttpDukcapil(HttpRegistry):
    def check_identity(self, *, nik: str, name: str, birth_date: dt.date) -> str:
        return self.ask({"nik": nik, "name": name, "birth_date": birth_date.isoformat()})


class HttpPassports(HttpRegistry):
    def check_passport(self, *, nik: str, passport_number: str) -> str:
        return self.ask({"nik": nik, "passport_number": passport_number})


def _http_options(prefix: str) -> dict[str, Any]:
    return {
        "url": getattr(settings, f"{prefix}_URL"),
        "token": getattr(settings, f"{prefix}_TOKEN"),
        "timeout": settings.LOKET_REGISTRY_TIMEOUT_SECONDS,
        "retries": settings.LOKET_REGISTRY_RETRIES,
    }


def dukcapil() -> IdentityRegistry:
    if settings.LOKET_DUKCAPIL_ADAPTER == "http":
        return HttpDukcapil(**_http_options("LOKET_DUKCAPIL"))
    return FileDukcapil(Path(settings.LOKET_DUKCAPIL_FILE))


def passport_registry() -> PassportRegistry:
    if settings.LOKET_PASSPORT_REGISTRY_ADAPTER == "http":
        return HttpPassports(**_http_options("LOKET_PASSPORT_REGISTRY"))
    return FilePassports(Path(settings.LOKET_PASSPORT_REGISTRY_FILE))
