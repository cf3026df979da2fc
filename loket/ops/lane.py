"""The availability lane: a repeated availability read answered without Django's request cycle.

On release day most requests are `GET /api/v1/offices/<code>/availability`, and the answer is
already ready bytes in the shared cache (loket/booking/selectors.py, availability_answer). What
such a read still cost was Django's middleware, URL resolution and django-ninja around a cache
look-up: about nine tenths of its CPU (docs/benchmarks.md).

This WSGI wrapper remembers, per app process, the answer Django gave to a request (its status,
headers and body) together with the shared cache's key of that answer, and answers the same
request again from that copy, with a fresh request id, as long as the shared cache still holds a
fresh answer with the same ETag. So:

- it is never staler than Django's own answer: every request reads the shared cache, and an
  answer whose ETag changed (or turned stale, or was never built) goes to Django, which builds it
  or, while another reader builds it, serves the last one (loket/core/ready.py, `cached_once`);
- it answers exactly what Django answered: "the same request" means the same method, path, query,
  host, scheme, proxy scheme and Accept-Language, no cookie (a session may lock a kiosk or change
  the language), and the same match of If-None-Match against the current ETag (200 or 304);
  only answers without Set-Cookie are kept, and only until the range asked for starts to be past
  or "today" changes in the office (the view says until when: loket/core/ready.py, `mark_ready`);
- it counts and logs the request as the middleware does (loket/ops/middleware.py), under the
  same route.

LOKET_AVAILABILITY_LANE=off sends every request through Django.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import Resolver404, resolve

from loket.core.ready import ReadyMark, ready_answer_cached, ready_mark_of
from loket.core.requestid import HEADER, request_id_bound, request_id_for
from loket.ops.middleware import record_request

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

PREFIX, SUFFIX = "/api/v1/offices/", "/availability"
# What one process keeps at most (bodies and headers); past it the copies start again from none.
# A 62-day answer is about 30 KB: a few hundred different requests fit.
MAX_BYTES = 8 * 1024 * 1024
_REQUEST_ID = HEADER.lower()


@dataclass(frozen=True)
class _Copy:
    etag: str
    status: str
    headers: list[tuple[str, str]]  # without the request id
    body: bytes


@dataclass
class _Kept:
    mark: ReadyMark
    route: str
    copies: dict[bool, _Copy] = field(default_factory=dict)  # by "If-None-Match matched"


def _request_key(environ: dict[str, Any]) -> tuple[str, ...] | None:
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_COOKIE" in environ:
        return None
    path = environ.get("PATH_INFO", "")
    if not (path.startswith(PREFIX) and path.endswith(SUFFIX)):
        return None
    return (
        path,
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("wsgi.url_scheme", ""),
        environ.get("HTTP_X_FORWARDED_PROTO", ""),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
    )


def _matched(environ: dict[str, Any], etag: str) -> bool:
    # As the view decides between 200 and 304.
    return etag in environ.get("HTTP_IF_NONE_MATCH", "")


class AvailabilityLane:
    def __init__(self, app: WSGIApp, *, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled
        self._kept: dict[tuple[str, ...], _Kept] = {}
        self._bytes = 0  # about: what the copies hold

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = _request_key(environ) if self.enabled else None
        if key is None:
            return self.app(environ, start_response)
        started = time.perf_counter()
        kept = self._kept.get(key)
        if kept is not None and time.time() < kept.mark.valid_until:
            answer = ready_answer_cached(kept.mark.cache_key)
            if answer is not None:
                copy = kept.copies.get(_matched(environ, answer.etag))
                if copy is not None and copy.etag == answer.etag:
                    return self._repeat(environ, start_response, kept, copy, started)
        return self._through_django(environ, start_response, key)

    def _repeat(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        kept: _Kept,
        copy: _Copy,
        started: float,
    ) -> list[bytes]:
        request_id = request_id_for(environ)
        start_response(copy.status, [*copy.headers, (HEADER, request_id)])
        with request_id_bound(request_id):
            record_request("GET", kept.route, int(copy.status[:3]), time.perf_counter() - started, None, None)
        return [copy.body]

    def _through_django(
        self, environ: dict[str, Any], start_response: Callable[..., Any], key: tuple[str, ...]
    ) -> Iterable[bytes]:
        seen: list[Any] = []

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, remember)
        mark = ready_mark_of(result)
        if mark is None or not seen or seen[0][:3] not in ("200", "304"):
            return result
        status, headers = seen
        names = {name.lower() for name, _value in headers}
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        if etag is None or "set-cookie" in names:
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished: the connections are tidied as always
        try:
            route = "/" + resolve(environ["PATH_INFO"]).route
        except Resolver404:  # pragma: no cover - the view that marked it was resolved
            return [body]
        copy = _Copy(
            etag=etag,
            status=status,
            headers=[(name, value) for name, value in headers if name.lower() != _REQUEST_ID],
            body=body,
        )
        size = len(body) + sum(len(name) + len(value) for name, value in copy.headers)
        if self._bytes + size > MAX_BYTES:
            self._kept.clear()
            self._bytes = 0
        kept = self._kept.get(key)
        if kept is None or kept.mark != mark:
            kept = self._kept[key] = _Kept(mark=mark, route=route)
        kept.copies[_matched(environ, etag)] = copy
        self._bytes += size
        return [body]
