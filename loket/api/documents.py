"""The application behind a booking: its timeline and its documents (upload, list, remove, download).

Mounted under /bookings beside the bookings router. Only the booking's owner gets an answer;
for anyone else a booking is as unknown as a code that does not exist (404).
"""

import datetime as dt

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from loket.api.schemas import Short
from loket.api.security import VerifiedTokenAuth, current_user
from loket.core.errors import NotFound
from loket.core.ratelimit import hit
from loket.dossier import services
from loket.dossier.downloads import document_response
from loket.dossier.models import Application, Document, Stage
from loket.dossier.selectors import (
    Requirement,
    application_of,
    document_of,
    document_visible_to,
    documents_of,
    missing_documents,
)

router = Router(tags=["documents"], auth=VerifiedTokenAuth())


class DocumentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class RequirementOut(Schema):
    kinds: list[str]
    one_of: bool
    label: str


class DocumentsOut(Schema):
    documents: list[DocumentOut]
    missing: list[RequirementOut]


class TimelineOut(Schema):
    stage: str
    label: str
    at: dt.datetime
    note: str


class ApplicationOut(Schema):
    service: str
    replacement_reason: str | None
    passport_type: str
    identity_check: str
    passport_check: str
    stage: str
    stage_label: str
    timeline: list[TimelineOut]
    documents_missing: list[RequirementOut]


def _document_out(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.pk,
        kind=document.kind,
        content_type=document.content_type,
        size=document.size,
        uploaded_at=document.uploaded_at,
    )


def _requirements_out(application: Application) -> list[RequirementOut]:
    def out(req: Requirement) -> RequirementOut:
        return RequirementOut(kinds=list(req.kinds), one_of=bool(req.one_of), label=req.label)

    return [out(req) for req in missing_documents(application)]


def _application(request: HttpRequest, code: str) -> Application:
    application = application_of(current_user(request), code)
    if application is None:
        raise NotFound("not_found", _("Pemesanan tidak ditemukan."))
    return application


@router.get("/{code}/application", response=ApplicationOut)
def application_detail(request: HttpRequest, code: Short) -> ApplicationOut:
    application = _application(request, code)
    return ApplicationOut(
        service=application.service,
        replacement_reason=application.replacement_reason or None,
        passport_type=application.passport_type,
        identity_check=application.identity_check,
        passport_check=application.passport_check,
        stage=application.stage,
        stage_label=str(Stage(application.stage).label),
        timeline=[
            TimelineOut(stage=entry.stage, label=str(Stage(entry.stage).label), at=entry.at, note=entry.note)
            for entry in application.timeline.all()
        ],
        documents_missing=_requirements_out(application),
    )


@router.post("/{code}/documents", response={201: DocumentOut})
def document_upload(
    request: HttpRequest, code: Short, kind: Form[Short], file: File[UploadedFile]
) -> Status[DocumentOut]:
    user = current_user(request)
    hit(scope="upload", key=str(user.pk), limit=30, window_seconds=60)
    try:
        document = services.document_upload(user=user, code=code, kind=kind, upload=file, size=file.size)
    finally:
        file.close()  # a temporary file, if Django made one, goes now
    return Status(201, _document_out(document))


@router.get("/{code}/documents", response=DocumentsOut)
def document_list(request: HttpRequest, code: Short) -> DocumentsOut:
    application = _application(request, code)
    return DocumentsOut(
        documents=[_document_out(d) for d in documents_of(application)],
        missing=_requirements_out(application),
    )


@router.delete("/{code}/documents/{document_id}", response={204: None})
def document_delete(request: HttpRequest, code: Short, document_id: int) -> Status[None]:
    services.document_delete(user=current_user(request), code=code, document_id=document_id)
    return Status(204, None)


@router.get("/{code}/documents/{document_id}/file")
def document_file(request: HttpRequest, code: Short, document_id: int) -> FileResponse:
    user = current_user(request)
    document = document_of(user, code, document_id)
    if document is None or not document_visible_to(user, document):
        raise NotFound("not_found", _("Dokumen tidak ditemukan."))
    return document_response(document)
