"""The waiting room of a release: join it, then ask how it goes until a pass is given."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from pydantic import Field, StringConstraints

from loket.api.offices import OfficeCode
from loket.api.security import VerifiedTokenAuth, current_user
from loket.audit.services import request_ip
from loket.core.errors import NotFound
from loket.offices.selectors import office_by_code
from loket.release.draw import PROCEDURE, draw_of
from loket.release.models import Entry, JoinChannel
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
    ref: str = Field(description="This entry's public reference in the published draw (…/releases/{date}/draw).")


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
    entry, created = room_join(
        user=user, office=office, day=date, proof=payload.altcha, ip=request_ip(request), channel=JoinChannel.API
    )
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


class LateOut(Schema):
    ref: str
    joined_at: dt.datetime


class DrawOut(Schema):
    office: str
    date: dt.date
    opens_at: dt.datetime
    state: str = Field(
        description='"joining": not drawn yet; "drawn": the commitment is published, the release goes on; '
        '"published": the release is over, the seed and the order are published.'
    )
    drawn_at: dt.datetime | None
    commitment: str | None = Field(description="hex SHA-256 of the seed (its 64 hex characters as ASCII).")
    entrants: int = Field(description="How many joined before the release instant and were drawn.")
    entrants_digest: str | None = Field(
        description='hex SHA-256 of the drawn references sorted ascending and joined with "\n".'
    )
    seed: str | None = Field(description="64 hex characters; null until the release is over.")
    order: list[str] = Field(
        description="The drawn references, rank 1 first: ascending by hex SHA-256 of seed + ':' + ref. "
        "Empty until the release is over."
    )
    late: list[LateOut] = Field(description="References that joined after the instant, in arrival order.")
    procedure: list[str] = Field(description="How to recompute the order, step by step.")


@public_router.get("/{code}/releases/{date}/draw", response=DrawOut)
def release_draw(request: HttpRequest, code: Path[OfficeCode], date: Path[dt.date]) -> DrawOut:
    """The published draw of the office's release of `date`, to audit the waiting room's order.

    At the release instant the seed's SHA-256 (`commitment`) and the digest of the drawn
    references are published; when the release is over, the `seed` and the `order`. Recompute:
    sha256(seed) == commitment; sort the references by hex(sha256(seed + ":" + ref)) ascending,
    which must give `order`. References are pseudonymous (an HMAC of the entry's secret ticket):
    each entrant sees their own on their waiting page (`ref` of GET /api/v1/waiting/{ticket}).
    404 when the day had no waiting room.
    """
    office = office_by_code(code)
    draw = draw_of(office, date) if office is not None else None
    if draw is None:
        raise NotFound("not_found", _("Hari ini tidak punya ruang tunggu rilis."))
    return DrawOut(
        office=draw.office.code,
        date=draw.date,
        opens_at=draw.opens_at,
        state=draw.state,
        drawn_at=draw.drawn_at,
        commitment=draw.commitment,
        entrants=draw.entrants,
        entrants_digest=draw.entrants_digest,
        seed=draw.seed,
        order=draw.order,
        late=[LateOut(ref=late.ref, joined_at=late.joined_at) for late in draw.late],
        procedure=[str(step) for step in PROCEDURE],
    )


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
        ref=entry.ref,
    )
