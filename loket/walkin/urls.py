"""Walk-ins, outage mode and day close: staff pages under /petugas/ (see config/urls_staff.py)."""

from django.urls import path

from loket.walkin import views as walkin

urlpatterns = [
    path("outage/", walkin.outage_national, name="outage_national"),
    path("<str:office>/walkin/", walkin.walkin_new, name="walkin"),
    path("<str:office>/walkin/<str:code>/", walkin.walkin_done, name="walkin_done"),
    path("<str:office>/outage/", walkin.outage_office, name="outage"),
    path("<str:office>/tutup-hari/", walkin.day_close_page, name="day_close"),
]
