"""Staff move an application along its stages; the applicant is told at each step.

Submitted -> documents verified -> photo and interview done -> approved (or rejected, with a
reason) -> printed -> ready for pickup -> collected. Only the moves in models.TRANSITIONS exist.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.accounts.models import StaffRole, StaffRoleKind, User
from loket.core import datefmt
from loket.core.errors import Conflict, DomainError
from loket.dossier.models import Application, Stage
from loket.notify.events import notify
from loket.offices.models import Office

OFFICE_ADVANCERS = [StaffRoleKind.COUNTER, StaffRoleKind.SUPERVISOR]


def staff_may_advance(user: User, office: Office | None = None) -> bool:
    """Superusers, staff with `dossier.advance_application`, and the booked office's counter officers
    and supervisors (who move the application on when they finish a stage at the counter)."""
    if not user.is_active:
        return False
    if office is not None and StaffRole.objects.filter(user=user, office=office, role__in=OFFICE_ADVANCERS).exists():
        return True
    return user.is_staff and (user.is_superuser or user.has_perm("dossier.advance_application"))


def application_advance(*, application: Application, stage: str, by: User, note: str = "") -> Application:
    """Move the application to `stage`, record who did it, and notify the applicant once."""
    if not staff_may_advance(by, application.booking.office):
        raise DomainError("forbidden", _("Anda tidak berwenang mengubah tahap permohonan."), status=403)
    if stage not in Stage.values:
        raise DomainError("invalid", _("Tahap tidak dikenal."), field="stage")
    note = note.strip()
    if stage == Stage.REJECTED and not note:
        raise DomainError("reason_required", _("Penolakan memerlukan alasan."), field="note")
    current = application.stage
    if not application.can_move_to(stage):
        raise Conflict(
            "transition_not_allowed",
            _("Permohonan pada tahap %(current)s tidak dapat dipindah ke %(stage)s.")
            % {"current": Stage(current).label, "stage": Stage(stage).label},
            field="stage",
        )
    now = timezone.now()
    with transaction.atomic():
        # Conditional on the stage we read: two officers clicking at once move it once.
        changes: dict[str, object] = {"stage": stage}
        if stage == Stage.REJECTED:
            changes["rejection_reason"] = note
        if Application.objects.filter(pk=application.pk, stage=current).update(**changes) != 1:
            raise Conflict("changed", _("Permohonan ini baru saja diubah. Muat ulang dan coba lagi."))
        application.timeline.create(stage=stage, at=now, by=by, note=note)
        application.refresh_from_db()
        _tell(application)
    return application


# What the person can do after each stage, told with the new status.
NEXT_STEP = {
    Stage.READY_FOR_PICKUP: gettext_lazy("Ambil paspor di kantor pada jam kerja."),
    Stage.COLLECTED: gettext_lazy("Permohonan ini selesai. Terima kasih."),
}
WAIT_FOR_US = gettext_lazy("Anda tidak perlu melakukan apa pun sekarang; kami mengabari Anda di tahap berikutnya.")


def _tell(application: Application) -> None:
    booking = application.booking
    context = {
        "code": datefmt.grouped(booking.code),
        "person": application.applicant_name,
        "office": booking.office.name,
        "status": Stage(application.stage).label,  # lazy: rendered in the recipient's language
        "next": NEXT_STEP.get(Stage(application.stage), WAIT_FOR_US),
        "reason": application.rejection_reason,
    }
    # Each stage is reached once (stages only move forward), so the key makes the message unique.
    notify(
        # A rejection carries its reason and where to go, not just the new status.
        event="application_rejected" if application.stage == Stage.REJECTED else "status_changed",
        user=booking.booked_by,
        key=f"application:{application.pk}:{application.stage}",
        context=context,
    )
    if application.stage == Stage.READY_FOR_PICKUP:
        notify(
            event="passport_ready", user=booking.booked_by, key=f"application:{application.pk}:ready", context=context
        )
