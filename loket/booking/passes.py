"""Passes: what the waiting room (loket/release) gives an admitted person to book one seat
of a day under release (models.ReleaseGate).

A pass is a signed, timestamped token (Django's signing with SECRET_KEY): checking it costs
no query, so the booking path stays as lean as without a release. It names the office, the
day, the account and its expiry; a pass is used once because the booking row stores its id
under a unique constraint (Booking.release_pass), which also settles two parallel requests
carrying the same pass.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking.models import ReleaseGate
from loket.core.errors import Conflict
from loket.offices.models import Office

SALT = "loket.booking.release-pass"


@dataclass(frozen=True)
class ReleasePass:
    pass_id: str
    office_id: int
    date: dt.date
    user_id: int
    expires_at: dt.datetime


def pass_sign(release_pass: ReleasePass) -> str:
    body = [
        release_pass.pass_id,
        release_pass.office_id,
        release_pass.date.isoformat(),
        release_pass.user_id,
        int(release_pass.expires_at.timestamp()),
    ]
    return signing.dumps(body, salt=SALT, compress=False)


def pass_required(office: Office, day: dt.date) -> Conflict:
    """409 for a booking of a day under release without a valid pass: where to join instead."""
    return Conflict(
        "pass_required",
        _(
            "Kuota hari ini sedang dibuka lewat ruang tunggu: masuk ruang tunggu, lalu buat jadwal dengan izin yang diberikan."
        ),
        field="X-Loket-Pass",
        join=f"/api/v1/offices/{office.code}/releases/{day.isoformat()}/join",
    )


def pass_check(token: str | None, *, office: Office, day: dt.date, user_id: int) -> str:
    """The pass id of a valid pass for this office, day and account; Conflict otherwise."""
    if not token:
        raise pass_required(office, day)
    try:
        pass_id, office_id, date, owner, expires = signing.loads(token[:300], salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise pass_required(office, day) from None
    if (office_id, date, owner) != (office.pk, day.isoformat(), user_id):
        raise pass_required(office, day)
    if expires <= timezone.now().timestamp():
        raise Conflict(
            "pass_expired",
            _("Izin pemesanan Anda sudah habis waktunya. Masuk ruang tunggu lagi."),
            field="X-Loket-Pass",
            join=f"/api/v1/offices/{office.code}/releases/{day.isoformat()}/join",
        )
    return str(pass_id)


def pass_used() -> Conflict:
    return Conflict(
        "pass_used",
        _("Izin pemesanan ini sudah dipakai. Masuk ruang tunggu lagi untuk izin baru."),
        field="X-Loket-Pass",
    )


def gate_open(*, office: Office, day: dt.date) -> None:
    """Put the day under release: from now on its seats need a pass (idempotent)."""
    ReleaseGate.objects.get_or_create(office=office, date=day)


def gate_end(*, office: Office, day: dt.date) -> None:
    """End the day's release: it is booked like any other day again."""
    ReleaseGate.objects.filter(office=office, date=day, ended_at__isnull=True).update(ended_at=timezone.now())
