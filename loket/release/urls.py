"""The release pages: staff pages under /petugas/ (see config/urls_staff.py)."""

from django.urls import path

from loket.release import views as release

urlpatterns = [
    path("<str:office>/rilis/", release.release_page, name="release"),
]
