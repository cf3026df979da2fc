"""Booking codes people read aloud at a counter, and the QR payload that carries them."""

import re
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

# No 0/O and no 1/I: nobody has to ask "zero or oh?" at the counter.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 32**8 ≈ 1.1e12 codes: unguessable by trying


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


NOT_IN_A_CODE = re.compile(r"[^0-9A-Z]")


def normalize_code(raw: str) -> str:
    """What a person typed or a scanner read: case, spaces and dashes do not matter.

    Anything but ASCII letters and digits is dropped, so no stray byte (a NUL, which
    PostgreSQL refuses in a text parameter) ever reaches a query.
    """
    return NOT_IN_A_CODE.sub("", raw.upper())[:32]


def _signature(code: str) -> str:
    return salted_hmac("loket.booking-qr", code).hexdigest()[:16]


def qr_payload(code: str) -> str:
    """The QR text: the code and a signature, and no personal data."""
    return f"LOKET1:{code}:{_signature(code)}"


def code_from_qr(payload: str) -> str | None:
    """The booking code of a genuine QR payload, or None for a forged or foreign one."""
    parts = payload.strip().split(":")
    if len(parts) != 3 or parts[0] != "LOKET1":
        return None
    code = normalize_code(parts[1])
    return code if constant_time_compare(parts[2], _signature(code)) else None
