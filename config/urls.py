from django.contrib import admin
from django.urls import include, path

from loket.api.main import api
from loket.ops.views import metrics

urlpatterns = [
    path("admin/", admin.site.urls),
    # Prometheus, for operators only (token or allowed addresses; the proxy refuses it from outside).
    path("metrics", metrics, name="metrics"),
    path("api/v1/", api.urls),
    # The demo payment provider; answers 404 unless LOKET_PAYMENT_SIMULATOR is on.
    path("simulator/", include("loket.payments.simulator.urls")),
    # The demo phone for booking by text; answers 404 unless demo mode (LOKET_PAYMENT_SIMULATOR) is on.
    path("demo/telepon/", include("loket.textchannel.urls")),
    path("petugas/", include("config.urls_staff")),
    # The waiting-room board is public (ticket and counter numbers only): no staff guard.
    path("papan/", include("loket.onsite.urls_board")),
    path("", include("loket.web.urls")),
]

# A database fault is a 503 with Retry-After; any other 500 under /api/ is JSON (loket/core/faults.py).
handler500 = "loket.core.faults.server_error"
