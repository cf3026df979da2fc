"""Reads for applications: the documents they need, what is still missing, who may see a file."""

from dataclasses import dataclass

from django.db.models import QuerySet

from loket.accounts.models import User
from loket.accounts.roles import ANY_OFFICE_ROLE, roles_at
from loket.booking.codes import normalize_code
from loket.dossier.models import Application, Document, DocumentKind, DocumentRule


@dataclass(frozen=True)
class Requirement:
    """One required document, or a group of which any one document will do (`one_of` names the group)."""

    kinds: tuple[str, ...]
    one_of: str = ""

    @property
    def label(self) -> str:
        return " / ".join(str(DocumentKind(kind).label) for kind in self.kinds)


def required_documents(application: Application) -> list[Requirement]:
    """The documents the staff-edited rules ask of this application, in the rules' order."""
    reason = application.replacement_reason
    minor = application.is_minor
    groups: dict[str, list[str]] = {}
    for rule in DocumentRule.objects.filter(active=True):
        if not rule.applies_to(service=application.service, reason=reason, minor=minor):
            continue
        # A rule without a group is its own group, so two rules of one kind ask for it once.
        kinds = groups.setdefault(f"group:{rule.one_of}" if rule.one_of else f"kind:{rule.kind}", [])
        if rule.kind not in kinds:
            kinds.append(rule.kind)
    return [
        Requirement(kinds=tuple(kinds), one_of=key.removeprefix("group:") if key.startswith("group:") else "")
        for key, kinds in groups.items()
    ]


def missing_documents(application: Application) -> list[Requirement]:
    """Requirements no uploaded document satisfies yet (for a group: none of its kinds uploaded)."""
    uploaded = set(application.documents.values_list("kind", flat=True))
    return [req for req in required_documents(application) if not uploaded & set(req.kinds)]


def application_of(user: User, code: str) -> Application | None:
    """The application of one of the user's bookings; None for someone else's or an unknown code alike."""
    return (
        Application.objects.filter(booking__person__account=user, booking__code=normalize_code(code))
        .select_related("booking__slot", "booking__office", "booking__person")
        .first()
    )


def documents_of(application: Application) -> QuerySet[Document]:
    return application.documents.order_by("uploaded_at", "pk")


def document_of(user: User, code: str, document_id: int) -> Document | None:
    """One document of the user's booking; None when it is not theirs."""
    return (
        Document.objects.filter(
            pk=document_id,
            application__booking__person__account=user,
            application__booking__code=normalize_code(code),
        )
        .select_related("application__booking")
        .first()
    )


def document_visible_to(user: User, document: Document) -> bool:
    """The booking's owner, and staff holding an office role at the booked office (or the national administrator).

    A staff permission alone (`dossier.view_document`, superuser) is not enough: an officer reads
    only his own office's documents (UU PDP: personal data, seen by those who serve the person).
    """
    if not user.is_active:
        return False
    booking = document.application.booking
    if booking.person.account_id == user.pk:
        return True
    return bool(roles_at(user, booking.office) & set(ANY_OFFICE_ROLE))
