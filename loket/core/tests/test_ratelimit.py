import pytest
from django.test import RequestFactory

from loket.core.errors import Throttled
from loket.core.ratelimit import client_ip, hit


def test_behind_the_proxy_the_address_it_appended_counts(settings: object) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # type: ignore[attr-defined]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    # 6.6.6.6 is what the client claimed; 203.0.113.9 is what our load balancer saw.
    assert client_ip(request) == "203.0.113.9"


def test_without_a_proxy_forwarded_headers_are_ignored(settings: object) -> None:
    settings.SECURE_PROXY_SSL_HEADER = None  # type: ignore[attr-defined]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.4")
    assert client_ip(request) == "198.51.100.4"


def test_limit_is_enforced_when_on_and_lifted_when_off(settings: object) -> None:
    settings.LOKET_RATE_LIMITS = True  # type: ignore[attr-defined]
    for _ in range(3):
        hit(scope="t", key="k", limit=3, window_seconds=60)
    with pytest.raises(Throttled) as error:
        hit(scope="t", key="k", limit=3, window_seconds=60)
    assert error.value.retry_after >= 1
    settings.LOKET_RATE_LIMITS = False  # type: ignore[attr-defined]
    hit(scope="t", key="k", limit=3, window_seconds=60)  # load tests: no limit
