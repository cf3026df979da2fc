"""HTML answers compressed by the app, safely against BREACH-style attacks.

Django's GZipMiddleware (4.2+) adds a random number of random bytes to each gzip header
("Heal the Breach"), so an attacker who reflects guesses into a page cannot read a secret
(the CSRF token, a code) off the compressed length. Only HTML is compressed here: it is what
a weak connection waits for, and what carries secrets beside reflected input; JSON (the
availability answers of a booking rush, served as ready bytes) is left to the proxy, so the
hot path spends no CPU on it. The proxy leaves an answer already compressed as it is.
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class HtmlGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
