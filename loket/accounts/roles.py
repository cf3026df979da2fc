"""Staff roles read: who may act at which office. Every layer above accounts asks here."""

from loket.accounts.models import StaffRole, StaffRoleKind, User
from loket.offices.models import Office

ANY_OFFICE_ROLE = (StaffRoleKind.SUPERVISOR, StaffRoleKind.CHECKIN, StaffRoleKind.COUNTER)


def is_national_admin(user: User) -> bool:
    return user.is_active and StaffRole.objects.filter(user=user, role=StaffRoleKind.ADMIN).exists()


def roles_at(user: User, office: Office) -> set[str]:
    """The user's roles at this office; the national administrator holds every role everywhere."""
    if not user.is_active:
        return set()
    roles = set(StaffRole.objects.filter(user=user, office=office).values_list("role", flat=True))
    if is_national_admin(user):
        roles |= {StaffRoleKind.ADMIN, *ANY_OFFICE_ROLE}
    return roles
