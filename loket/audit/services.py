"""Writing to the audit log. Called by every service that acts on a citizen's data for staff."""

import ipaddress
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from loket.audit.models import AuditEntry
from loket.core.ratelimit import client_ip
from loket.offices.models import Office

if TYPE_CHECKING:  # the log sits below accounts: it knows the user only by type
    from loket.accounts.models import User


def request_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the audit log stores it (None when unknown or not an address)."""
    if request is None:
        return None
    return ip_or_none(client_ip(request))


def ip_or_none(address: str) -> str | None:
    """The address if it is one (the audit log's column only takes addresses), else None."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def audit_record(
    *,
    actor: "User",
    action: str,
    office: Office | None = None,
    target_type: str = "",
    target_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
    allowed: bool = True,
) -> AuditEntry:
    """Insert one entry. Values in before/after must be JSON-ready and hold no full NIK."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        office=office,
        target_type=target_type,
        target_id=str(target_id),
        before=before or {},
        after=after or {},
        ip=ip,
        allowed=allowed,
    )
