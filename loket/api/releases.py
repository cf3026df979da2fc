"""The waiting room of a release: join it, then ask how it goes until a pass is given."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema, Status
from pydantic import Field, StringConstraints

from loket.api.offices import OfficeCode
from loket.api.security import VerifiedTokenAuth, current_user
from loket.audit.services import request_ip
from loket.core.errors import NotFound
from loket.offices.selectors import office_by_code
from loket.release.models import Entry
from loket.release.pow import challenge_new
from loket.release.room import room_join
from loket.release.waiting import waiting_status

Ticket = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]

offices_router = Router(tags=["releases"], auth=VerifiedTokenAuth())
waiting_router = Router(tags=["releases"], auth=VerifiedTokenAuth())
public_router = Router(tags=["releases"])


class JoinIn(Schema):
    altcha: str | None = Field(
        None,
        max_length=2000,
        description="The solved challenge of GET …/challenge: base64 of JSON "
        '{"algorithm", "challenge", "number", "salt", "signature"} (ALTCHA v1). '
        "Not needed when the account has joined already.",
    )


class ChallengeOut(Schema):
    algorithm: str = Field(description='"SHA-256"')
    challenge: str = Field(description="hex of sha256(salt + number) for the number to find")
    maxnumber: int = Field(description="the number is between 0 and this")
    salt: str
    signature: str


class JoinOut(Schema):
    ticket: str = Field(description="Ask GET /api/v1/waiting/{ticket} for the state; only its owner may.")
    state: str
    position: int | None = Field(description="Null until the order is drawn at the release instant.")


class WaitingOut(Schema):
    state: str = Field(description='"waiting", "admitted", "used" (the pass booked), "expired" or "closed".')
    position: int | None = Field(description="1 = admitted next; null before the draw.")
    estimated_wait_s: int | None
    opens_at: dt.datetime
    release_pass: str | None = Field(
        None, alias="pass", description="Send it as the X-Loket-Pass header of POST /api/v1/bookings."
    )
    pass_expires_at: dt.datetime | None


@offices_router.post("/{code}/releases/{date}/join", response={200: JoinOut, 201: JoinOut})
def release_join(request: HttpRequest, code: Path[OfficeCode], date: Path[dt.date], payload: JoinIn) -> Status[JoinOut]:
    """Join the waiting room of the office's release of `date` (from 30 minutes before it opens).

    Everyone who joined before the release instant is put in a random order then; later
    joiners queue behind them by arrival. Joining again returns the same ticket.
    """
    user = current_user(request)
    office = office_by_code(code)
    if office is None:
        raise Http404
    entry, created = room_join(user=user, office=office, day=date, proof=payload.altcha, ip=request_ip(request))
    status = waiting_status(entry)
    return Status(201 if created else 200, JoinOut(ticket=entry.ticket, state=status.state, position=status.position))


@public_router.get("/{code}/releases/{date}/challenge", response=ChallengeOut)
def release_challenge(request: HttpRequest, code: Path[OfficeCode], date: Path[dt.date]) -> dict[str, Any]:
    """A proof-of-work challenge for joining this release's waiting room (ALTCHA v1, SHA-256).

    Find the integer `number` (0 ≤ number ≤ maxnumber) with hex(sha256(salt + str(number)))
    == challenge; send base64(JSON {algorithm, challenge, number, salt, signature}) as `altcha`
    in the join body. Valid 10 minutes, once. Tuned to about a second on a cheap phone.
    """
    office = office_by_code(code)
    if office is None:
        raise Http404
    return challenge_new(office=office, day=date)


@waiting_router.get("/{ticket}", response=WaitingOut, by_alias=True)
def waiting(request: HttpRequest, ticket: Path[Ticket]) -> WaitingOut:
    """Where this ticket stands; when admitted, the pass (valid until pass_expires_at)."""
    entry = Entry.objects.select_related("room").filter(ticket=ticket, account=current_user(request)).first()
    if entry is None:
        raise NotFound("not_found", "Tiket ruang tunggu tidak ditemukan.")
    s = waiting_status(entry)
    return WaitingOut(
        state=s.state,
        position=s.position,
        estimated_wait_s=s.estimated_wait_s,
        opens_at=s.opens_at,
        **{"pass": s.release_pass},
        pass_expires_at=s.pass_expires_at,
    )
