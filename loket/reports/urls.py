"""The report pages and the live dashboard: staff pages under /petugas/ (see config/urls_staff.py)."""

from django.urls import path

from loket.reports import dashboard_views as dashboard
from loket.reports import views as reports

urlpatterns = [
    path("laporan/", reports.national_page, name="report_national"),
    path("dasbor/", dashboard.national_dashboard, name="dashboard_national"),
    path("dasbor/live/", dashboard.national_dashboard_live, name="dashboard_national_live"),
    path("<str:office>/laporan/", reports.office_page, name="report"),
    path("<str:office>/dasbor/", dashboard.office_dashboard, name="dashboard"),
    path("<str:office>/dasbor/live/", dashboard.office_dashboard_live, name="dashboard_live"),
    path("<str:office>/dasbor/batal-tidak-hadir/", dashboard.no_show_undo, name="no_show_undo"),
]
