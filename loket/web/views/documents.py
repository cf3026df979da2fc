"""The booking's supporting documents: list, what is missing, upload, remove, download (owner only).

Same services and rules as the documents API (loket/api/documents.py): someone else's booking
answers like an unknown one (404), and a file is always downloaded, never shown by the browser.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.core.errors import DomainError
from loket.core.forms import add_domain_error
from loket.core.idempotency import form_once
from loket.core.ratelimit import hit
from loket.dossier import services
from loket.dossier.downloads import document_response
from loket.dossier.models import Application, DocumentKind
from loket.dossier.selectors import (
    application_of,
    document_of,
    document_visible_to,
    documents_of,
    missing_documents,
    required_documents,
)
from loket.web.forms import DocumentForm
from loket.web.views.profile import _user


def _application(request: HttpRequest, code: str) -> Application:
    application = application_of(_user(request), code)
    if application is None:  # someone else's code answers like an unknown one
        raise Http404
    return application


def _kinds(application: Application) -> list[tuple[str, str]]:
    kinds: list[str] = []
    for requirement in required_documents(application):
        kinds.extend(kind for kind in requirement.kinds if kind not in kinds)
    return [(kind, str(DocumentKind(kind).label)) for kind in kinds]


@login_required
@form_once(retry=False)  # the file is written to storage, outside the transaction
def documents(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    application = _application(request, code)
    posted = request.method == "POST"
    form = DocumentForm(request.POST if posted else None, request.FILES if posted else None, kinds=_kinds(application))
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            hit(scope="upload", key=str(user.pk), limit=30, window_seconds=60)
            services.document_upload(
                user=user,
                code=application.booking.code,
                kind=form.cleaned_data["kind"],
                upload=upload,
                size=upload.size,
            )
        except DomainError as error:
            if error.field not in form.fields:
                error.field = "file"  # locked, inactive, throttled: shown where the applicant looks
            add_domain_error(form, error)
        else:
            messages.success(request, _("Dokumen diunggah."))
            return redirect("web:documents", code=application.booking.code)
        finally:
            upload.close()
    context = {
        "booking": application.booking,
        "application": application,
        "documents": documents_of(application),
        "missing": missing_documents(application),
        "form": form,
    }
    return render(request, "web/documents.html", context)


@login_required
@require_POST
@form_once(retry=False)
def document_delete(request: HttpRequest, code: str, document_id: int) -> HttpResponse:
    application = _application(request, code)
    try:
        services.document_delete(user=_user(request), code=application.booking.code, document_id=document_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dokumen dihapus."))
    return redirect("web:documents", code=application.booking.code)


@login_required
def document_file(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    user = _user(request)
    document = document_of(user, code, document_id)
    if document is None or not document_visible_to(user, document):
        raise Http404
    return document_response(document)
