"""Response headers that keep personal data out of caches and powerful features off by default.

- `Cache-Control: private, no-store` on every answer to a signed-in person (a session or an
  API token) and on every answer to a state-changing request, unless the view chose its own
  (the board's ETag polling, the service worker). Public pages stay cacheable.
- `Permissions-Policy`: camera, microphone, location, payment and USB off everywhere; the
  staff scanner pages that need the camera are decorated with `@camera_allowed`.
The Content-Security-Policy itself comes from django-csp (CONTENT_SECURITY_POLICY in settings;
`PolicyOnceCSPMiddleware` builds its string once) and the Referrer-Policy from Django's
SecurityMiddleware (SECURE_REFERRER_POLICY).
"""

from collections.abc import Callable
from functools import cache, wraps

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

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


# What a view may set on its answer to change the policy (django-csp's decorators).
_PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@cache
def _settings_policy() -> str:
    return build_policy()


def _forget_policy(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policy.cache_clear()


setting_changed.connect(_forget_policy)


class PolicyOnceCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the settings' policy built once.

    django-csp builds the header string for every answer (0.09 ms, an eighth of a cached
    availability read). Loket's policy is the same for every answer: no nonce, no report-only
    policy, no excluded paths, no view that changes it. An answer like that gets the string built
    once; an answer whose view changed the policy, a request that used a nonce, or settings with
    a report-only policy or excluded paths go through django-csp as before.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_VIEW)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        if HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = _settings_policy()
        # As django-csp does: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
