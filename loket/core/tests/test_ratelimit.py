import pytest
from django.test import RequestFactory

from loket.core.errors import Throttled
from loket.core.ratelimit import client_ip, hit


def test_behind_the_proxy_the_address_it_appended_counts(settings: object) -> None:
    settings.PROXY_HOPS = 1  # type: ignore[attr-defined]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    # 6.6.6.6 is what the client claimed; 203.0.113.9 is what our load balancer saw.
    assert client_ip(request) == "203.0.113.9"


def test_without_a_proxy_forwarded_headers_are_ignored(settings: object) -> None:
    settings.PROXY_HOPS = 0  # type: ignore[attr-defined]
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


def test_two_hops_take_the_entry_the_outer_proxy_wrote(settings: object) -> None:
    # client -> CDN (appends the client) -> load balancer (appends the CDN) -> app
    settings.PROXY_HOPS = 2  # type: ignore[attr-defined]
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 198.51.100.20", REMOTE_ADDR="10.0.0.2"
    )
    assert client_ip(request) == "203.0.113.9"


def test_too_few_entries_fall_back_to_the_sender(settings: object) -> None:
    settings.PROXY_HOPS = 2  # type: ignore[attr-defined]
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.4")
    assert client_ip(request) == "198.51.100.4"


def test_a_request_that_skipped_the_proxy_cannot_pick_its_address(settings: object) -> None:
    """The app server reached directly: a fresh X-Forwarded-For entry per try must not mean a fresh counter."""
    settings.PROXY_HOPS = 1  # type: ignore[attr-defined]
    settings.PROXY_ADDRESSES = ["10.0.0.0/24"]  # type: ignore[attr-defined]
    settings.LOKET_RATE_LIMITS = True  # type: ignore[attr-defined]
    for attempt in range(3):
        direct = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}", REMOTE_ADDR="198.51.100.66")
        assert client_ip(direct) == "198.51.100.66"
        hit(scope="direct", key=client_ip(direct), limit=3, window_seconds=60)
    with pytest.raises(Throttled):
        direct = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="192.0.2.99", REMOTE_ADDR="198.51.100.66")
        hit(scope="direct", key=client_ip(direct), limit=3, window_seconds=60)
    via_proxy = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert client_ip(via_proxy) == "203.0.113.9"
