"""The staff pages' office menu: one place decides which links an officer sees."""

from typing import Any

from django import template

from loket.accounts.models import StaffRoleKind, User
from loket.offices.models import Office
from loket.onsite.access import roles_at

register = template.Library()

DESK = {StaffRoleKind.CHECKIN, StaffRoleKind.SUPERVISOR}
COUNTER = {StaffRoleKind.COUNTER, StaffRoleKind.SUPERVISOR}
SUPERVISOR = {StaffRoleKind.SUPERVISOR}


@register.inclusion_tag("onsite/_office_links.html", takes_context=True)
def office_links(context: dict[str, Any], office: Office) -> dict[str, Any]:
    """The links of one office that this user's roles there open (each page checks again)."""
    user = context["request"].user
    roles = roles_at(user, office) if isinstance(user, User) else set()
    return {
        "office": office,
        "desk": bool(roles & DESK),
        "counter": bool(roles & COUNTER),
        "supervisor": bool(roles & SUPERVISOR),
    }
