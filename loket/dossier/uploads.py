"""What an uploaded document really is, judged by its content, and a clean copy of it to store.

The name and the content type the client sends are ignored: the first bytes decide between
JPEG, PNG and PDF. Images are decoded and re-encoded with Pillow, which drops EXIF (GPS!)
and anything appended after the image (HTML, ZIP: polyglots). PDFs cannot be re-encoded
safely, so they are parsed with pypdf and refused when they carry scripts, automatic
actions or embedded files, or are encrypted or broken.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from loket.core.errors import DomainError

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}

# Multipart framing and the small "kind" field around the file.
MULTIPART_SLACK = 16 * 1024
# A PDF with more objects than this is refused rather than walked for minutes.
PDF_MAX_OBJECTS = 50_000

# Dictionary keys and name values that make a PDF run code or carry files.
PDF_FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA"}
PDF_FORBIDDEN_NAMES = {"/JavaScript", "/Launch", "/FileAttachment", "/EmbeddedFile", "/RichMedia"}
PDF_FILE_MARKERS = {"/EmbeddedFiles", "/EmbeddedFile", "/FileAttachment"}


class UploadTooLarge(DomainError, RequestDataTooBig):
    """413 with the field. Also a RequestDataTooBig, so non-API views answer 400 instead of 500."""

    status = 413

    def __init__(self) -> None:
        limit_mb = settings.LOKET_UPLOAD_MAX_BYTES / (1024 * 1024)
        super().__init__(
            "file_too_large",
            _("Berkas terlalu besar (maksimal %(mb).1f MB). Perkecil foto atau PDF-nya, lalu unggah lagi.")
            % {"mb": limit_mb},
            field="file",
        )


class UploadSizeLimit(FileUploadHandler):
    """First upload handler: refuses an oversized multipart body before a byte of it is stored.

    Without it Django would stream any size into a temporary file before the API saw it.
    """

    def handle_raw_input(
        self, input_data: Any, meta: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        if content_length > settings.LOKET_UPLOAD_MAX_BYTES + MULTIPART_SLACK:
            raise UploadTooLarge

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, field="file")


def sniff(head: bytes) -> str | None:
    """The content type the first bytes announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def read_limited(upload: IO[bytes], *, size: int | None) -> bytes:
    """The upload's bytes; UploadTooLarge past LOKET_UPLOAD_MAX_BYTES, whatever `size` claims."""
    limit = settings.LOKET_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise UploadTooLarge
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge
    return data


def inspect_upload(data: bytes) -> CleanFile:
    """A clean copy of an uploaded JPEG, PNG or PDF; DomainError (422, field "file") otherwise."""
    if not data:
        raise _refuse("empty_file", _("Berkas kosong. Pilih lagi berkas foto atau PDF dokumennya."))
    content_type = sniff(data[:16])
    if content_type is None:
        raise _refuse("unsupported_type", _("Berkas harus berupa JPEG, PNG, atau PDF."))
    if content_type == PDF:
        _check_pdf(data)
        return CleanFile(data, PDF)
    return CleanFile(_reencode_image(data, "JPEG" if content_type == JPEG else "PNG"), content_type)


def _reencode_image(data: bytes, fmt: str) -> bytes:
    pixel_flood = _refuse(
        "image_too_large",
        _(
            "Resolusi gambar terlalu besar. Perkecil fotonya (mis. kirim ulang dari kamera dengan ukuran sedang), lalu unggah lagi."
        ),
    )
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; a warning is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                if image.width * image.height > settings.LOKET_UPLOAD_MAX_PIXELS:
                    raise pixel_flood
                image.load()
                # Keep the photo upright once the EXIF orientation tag is gone.
                upright = ImageOps.exif_transpose(image)
                return _encode(upright, fmt)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise pixel_flood from None
        except DomainError:
            raise
        except Exception:
            # Decoders raise many types (OSError, SyntaxError, ValueError, struct.error...) on hostile input.
            raise _refuse(
                "broken_file", _("Gambar rusak atau tidak dapat dibaca. Foto ulang dokumennya, lalu unggah lagi.")
            ) from None


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
        # No exif/icc_profile arguments: the copy carries pixels only.
        image.save(out, "JPEG", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "RGB", "RGBA"):
            transparent = "A" in image.getbands() or "transparency" in image.info
            image = image.convert("RGBA" if transparent else "RGB")
        image.save(out, "PNG")
    return out.getvalue()


def _check_pdf(data: bytes) -> None:
    broken = _refuse(
        "broken_file",
        _(
            "PDF rusak atau tidak dapat dibaca. Simpan ulang atau pindai ulang dokumennya, atau unggah fotonya (JPEG/PNG)."
        ),
    )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse("pdf_encrypted", _("PDF terkunci kata sandi; unggah PDF tanpa kata sandi."))
        if len(reader.pages) == 0:
            raise broken
        found = _forbidden_in(reader)
    except DomainError:
        raise
    except Exception:
        # pypdf raises many types (PdfReadError, ValueError, KeyError, RecursionError...) on broken files.
        raise broken from None
    if found & PDF_FILE_MARKERS:
        raise _refuse(
            "pdf_embedded_file",
            _("PDF tidak boleh berisi berkas lampiran. Unggah hasil pindaian atau foto dokumennya saja."),
        )
    if found:
        raise _refuse(
            "pdf_active_content",
            _("PDF tidak boleh berisi JavaScript atau aksi otomatis. Unggah hasil pindaian atau foto dokumennya saja."),
        )


def _forbidden_in(reader: PdfReader) -> set[str]:
    """Forbidden keys and names found in every object of the file, reachable from the trailer or not."""
    stack: list[Any] = [reader.trailer]
    for generation, objects in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in objects)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    found: set[str] = set()
    steps = 0
    while stack:
        steps += 1
        if steps > PDF_MAX_OBJECTS:
            raise _refuse(
                "broken_file",
                _(
                    "PDF ini terlalu rumit untuk kami periksa. Unggah hasil pindaian sederhana atau foto dokumennya (JPEG/PNG)."
                ),
            )
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams too: their dictionary is checked, not their data
            found.update(key for key in item if key in PDF_FORBIDDEN_KEYS)
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in PDF_FORBIDDEN_NAMES:
            found.add(str(item))
    return found
