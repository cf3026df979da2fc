"""Walk-ins, outage mode and day close: staff pages under /petugas/ (see config/urls_staff.py)."""

from django.urls import path

import loket.onsite.urls  # noqa: F401 - registers the "shortint" converter used below
from loket.walkin import kiosk_views
from loket.walkin import views as walkin

urlpatterns = [
    path("outage/", walkin.outage_national, name="outage_national"),
    path("<str:office>/walkin/", walkin.walkin_new, name="walkin"),
    path("<str:office>/walkin/<str:code>/", walkin.walkin_done, name="walkin_done"),
    path("<str:office>/kiosk/walkin/", kiosk_views.kiosk_walkin, name="kiosk_walkin"),
    path("<str:office>/tiket/<shortint:ticket>/data/", kiosk_views.ticket_data, name="ticket_data"),
    path("<str:office>/outage/", walkin.outage_office, name="outage"),
    path("<str:office>/tutup-hari/", walkin.day_close_page, name="day_close"),
]
