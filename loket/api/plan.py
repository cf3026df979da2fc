"""GET /offices/{code}/plan: the capacity planner's prediction for a day (staff only).

Staff only, through the staff session (password and authenticator code, as on the staff
pages): API tokens are issued with a password alone, so they do not open staff figures. The
supervisor of the office and the national administrator may read it; anyone else gets 403
(logged in the audit log).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from loket.accounts.models import StaffRoleKind, User
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import office_guard, staff_session_ok
from loket.planner.export import planned_data
from loket.planner.planning import plan_day, plan_from_text


def staff_session(request: HttpRequest) -> User | None:
    if not hasattr(request, "session"):
        return None  # a bearer-token call (loket/api/handler.py): no session, so no staff session
    return request.user if staff_session_ok(request) and isinstance(request.user, User) else None


router = Router(tags=["planner"], auth=staff_session)


class PlanQuery(Schema):
    date: dt.date | None = Field(None, description="the local day to plan (default: tomorrow)")
    quota: str = Field("", max_length=500, description="seats per window, e.g. 08:00=40,09:00=35")
    counters: str = Field("", max_length=500, description="counters per stage all day, e.g. verification=3")
    classes: str = Field("", max_length=200, description="the day's class places, e.g. priority=50,express=35")
    target: int = Field(30, ge=5, le=240, description="the p90 wait target for a suggestion (minutes)")
    fill: int = Field(100, ge=10, le=100, description="share of the quota booked (%)")
    suggest: str = Field("", pattern="^(|quota|counters)$", description="quota or counters")


@router.get("/{code}/plan", response=dict[str, Any])
def office_plan(request: HttpRequest, code: str, query: Query[PlanQuery]) -> dict[str, Any]:
    office = get_object_or_404(Office, code=code.upper()[:8])
    try:
        office_guard(
            user=request.auth,  # type: ignore[attr-defined]
            office=office,
            roles=[StaffRoleKind.SUPERVISOR],
            action="plan.read",
            request=request,
        )
    except PermissionDenied:
        raise DomainError("forbidden", _("Hanya supervisor kantor ini."), status=403) from None
    day = query.date or office.local_today() + dt.timedelta(days=1)
    plan = plan_from_text(
        office, day, quota=query.quota, counters=query.counters, classes=query.classes, fill=query.fill
    )
    return planned_data(plan_day(office, day, plan=plan, suggest=query.suggest, target=query.target))
