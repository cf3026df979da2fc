"""The data subject's rights (UU PDP 27/2022): a copy of one's data, and deleting one's account.

Sits above booking, dossier and notify (it reads and clears across them). Nothing here keeps
a copy of what it deletes: the audit entry names the account by its id only.
"""

import datetime as dt
import logging
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from loket.accounts.models import ApiToken, EmailVerification, Person, User
from loket.audit.services import audit_record
from loket.booking.models import ACTIVE_STATUSES, Booking
from loket.core.errors import Conflict, DomainError
from loket.dossier.models import Application, Document

logger = logging.getLogger("loket.privacy")

ERASED_NAME = ""
ERASED_BIRTH_DATE = dt.date(1900, 1, 1)


def account_export(*, user: User) -> dict[str, Any]:
    """Everything Loket holds about the account and its household, as JSON-ready data."""
    people = list(user.people.order_by("pk"))
    bookings = Booking.objects.filter(Q(person__in=people) | Q(booked_by=user)).select_related("office", "slot")
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "address": user.address,
            "language": user.language,
            "created_at": user.date_joined.isoformat(),
        },
        "people": [
            {
                "id": p.pk,
                "relation": p.relation,
                "full_name": p.full_name,
                "nik": p.nik,
                "birth_date": p.birth_date.isoformat(),
                "sex": p.sex,
            }
            for p in people
        ],
        "bookings": [
            {
                "code": b.code,
                "person": b.person_id,
                "office": b.office.code,
                "date": b.slot.date.isoformat(),
                "start": f"{b.slot.start:%H:%M}",
                "service": b.service,
                "passport_type": b.passport_type,
                "status": b.status,
                "application_stage": getattr(getattr(b, "application", None), "stage", None),
                "documents": [
                    {"kind": d.kind, "uploaded_at": d.uploaded_at.isoformat()}
                    for d in Document.objects.filter(application__booking=b).order_by("pk")
                ],
            }
            for b in bookings.order_by("pk")
        ],
    }


def erase_bookings(bookings: Any) -> tuple[int, int]:
    """Anonymise bookings' and their applications' personal data and delete their documents.

    Returns (bookings anonymised, documents deleted). Files go after the commit.
    """
    documents = Document.objects.filter(application__booking__in=bookings)
    names = list(documents.values_list("file", flat=True))
    deleted_documents, _details = documents.delete()
    Application.objects.filter(booking__in=bookings).update(
        applicant_name=ERASED_NAME, applicant_nik="", applicant_birth_date=ERASED_BIRTH_DATE
    )
    erased = bookings.exclude(person_name=ERASED_NAME).update(person_name=ERASED_NAME)

    def delete_files() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete_files)
    return erased, len(names) if deleted_documents else 0


def person_erase(person: Person) -> None:
    """Delete a person, or, when bookings or tickets must keep them, strip what identifies them."""
    if not person.bookings.exists() and not person.tickets.exists():
        person.delete()
        return
    person.account = None
    person.full_name = ERASED_NAME
    person.nik = f"erased-{person.pk}"  # sealed and hashed like any value; unique per row
    person.birth_date = ERASED_BIRTH_DATE
    person.phone = ""
    person.nik_flags = []
    person.save()


@transaction.atomic
def account_delete(*, user: User, password: str, ip: str | None = None) -> None:
    """Delete the applicant's account and household once nothing is active.

    Rows that other records need (a past booking's person, the account that booked) stay,
    stripped of everything that identifies anyone; documents are deleted.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise DomainError("invalid_password", _("Kata sandi salah."), field="password")
    if user.is_staff:
        raise Conflict("staff_account", _("Akun petugas dihapus oleh administrator."))
    people = list(user.people.all())
    bookings = Booking.objects.filter(Q(person__in=people) | Q(booked_by=user))
    if bookings.filter(status__in=ACTIVE_STATUSES).exists():
        raise Conflict(
            "active_booking_exists",
            _("Akun ini masih punya pemesanan aktif. Batalkan atau selesaikan dulu, lalu hapus akun."),
        )
    erased, documents = erase_bookings(bookings)
    for person in people:
        person_erase(person)
    ApiToken.objects.filter(user=user).delete()
    EmailVerification.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.full_name = ERASED_NAME
    user.phone = ""
    user.address = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=user,
        action="account.deleted",
        target_type="account",
        target_id=user.pk,
        after={"bookings_anonymised": erased, "documents_deleted": documents, "people": len(people)},
        ip=ip,
    )
    logger.info("account %s deleted: %s bookings anonymised, %s documents deleted", user.pk, erased, documents)
