"""Signatures of provider notifications: hex HMAC-SHA256 over "<timestamp>.<raw body>".

The timestamp is inside the signed text, so a captured notification cannot be replayed
later than SIGNATURE_TOLERANCE; within it, the PaymentEvent fingerprint makes a replay a no-op.
During a secret rotation both PAYMENT_WEBHOOK_SECRET and PAYMENT_WEBHOOK_SECRET_PREVIOUS verify.
"""

import hashlib
import hmac
import time

from django.conf import settings

SIGNATURE_TOLERANCE_SECONDS = 5 * 60


def signature_for(*, secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_problem(
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
    secrets: tuple[str, ...] | None = None,
) -> str:
    """Why a notification is not genuine ("" when it is), for the security log.

    `secrets`: the accepted secrets (default: the payment webhook's current and previous one);
    the text channels (loket/textchannel) sign their inbound messages the same way with their own.
    """
    if not timestamp or not signature:
        return "missing signature headers"
    try:
        sent = int(timestamp)
    except ValueError:
        return "unreadable timestamp"
    now = time.time() if now is None else now
    if abs(now - sent) > SIGNATURE_TOLERANCE_SECONDS:
        return f"timestamp {int(now - sent)}s off"
    if secrets is None:
        secrets = (settings.PAYMENT_WEBHOOK_SECRET, settings.PAYMENT_WEBHOOK_SECRET_PREVIOUS)
    secrets = tuple(s for s in secrets if s)
    if not secrets:
        return "no secret configured"
    given = signature.strip().lower().encode()  # bytes: a non-ASCII header must not raise
    # Every secret is compared (no early exit), each in constant time.
    matches = [
        hmac.compare_digest(signature_for(secret=s, timestamp=timestamp, body=body).encode(), given) for s in secrets
    ]
    return "" if any(matches) else "bad signature"
