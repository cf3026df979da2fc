"""The proof of work that joining a waiting room costs: ALTCHA's v1 challenge (the `altcha`
library, pinned): find `number` with sha256(salt + number) == challenge, number <= max_number.

The server keeps nothing per challenge: the challenge is HMAC-signed with SECRET_KEY and
carries its office, day and expiry in the salt's parameters. A solution is accepted once
(its salt is remembered in the shared cache until it expires), so one solved challenge
cannot join many accounts.

Format (API and the web page's script): `GET …/challenge` →
`{"algorithm": "SHA-256", "challenge": hex, "maxnumber": int, "salt": str, "signature": hex}`;
the solution is base64(JSON `{"algorithm", "challenge", "number", "salt", "signature"}`).
"""

import base64
import datetime as dt
import json
from typing import Any

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.core.errors import DomainError
from loket.offices.models import Office

VALID_FOR = dt.timedelta(minutes=10)


def _key() -> str:
    return f"loket.release.pow:{settings.SECRET_KEY}"


def challenge_new(*, office: Office, day: dt.date) -> dict[str, Any]:
    challenge = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(
            hmac_key=_key(),
            max_number=settings.LOKET_RELEASE_POW_MAX_NUMBER,
            expires=timezone.now() + VALID_FOR,
            params={"office": office.code, "date": day.isoformat()},
        )
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def _refused() -> DomainError:
    return DomainError(
        "proof_of_work_invalid",
        _("Bukti kerja (proof of work) tidak sah atau kedaluwarsa. Minta tantangan baru dan selesaikan lagi."),
        field="altcha",
    )


def solution_check(payload: str | None, *, office: Office, day: dt.date) -> None:
    """Accept a solved challenge of this office and day once; DomainError (422) otherwise."""
    if not payload:
        raise DomainError("required", _("Selesaikan bukti kerja (proof of work) dulu."), field="altcha")
    try:
        data = json.loads(base64.b64decode(payload[:2000], validate=True))
        ok, _error = altcha.verify_solution_v1(data, _key(), check_expires=True)
        params = altcha.extract_params_v1(data)
    except (ValueError, TypeError, KeyError, AttributeError):
        raise _refused() from None
    if not ok or params.get("office") != [office.code] or params.get("date") != [day.isoformat()]:
        raise _refused()
    if not cache.add(f"pow-used:{data['salt']}", 1, int(VALID_FOR.total_seconds()) + 60):
        raise _refused()  # this solution was used already
