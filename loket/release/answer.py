"""The waiting page's poll answer: at most a few hundred bytes, built at most once per
POLL_CACHE_SECONDS per ticket and kept in the shared cache with its ETag, so a room of
thousands polling costs a cache read each (and a 304 when nothing changed)."""

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder

from loket.release.models import Entry
from loket.release.waiting import waiting_status

POLL_CACHE_SECONDS = 2


@dataclass(frozen=True)
class PollAnswer:
    owner_id: int
    etag: str
    body: bytes


def poll_answer(ticket: str) -> PollAnswer | None:
    key = f"release-poll:{ticket}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    entry = Entry.objects.select_related("room", "room__office").filter(ticket=ticket).first()
    if entry is None:
        return None
    s = waiting_status(entry)
    body = json.dumps(
        {
            "state": s.state,
            "position": s.position,
            "estimated_wait_s": s.estimated_wait_s,
            "pass_expires_at": s.pass_expires_at,
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    ).encode()
    answer = PollAnswer(entry.account_id, f'"{hashlib.sha256(body).hexdigest()[:24]}"', body)
    cache.set(key, answer, POLL_CACHE_SECONDS)
    return answer
