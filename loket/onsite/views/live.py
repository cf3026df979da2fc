"""The answer of a live part's poll: 304 when the fingerprint still matches, else the part's HTML."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from loket.onsite.live import matches


def live_response(request: HttpRequest, etag: str, render_part: Callable[[], HttpResponse]) -> HttpResponse:
    if matches(request.headers.get("If-None-Match", ""), etag):
        response: HttpResponse = HttpResponseNotModified()  # the usual answer: nothing built
    else:
        response = render_part()
    response["ETag"] = etag
    # A staff page: never kept by a shared cache, and always revalidated.
    response["Cache-Control"] = "no-cache, private"
    return response
