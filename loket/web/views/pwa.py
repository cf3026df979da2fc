"""The installable web app: its manifest and the service worker, both served from the site root."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The one cache the service worker keeps; static/web/app.js empties it on signed-out pages.
PROOF_CACHE = "loket-bukti"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("web/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("web/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    document = {
        "name": _("Loket: buat jadwal paspor"),
        "short_name": "Loket",
        "description": _("Jadwal kedatangan paspor di Kantor Imigrasi"),
        "lang": get_language() or "id",
        "start_url": reverse("web:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b3d6e",
        "icons": icons,
    }
    return JsonResponse(document, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served at /sw.js so its scope is the whole site; never cached long, so updates arrive."""
    context = {
        "cache": PROOF_CACHE,
        "css": static("web/loket.css"),
        "login": reverse("web:login"),
        "logout": reverse("web:logout"),
        "home": reverse("web:home"),
        "bookings": reverse("web:bookings"),
        "lang": "id-ID" if (get_language() or "id").startswith("id") else "en-GB",
        "texts": json.dumps(
            {
                "title": _("Bukti pemesanan tersimpan"),
                "offline": _("Anda sedang offline. Bukti pemesanan yang tersimpan di ponsel ini:"),
                "none": _(
                    'Belum ada bukti pemesanan yang tersimpan. Buka "Pemesanan saya" saat online untuk menyimpannya.'
                ),
                "saved": _("Disimpan"),
                "copy": _("Salinan tersimpan (offline), disimpan"),
            },
            ensure_ascii=False,
        ),
    }
    response = render(request, "web/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
