"""The planner pages: staff pages under /petugas/ (see config/urls_staff.py)."""

from django.urls import path

from loket.planner import views as planner

urlpatterns = [
    path("<str:office>/rencana/", planner.plan_page, name="plan"),
    path("<str:office>/rencana/terapkan/", planner.plan_apply_page, name="plan_apply"),
]
