"""The staff pages under /petugas/: each office-side app keeps its own urls.py; here they
share one namespace ("onsite"), so a page keeps its name wherever its code lives."""

from loket.onsite import urls as onsite
from loket.planner import urls as planner
from loket.release import urls as release
from loket.reports import urls as reports
from loket.walkin import urls as walkin

app_name = "onsite"

urlpatterns = [
    *onsite.urlpatterns,
    *walkin.urlpatterns,
    *reports.urlpatterns,
    *planner.urlpatterns,
    *release.urlpatterns,
]
