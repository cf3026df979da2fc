"""Where a bill can be paid (bank teller, ATM, mobile banking, post office): configured data.

Read from LOKET_PAYMENT_CHANNELS_FILE (default: channels.json beside this module), a list of
{"name": {"id": ..., "en": ...}, "how": {"id": ..., "en": ...}}; Indonesian is the fallback
for a language a channel does not name. Read once per process; a broken file fails loudly at
the first page that shows it (a system check reports it at start-up).
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class PaymentChannel:
    name: str
    how: str


@cache
def _channels(path: str) -> list[dict[str, dict[str, str]]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(
        isinstance(c, dict) and "id" in c["name"] and "id" in c["how"] for c in data
    ):
        raise ValueError(f"{path}: a list of {{'name': {{'id': ...}}, 'how': {{'id': ...}}}} expected")
    return data


def payment_channels(language: str) -> list[PaymentChannel]:
    """The channels in `language` ("id" or "en")."""
    return [
        PaymentChannel(name=c["name"].get(language, c["name"]["id"]), how=c["how"].get(language, c["how"]["id"]))
        for c in _channels(settings.LOKET_PAYMENT_CHANNELS_FILE)
    ]
