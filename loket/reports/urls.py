"""The report pages: staff pages under /petugas/ (see config/urls_staff.py)."""

from django.urls import path

from loket.reports import views as reports

urlpatterns = [
    path("laporan/", reports.national_page, name="report_national"),
    path("<str:office>/laporan/", reports.office_page, name="report"),
]
