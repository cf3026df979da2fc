"""Actors for the notification tests: a local SMS/WhatsApp gateway and bookings to remind."""

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from loket.accounts.models import Person, Relation, User
from loket.booking.models import Booking, BookingStatus, Slot
from loket.core.testing.http import LocalHTTPServer
from loket.offices.models import Office


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Gateway:
    """A real HTTP server on 127.0.0.1 that answers with the scripted statuses, then 200."""

    url: str
    statuses: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering: longer than the client timeout simulates a hung gateway


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            gateway.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
            status = gateway.statuses.pop(0) if gateway.statuses else 200
            time.sleep(gateway.delay)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if status < 300 else b'{"error": "busy"}')

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    return Handler


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    gateway = Gateway(url="")
    server = LocalHTTPServer(("127.0.0.1", 0), _handler(gateway))
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield gateway
    server.shutdown()
    server.server_close()
    thread.join()


def make_booking(
    *, user: User, office: Office, day: dt.date, nik: str, code: str, status: str = BookingStatus.CONFIRMED
) -> Booking:
    """A booking written straight to the tables: the reminder job only reads them."""
    person = Person.objects.filter(nik=nik).first() or Person.objects.create(
        account=user,
        relation=Relation.CHILD,
        full_name=f"Anak {code}",
        nik=nik,
        birth_date=dt.date(2015, 3, 12),
        sex="F",
    )
    start = dt.time(8)
    slot, _created = Slot.objects.get_or_create(
        office=office,
        date=day,
        start=start,
        defaults={
            "end": dt.time(9),
            "capacity": 10,
            "starts_at": dt.datetime.combine(day, start, tzinfo=office.zone),
        },
    )
    return Booking.objects.create(
        code=code,
        person=person,
        booked_by=user,
        office=office,
        slot=slot,
        service="new",
        passport_type="regular",
        status=status,
        person_name=person.full_name,
    )
