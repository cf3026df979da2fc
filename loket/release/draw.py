"""The published draw of a release: what anyone may read to check that the order was the seed's.

When it is published, and why then:

- At the release instant the worker draws the seed and writes every early entrant's rank in one
  transaction (room.py room_shuffle). From that moment the page shows the **commitment**
  sha256(seed) and the **entrants' digest** (sha256 of the drawn references, sorted, one a
  line): the seed and the set of people in the draw can no longer change unseen.
- When the room closes (empty, or the day full) the **seed** and the **order** are published.
  Publishing the seed earlier would not help anyone jump the queue (the order is fixed at the
  draw), but the record is then complete (the late joiners too) and is published once, in one
  final form that can be archived and compared.

The order is read from the recorded ranks, never recomputed here: recomputing it from the seed
(the procedure in PROCEDURE, also in the README and on the page) is the audit. References are
HMACs of the entries' tickets (refs.py): no name, NIK or account is published; each entrant
sees their own reference on their waiting page.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

from loket.offices.models import Office
from loket.release.models import Entry, Room, RoomState

# What the page and the API say an auditor does, step by step (the README has the same, in code).
PROCEDURE = [
    _(
        "Hitung SHA-256 dari benih (64 karakter heksadesimal, sebagai teks ASCII): hasilnya harus sama "
        "dengan komitmen yang diumumkan saat kuota dibuka."
    ),
    _(
        "Urutkan nomor undian peserta undian menurut abjad, gabungkan dengan satu baris baru (\\n) di antaranya, "
        "dan hitung SHA-256-nya: hasilnya harus sama dengan ringkasan peserta."
    ),
    _(
        'Untuk setiap nomor undian, hitung SHA-256 dari teks benih + ":" + nomor undian (huruf besar), '
        "dalam heksadesimal huruf kecil. Urutkan naik menurut nilai itu: yang pertama mendapat urutan 1."
    ),
    _("Yang masuk setelah kuota dibuka tidak ikut diundi: mereka di belakang, sesuai urutan datang."),
]


@dataclass(frozen=True)
class LateEntry:
    ref: str
    joined_at: dt.datetime


@dataclass(frozen=True)
class Draw:
    office: Office
    date: dt.date
    opens_at: dt.datetime
    state: str  # "joining": not drawn yet; "drawn": commitment only; "published": seed and order
    drawn_at: dt.datetime | None
    commitment: str | None  # sha256(seed), hex
    entrants: int  # how many were in the draw (joined before the release instant)
    entrants_digest: str | None  # sha256("\n".join(sorted drawn refs)), hex
    seed: str | None = None
    order: list[str] = field(default_factory=list)  # drawn refs, rank 1 first
    late: list[LateEntry] = field(default_factory=list)  # joined after the instant, by arrival


def seed_commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def entrants_digest(refs: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(refs)).encode("ascii")).hexdigest()


def draw_of(office: Office, day: dt.date) -> Draw | None:
    """The published draw of the office's release of `day`; None when the day had no waiting room."""
    room = Room.objects.filter(office=office, date=day).first()
    if room is None:
        return None
    if not room.seed:
        return Draw(office, day, room.opens_at, "joining", None, None, 0, None)
    entries = Entry.objects.filter(room=room)
    drawn = list(entries.filter(rank__isnull=False).order_by("rank").values_list("ref", flat=True))
    draw = Draw(
        office=office,
        date=day,
        opens_at=room.opens_at,
        state="drawn",
        drawn_at=room.shuffled_at,
        commitment=seed_commitment(room.seed),
        entrants=len(drawn),
        entrants_digest=entrants_digest(drawn),
    )
    if room.state != RoomState.CLOSED:
        return draw
    late = entries.filter(rank__isnull=True).order_by("joined_at", "id").values_list("ref", "joined_at")
    return replace(
        draw,
        state="published",
        seed=room.seed,
        order=drawn,
        late=[LateEntry(ref, joined_at) for ref, joined_at in late],
    )


def draws_recent(office: Office, *, count: int = 5) -> list[Room]:
    """The office's latest drawn releases, newest first (the office page links to their draws)."""
    return list(Room.objects.filter(office=office, seed__gt="").order_by("-date")[:count])
