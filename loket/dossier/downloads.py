"""How a stored document leaves Loket: the same response for the API and the pages."""

from django.http import FileResponse

from loket.dossier.models import Document
from loket.dossier.uploads import EXTENSIONS


def document_response(document: Document) -> FileResponse:
    """The file as a download that a browser never renders, whatever the bytes look like."""
    booking = document.application.booking
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{booking.code}-{document.kind}.{EXTENSIONS[document.content_type]}",
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
