"""Personal data at rest (UU PDP 27/2022): authenticated encryption and keyed hashes.

Values are sealed with AES-256-GCM (cryptography's AEAD). Keys come from the environment:

    LOKET_DATA_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>"

The first key seals new values; every listed key opens old ones. A sealed value carries the
id of its key ("v1:k2:<base64 nonce+ciphertext>"), so keys rotate without downtime: put the
new key first, keep the old one listed, run `manage.py reseal_personal_data`, then drop the
old key. Lookups (uniqueness, login by NIK, check-in and walk-in search) use a keyed hash
(HMAC-SHA256 with LOKET_LOOKUP_KEY), never the clear value. The lookup key is not rotated
by listing: changing it means recomputing every hash (`reseal_personal_data` does).
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"
NONCE_BYTES = 12


class KeyRing:
    def __init__(self, spec: str):
        self.keys: dict[str, AESGCM] = {}
        self.current = ""
        for part in [p.strip() for p in spec.split(",") if p.strip()]:
            kid, _sep, material = part.partition(":")
            try:
                raw = base64.b64decode(material, validate=True)
            except ValueError as error:
                raise ImproperlyConfigured(f"LOKET_DATA_KEYS: key {kid!r} is not base64") from error
            if not kid or ":" in kid or len(raw) != 32:
                raise ImproperlyConfigured(f"LOKET_DATA_KEYS: key {kid!r} must be id:base64 of 32 bytes")
            self.keys[kid] = AESGCM(raw)
            self.current = self.current or kid
        if not self.keys:
            raise ImproperlyConfigured("LOKET_DATA_KEYS names no key")

    def seal(self, data: bytes, *, context: bytes) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        return self.current, nonce + self.keys[self.current].encrypt(nonce, data, context)

    def open(self, kid: str, blob: bytes, *, context: bytes) -> bytes:
        key = self.keys.get(kid)
        if key is None:
            raise ImproperlyConfigured(f"a value is sealed with key {kid!r}, which LOKET_DATA_KEYS no longer lists")
        return key.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)


@lru_cache(maxsize=4)
def _ring(spec: str) -> KeyRing:
    return KeyRing(spec)


def key_ring() -> KeyRing:
    return _ring(settings.LOKET_DATA_KEYS)


def seal_text(value: str, *, context: str) -> str:
    kid, blob = key_ring().seal(value.encode(), context=context.encode())
    return f"{PREFIX}:{kid}:{base64.b64encode(blob).decode()}"


def is_sealed(value: str) -> bool:
    return value.startswith(f"{PREFIX}:") and value.count(":") >= 2


def open_text(value: str, *, context: str) -> str:
    _prefix, kid, blob = value.split(":", 2)
    return key_ring().open(kid, base64.b64decode(blob), context=context.encode()).decode()


def sealed_key_id(value: str) -> str | None:
    return value.split(":", 2)[1] if is_sealed(value) else None


def lookup_hash(value: str, *, purpose: str) -> str:
    """The keyed hash a sealed value is found by (same value, same purpose: same hash)."""
    key = settings.LOKET_LOOKUP_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
