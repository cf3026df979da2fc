"""PolicyOnceCSPMiddleware answers with django-csp's header, built once."""

from typing import Any

import pytest
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from loket.core.headers import PolicyOnceCSPMiddleware

HEADER = "Content-Security-Policy"


def answer(middleware_class: Any, view: Any) -> HttpResponse:
    middleware = middleware_class(view)
    request = RequestFactory().get("/api/v1/offices")
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_the_same_header_as_django_csp() -> None:
    ours, theirs = answer(PolicyOnceCSPMiddleware, plain), answer(CSPMiddleware, plain)
    assert ours[HEADER] == theirs[HEADER]
    assert "script-src 'self'" in ours[HEADER]


def test_a_view_that_changes_the_policy_gets_django_csp_s_answer() -> None:
    updated = csp_update({"img-src": ["https://tiles.example"]})(plain)
    ours, theirs = answer(PolicyOnceCSPMiddleware, updated), answer(CSPMiddleware, updated)
    assert "https://tiles.example" in ours[HEADER]
    assert ours[HEADER] == theirs[HEADER]


def test_an_answer_with_its_own_policy_or_exempt_keeps_it() -> None:
    def download(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("file")
        response[HEADER] = "default-src 'none'; sandbox"
        return response

    assert answer(PolicyOnceCSPMiddleware, download)[HEADER] == "default-src 'none'; sandbox"
    assert HEADER not in answer(PolicyOnceCSPMiddleware, csp_exempt()(plain))


def test_changed_settings_are_seen() -> None:
    before = answer(PolicyOnceCSPMiddleware, plain)[HEADER]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert answer(PolicyOnceCSPMiddleware, plain)[HEADER] == "default-src 'none'"
    assert answer(PolicyOnceCSPMiddleware, plain)[HEADER] == before


def test_a_nonce_asked_for_after_the_header_is_an_error() -> None:
    middleware = PolicyOnceCSPMiddleware(plain)
    request = RequestFactory().get("/")
    middleware.process_request(request)
    middleware.process_response(request, plain(request))
    with pytest.raises(Exception, match="csp_nonce"):
        str(request.csp_nonce)  # type: ignore[attr-defined]
