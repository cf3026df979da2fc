"""The payment provider as Loket sees it: what it says about a bill, and how to ask it.

The same report shape arrives two ways: pushed by the provider's notification (webhook)
and pulled from its status API by reconciliation. Both go through one state machine
(services.payment_report_apply).
"""

import time
from typing import Annotated, Literal, Protocol

import httpx
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError


class BillReport(BaseModel):
    """What the provider says about one bill. Strict: "350000" or 350000.0 is not an amount."""

    model_config = ConfigDict(extra="ignore")

    billing_code: Annotated[str, Field(pattern=r"^\d{15}$")]
    amount: Annotated[int, Strict(), Field(ge=0)]
    status: Literal["paid", "pending", "failed"]
    provider_ref: Annotated[str, Field(max_length=100, pattern=r"^[\x20-\x7e]*$")] = ""


class ProviderError(Exception):
    """The provider could not be asked (down, slow, or answering nonsense)."""


class PaymentProvider(Protocol):
    def bill_status(self, billing_code: str) -> BillReport | None:
        """The provider's view of the bill; None when it does not know the code."""


class HttpProvider:
    """The provider's status API: GET <base_url>/bills/<billing_code> answering a BillReport as JSON.

    Transport errors, 5xx and 429 are retried with a short backoff; anything else is an answer.
    """

    def __init__(self, base_url: str, *, timeout: float = 10.0, retries: int = 2, backoff: float = 0.5) -> None:
        self.retries = retries
        self.backoff = backoff
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"Accept": "application/json", "User-Agent": "Loket/1 (reconcile)"},
        )

    def __enter__(self) -> "HttpProvider":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def bill_status(self, billing_code: str) -> BillReport | None:
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._client.get(f"/bills/{billing_code}")
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}"
                continue
            if response.status_code == 404:
                return None
            if response.status_code == 429 or response.status_code >= 500:
                problem = f"HTTP {response.status_code}"
                continue
            return self._read(billing_code, response)
        raise ProviderError(f"no answer for a bill after {self.retries + 1} tries ({problem})")

    @staticmethod
    def _read(billing_code: str, response: httpx.Response) -> BillReport:
        if response.status_code != 200:
            raise ProviderError(f"HTTP {response.status_code}")
        try:
            report = BillReport.model_validate_json(response.content)
        except ValidationError as error:
            raise ProviderError(f"unreadable answer: {error.error_count()} errors") from None
        if report.billing_code != billing_code:
            raise ProviderError("answer about another bill")
        return report


def provider_from_settings() -> HttpProvider:
    return HttpProvider(
        settings.PAYMENT_PROVIDER_URL,
        timeout=settings.PAYMENT_PROVIDER_TIMEOUT_SECONDS,
        retries=settings.PAYMENT_PROVIDER_RETRIES,
    )
