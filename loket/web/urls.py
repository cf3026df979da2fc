from django.contrib.auth.views import LogoutView
from django.urls import path

from loket.web.views import (
    account,
    booking_flow,
    bookings,
    documents,
    home,
    language,
    office,
    profile,
    pwa,
    release,
    reschedule,
    turn,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("bahasa/", language.switch, name="language"),
    path("daftar/", account.register, name="register"),
    path("verifikasi/", account.verify, name="verify"),
    path("verifikasi/kirim-ulang/", account.verify_resend, name="verify_resend"),
    path("masuk/", account.login, name="login"),
    # Django's LogoutView answers POST only (a link or an image cannot log anyone out).
    path("keluar/", LogoutView.as_view(next_page="web:home"), name="logout"),
    path("lupa-sandi/", account.password_reset, name="password_reset"),
    path("lupa-sandi/kode/", account.password_reset_confirm, name="password_reset_confirm"),
    path("akun/", profile.profile, name="profile"),
    path("akun/keluarga/", profile.household, name="household"),
    path("akun/data/", profile.my_data, name="my_data"),
    path("akun/hapus/", profile.account_delete_page, name="account_delete"),
    path("rilis/<str:office>/<str:date>/", release.room, name="release_room"),
    path("rilis/<str:office>/<str:date>/undian/", release.draw, name="release_draw"),
    path("ruang-tunggu/<str:ticket>/", release.waiting, name="waiting"),
    path("ruang-tunggu/<str:ticket>/status.json", release.waiting_poll, name="waiting_poll"),
    path("kantor/<str:office>/", office.office_page, name="office"),
    path("pesan/", booking_flow.offices, name="book"),
    path("pesan/<str:office>/", booking_flow.dates, name="book_date"),
    path("pesan/<str:office>/<str:date>/", booking_flow.windows, name="book_window"),
    path("pesan/<str:office>/<str:date>/<str:start>/", booking_flow.details, name="book_details"),
    path("pemesanan/", bookings.my_bookings, name="bookings"),
    path("pemesanan/batal/", bookings.cancel, name="booking_cancel"),
    path("pemesanan/<str:code>/", bookings.proof, name="proof"),
    path("pemesanan/<str:code>/pdf/", bookings.proof_download, name="proof_pdf"),
    path("pemesanan/<str:code>/antrean/", turn.proof_turn, name="proof_turn"),
    path("pemesanan/<str:code>/ubah-jadwal/", reschedule.reschedule, name="reschedule"),
    path("pemesanan/<str:code>/ubah-jadwal/<str:date>/", reschedule.reschedule_window, name="reschedule_window"),
    path("pemesanan/<str:code>/dokumen/", documents.documents, name="documents"),
    path("pemesanan/<str:code>/dokumen/<int:document_id>/", documents.document_file, name="document_file"),
    path("pemesanan/<str:code>/dokumen/<int:document_id>/hapus/", documents.document_delete, name="document_delete"),
    path("akun/keluarga/hapus/", profile.household_remove, name="household_remove"),
]
