"""Response headers that keep personal data out of caches and powerful features off by default.

- `Cache-Control: private, no-store` on every answer to a signed-in person (a session or an
  API token) and on every answer to a state-changing request, unless the view chose its own
  (the board's ETag polling, the service worker). Public pages stay cacheable.
- `Permissions-Policy`: camera, microphone, location, payment and USB off everywhere; the
  staff scanner pages that need the camera are decorated with `@camera_allowed`.
The Content-Security-Policy itself comes from django-csp (CONTENT_SECURITY_POLICY in settings)
and the Referrer-Policy from Django's SecurityMiddleware (SECURE_REFERRER_POLICY).
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

FEATURES_OFF = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
CAMERA_ON = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

View = Callable[..., HttpResponse]


def camera_allowed(view: View) -> View:
    """For the pages that scan a booking's QR code with the device camera (check-in, kiosk)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Permissions-Policy"] = CAMERA_ON
        return response

    return wrapper


def _personal(request: HttpRequest) -> bool:
    if request.method not in SAFE_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _personal(request):
            response["Cache-Control"] = "private, no-store"
        if not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = FEATURES_OFF
        return response
