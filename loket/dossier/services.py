"""Writes for applications: open one with a booking, record registry checks, upload and remove documents.

The stage timeline (staff moving an application forward) lives in timeline.py.
"""

import uuid
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person, User
from loket.booking.choices import normalize_passport_number
from loket.booking.models import ACTIVE_STATUSES, Booking, Service
from loket.core.db import insert_with_children
from loket.core.errors import Conflict, DomainError, NotFound
from loket.core.tasks import task_enqueue
from loket.dossier import registry
from loket.dossier.models import Application, CheckState, Document, DocumentKind, Stage, TimelineEntry
from loket.dossier.selectors import application_of, document_of, required_documents
from loket.dossier.uploads import inspect_upload, read_limited


def application_open(
    *, booking: Booking, person: Person, replacement_reason: str = "", old_passport_number: str = ""
) -> Application:
    """Open the booking's application inside the booking transaction; the registry checks run after commit."""
    number = normalize_passport_number(old_passport_number)
    needs_passport_check = booking.service == Service.REPLACEMENT and bool(number)
    application = Application(
        booking=booking,
        service=booking.service,
        replacement_reason=replacement_reason if booking.service == Service.REPLACEMENT else "",
        passport_type=booking.passport_type,
        applicant_name=person.full_name,
        applicant_nik=person.nik,
        applicant_birth_date=person.birth_date,
        applicant_sex=person.sex,
        old_passport_number=number,
        passport_check=CheckState.PENDING if needs_passport_check else CheckState.NOT_REQUIRED,
    )
    # The application and its first stage in one statement (on PostgreSQL).
    insert_with_children(application, [TimelineEntry(stage=Stage.SUBMITTED, at=timezone.now())], link="application")
    pk = application.pk
    task_enqueue("loket.dossier.tasks.identity_check", pk, task_name=f"dukcapil-{pk}")
    if needs_passport_check:
        task_enqueue("loket.dossier.tasks.passport_check", pk, task_name=f"passport-{pk}")
    return application


def application_identity_check(*, application_id: int) -> str:
    """Ask Dukcapil whether NIK, name and birth date belong together; record the answer and its time.

    The registry call happens outside any transaction: it may take the full timeout.
    """
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return CheckState.UNAVAILABLE
    result = registry.dukcapil().check_identity(
        nik=application.applicant_nik, name=application.applicant_name, birth_date=application.applicant_birth_date
    )
    Application.objects.filter(pk=application_id).update(identity_check=result, identity_checked_at=timezone.now())
    return result


def application_passport_check(*, application_id: int) -> str:
    """Ask the passport registry whether the old passport number was issued to this NIK."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None or not application.old_passport_number:
        return CheckState.NOT_REQUIRED
    result = registry.passport_registry().check_passport(
        nik=application.applicant_nik, passport_number=application.old_passport_number
    )
    Application.objects.filter(pk=application_id).update(passport_check=result, passport_checked_at=timezone.now())
    return result


def _open_for_documents(user: User, code: str) -> Application:
    application = application_of(user, code)
    if application is None:
        raise NotFound("not_found", _("Pemesanan tidak ditemukan."))
    if application.booking.status not in ACTIVE_STATUSES:
        raise DomainError("not_active", _("Pemesanan ini tidak aktif lagi."))
    if application.stage != Stage.SUBMITTED:
        # Once an officer verified the documents, the file they verified must not change under them.
        raise Conflict("documents_locked", _("Dokumen sudah diperiksa petugas dan tidak dapat diubah lagi."))
    return application


def document_upload(*, user: User, code: str, kind: str, upload: IO[bytes], size: int | None) -> Document:
    """Check the file by its content, store a clean copy under a random name, and record it."""
    application = _open_for_documents(user, code)
    if kind not in DocumentKind.values:
        raise DomainError("unknown_kind", _("Jenis dokumen tidak dikenal."), field="kind")
    if not any(kind in req.kinds for req in required_documents(application)):
        raise DomainError("kind_not_required", _("Dokumen ini tidak diperlukan untuk permohonan ini."), field="kind")
    if application.documents.count() >= settings.LOKET_UPLOAD_MAX_FILES:
        raise DomainError(
            "too_many_files", _("Terlalu banyak berkas; hapus berkas yang tidak diperlukan."), field="file"
        )
    clean = inspect_upload(read_limited(upload, size=size))
    name = default_storage.save(f"documents/{uuid.uuid4().hex}", ContentFile(clean.content))
    try:
        return Document.objects.create(
            application=application,
            kind=kind,
            file=name,
            content_type=clean.content_type,
            size=len(clean.content),
            sha256=clean.sha256,
            uploaded_by=user,
        )
    except BaseException:
        default_storage.delete(name)  # no orphan file when the row cannot be written
        raise


def document_delete(*, user: User, code: str, document_id: int) -> None:
    """Remove an uploaded document (to replace it); its file goes once the deletion is committed."""
    _open_for_documents(user, code)
    document = document_of(user, code, document_id)
    if document is None:
        raise NotFound("not_found", _("Dokumen tidak ditemukan."))
    name = document.file.name
    with transaction.atomic():
        document.delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))
