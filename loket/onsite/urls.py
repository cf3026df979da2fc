"""The office pages of loket/onsite; config/urls_staff.py puts them under /petugas/ with the
walk-in and report pages, in one namespace ("onsite")."""

from django.urls import path, register_converter

from loket.onsite.views import audit, checkin, classes, counter, home, kiosk, staff_documents, staff_login


class ShortIntConverter:
    """A database id or counter number in a URL: at most 12 digits, so no value overflows a column."""

    regex = "[0-9]{1,12}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(ShortIntConverter, "shortint")

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
    path("<str:office>/checkin/live/", checkin.checkin_live, name="checkin_live"),
    path("<str:office>/checkin/keputusan/<shortint:decision>/", checkin.decide, name="checkin_decide"),
    path("<str:office>/tiket/<shortint:ticket>/slip/", checkin.slip, name="slip"),
    path("<str:office>/tiket/<shortint:ticket>/kelas/", classes.ticket_class, name="ticket_class"),
    path("<str:office>/loket/", counter.counters, name="counters"),
    path("<str:office>/loket/<shortint:number>/", counter.counter, name="counter"),
    path("<str:office>/loket/<shortint:number>/live/", counter.counter_live, name="counter_live"),
    path("<str:office>/loket/<shortint:number>/<slug:action>/", counter.counter_action, name="counter_action"),
    path("<str:office>/kiosk/", kiosk.kiosk, name="kiosk"),
]
