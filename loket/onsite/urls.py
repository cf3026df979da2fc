from django.urls import path, register_converter

from loket.onsite.views import audit, checkin, counter, home, kiosk, staff_documents, staff_login
from loket.planner import views as planner
from loket.reports import views as reports
from loket.walkin import views as walkin


class ShortIntConverter:
    """A database id or counter number in a URL: at most 12 digits, so no value overflows a column."""

    regex = "[0-9]{1,12}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(ShortIntConverter, "shortint")

app_name = "onsite"

urlpatterns = [
    path("", home.home, name="home"),
    path("masuk/", staff_login.login, name="login"),
    path("masuk/kode/", staff_login.login_code, name="login_code"),
    path("masuk/pasang-autentikator/", staff_login.enrol, name="enrol"),
    path("keluar/", staff_login.logout, name="logout"),
    path("audit/", audit.national_log, name="audit_national"),
    path("<str:office>/audit/", audit.office_log, name="audit"),
    path("<str:office>/dokumen/<shortint:document_id>/", staff_documents.document_file, name="document_file"),
    path("<str:office>/checkin/", checkin.checkin, name="checkin"),
    path("<str:office>/checkin/keputusan/<shortint:decision>/", checkin.decide, name="checkin_decide"),
    path("<str:office>/tiket/<shortint:ticket>/slip/", checkin.slip, name="slip"),
    path("<str:office>/loket/", counter.counters, name="counters"),
    path("<str:office>/loket/<shortint:number>/", counter.counter, name="counter"),
    path("<str:office>/loket/<shortint:number>/<slug:action>/", counter.counter_action, name="counter_action"),
    path("<str:office>/kiosk/", kiosk.kiosk, name="kiosk"),
    # Walk-ins, outage mode and day close (loket/walkin).
    path("outage/", walkin.outage_national, name="outage_national"),
    path("<str:office>/walkin/", walkin.walkin_new, name="walkin"),
    path("<str:office>/walkin/<str:code>/", walkin.walkin_done, name="walkin_done"),
    path("<str:office>/outage/", walkin.outage_office, name="outage"),
    path("<str:office>/tutup-hari/", walkin.day_close_page, name="day_close"),
    path("laporan/", reports.national_page, name="report_national"),
    path("<str:office>/laporan/", reports.office_page, name="report"),
    path("<str:office>/rencana/", planner.plan_page, name="plan"),
    path("<str:office>/rencana/terapkan/", planner.plan_apply_page, name="plan_apply"),
]
