"""Every staff page of an office, found by walking the URL patterns: office B's officer is refused on office A.

The walk reads config/urls_staff.py (every office-side app's pages) itself, so a page added later is covered without
touching this file. A page meant to be open to all (a waiting-room board, a kiosk) is
marked with `public_office_view` and is left out of the walk.
"""

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from config import urls_staff as onsite_urls
from conftest import PASSWORD
from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.offices.models import Office
from loket.onsite.tests.conftest import staff_client

FILLERS = {"int": "1", "str": "X1", "slug": "x-1", "uuid": str(uuid.UUID(int=1)), "path": "x/1"}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry


def office_routes() -> list[str]:
    """The route of every pattern under /petugas/ that takes an <office>, minus the public ones."""
    found = []
    for route, pattern in _walk(onsite_urls.urlpatterns):
        if getattr(pattern.callback, "public_office_view", False):
            continue
        if any(m.group("name") == "office" for m in PARAMETER.finditer(route)):
            found.append(route)
    return found


def url_for(route: str, office: str) -> str:
    def fill(match: re.Match[str]) -> str:
        if match.group("name") == "office":
            return office
        return FILLERS.get(match.group("converter") or "str", "1")

    return "/petugas/" + PARAMETER.sub(fill, route)


ROUTES = office_routes()


def test_the_walk_finds_the_office_pages() -> None:
    assert "<str:office>/audit/" in ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_officer_of_office_b_is_refused_on_office_a_and_it_is_logged(
    route: str, officer_b: User, office_a: Office
) -> None:
    client = staff_client(officer_b)
    url = url_for(route, office_a.code)
    for method in (client.get, client.post):
        before = AuditEntry.objects.filter(actor=officer_b, office=office_a, allowed=False).count()
        response = method(url)
        assert response.status_code == 403, f"{method.__name__.upper()} {url} answered {response.status_code}"
        after = AuditEntry.objects.filter(actor=officer_b, office=office_a, allowed=False).count()
        assert after == before + 1, f"{method.__name__.upper()} {url} left no audit entry"


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitor_is_sent_to_the_staff_login(route: str, office_a: Office) -> None:
    url = url_for(route, office_a.code)
    for method in (Client().get, Client().post):
        response = method(url)
        assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/"), url


@pytest.mark.parametrize("route", ROUTES)
def test_applicant_account_is_sent_to_the_staff_login(route: str, applicant: User, office_a: Office) -> None:
    client = Client()
    assert client.login(username=applicant.email, password=PASSWORD)
    url = url_for(route, office_a.code)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/petugas/masuk/"), url


@pytest.mark.parametrize("route", ROUTES)
def test_national_admin_is_let_in_everywhere(route: str, national_admin: User, office_a: Office) -> None:
    client = staff_client(national_admin)
    url = url_for(route, office_a.code)
    for method in (client.get, client.post):
        response = method(url)
        # Past the guard: the page itself answers (404 for a made-up id, 405 for a method it lacks...).
        assert response.status_code != 403, url
        assert not response.get("Location", "").startswith("/petugas/masuk/"), url
    assert not AuditEntry.objects.filter(actor=national_admin, allowed=False).exists()
