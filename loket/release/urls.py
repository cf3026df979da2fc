"""The release pages: staff pages under /petugas/ (see config/urls_staff.py)."""

from django.urls import path

from loket.release import closure_views
from loket.release import views as release

urlpatterns = [
    path("<str:office>/rilis/", release.release_page, name="release"),
    path("<str:office>/penutupan/", closure_views.closures_page, name="closures"),
    path("calo/", release.hoarding_national, name="hoarding_national"),
    path("calo/akun/<int:account>/", release.hoarding_national_account, name="hoarding_national_account"),
    path("<str:office>/calo/", release.hoarding_office, name="hoarding"),
    path("<str:office>/calo/akun/<int:account>/", release.hoarding_office_account, name="hoarding_account"),
]
