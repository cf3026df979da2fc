"""An officer opens a document of a booking at his office; every download is written to the audit log."""

from django.http import FileResponse, Http404, HttpRequest

from loket.accounts.models import User
from loket.audit.services import audit_record, request_ip
from loket.dossier.downloads import document_response
from loket.dossier.models import Document
from loket.dossier.selectors import document_visible_to
from loket.offices.models import Office
from loket.onsite.access import officer_view


@officer_view(action="document.download")
def document_file(request: HttpRequest, office: Office, document_id: int) -> FileResponse:
    document = (
        Document.objects.filter(pk=document_id, application__booking__office=office)
        .select_related("application__booking__person")
        .first()
    )
    user = request.user
    if document is None or not isinstance(user, User) or not document_visible_to(user, document):
        raise Http404
    booking = document.application.booking
    audit_record(
        actor=user,
        action="document.download",
        office=office,
        target_type="document",
        target_id=document.pk,
        after={"booking": booking.code, "kind": document.kind},
        ip=request_ip(request),
    )
    return document_response(document)
