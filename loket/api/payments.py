"""The payment provider's notification webhook. No user: the provider proves itself by signature."""

import logging

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import APIKeyHeader

from loket.core.errors import DomainError
from loket.core.ratelimit import client_ip
from loket.payments.provider import BillReport
from loket.payments.services import payment_notification_receive
from loket.payments.signing import signature_problem

security_log = logging.getLogger("loket.security")

router = Router(tags=["payments"])


class ProviderSignature(APIKeyHeader):
    """X-Loket-Signature: hex HMAC-SHA256 over "<X-Loket-Timestamp>.<raw body>" (loket/payments/signing.py).

    Checked as the operation's auth, so before the body is parsed: a forged request gets
    401 whatever it contains.
    """

    param_name = "X-Loket-Signature"

    def authenticate(self, request: HttpRequest, key: str | None) -> str:
        problem = signature_problem(
            timestamp=request.headers.get("X-Loket-Timestamp"), signature=key, body=request.body
        )
        if problem:
            security_log.warning("payment notification refused from %s: %s", client_ip(request), problem)
            raise DomainError("bad_signature", _("Notifikasi pembayaran tidak sah."), status=401)
        return "payment-provider"


class NotifyOut(Schema):
    ok: bool
    status: str
    booking_status: str


@router.post("/notify", auth=ProviderSignature(), response=NotifyOut)
def payment_notify(request: HttpRequest, payload: BillReport) -> NotifyOut:
    settlement = payment_notification_receive(report=payload, raw_body=request.body)
    return NotifyOut(ok=True, status=settlement.payment_status, booking_status=settlement.booking_status)
