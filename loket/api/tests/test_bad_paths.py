"""Junk in the path and the query string of every API route: a JSON 4xx, never a 500.

On PostgreSQL a NUL byte that reaches a query is a crash, so this runs on both databases.
The routes are read from the API's own URL patterns, so a route added later is walked too.
"""

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from loket.api.main import api

PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")
JUNK = ["\x00", "%00", "..", "🙂" * 10, "x" * 3000, "-1", "99999999999999999999999", "A B", "'; --", "1e309"]


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    routes = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, route)
        else:
            routes.append(route)
    return routes


ROUTES = [r for r in _walk(api.urls[0]) if PARAMETER.search(r)]


def test_the_walk_finds_the_routes_with_parameters() -> None:
    assert {"bookings/<code>/cancel", "offices/<code>/availability", "household/<member_id>"} <= set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_junk_in_a_path_parameter_is_a_json_4xx(
    api: Client, auth_headers: dict[str, str], route: str, junk: str
) -> None:
    path = "/api/v1/" + PARAMETER.sub(lambda _m: quote(junk, safe=""), route)
    for method in (api.get, api.post, api.put, api.delete):
        response: Any = method(path, headers=auth_headers)
        assert response.status_code < 500, f"{method.__name__.upper()} {path[:80]} answered {response.status_code}"
        if response.status_code >= 400 and response.content:
            assert response["Content-Type"].startswith("application/json"), path[:80]


@pytest.mark.parametrize("junk", JUNK, ids=repr)
@pytest.mark.parametrize("path", ["/api/v1/offices", "/api/v1/offices/PLB/availability", "/api/v1/bookings"])
def test_junk_in_the_query_string_is_never_a_500(
    api: Client, auth_headers: dict[str, str], path: str, junk: str
) -> None:
    query = {name: junk for name in ("q", "city", "province", "start", "days", "from", "date", "status", "limit")}
    assert api.get(path, query, headers=auth_headers).status_code < 500
