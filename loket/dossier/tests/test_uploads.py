"""Uploads are judged by their content; every refusal is a clear 413/422 and leaves no file anywhere."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from conftest import bearer
from loket.accounts.models import User
from loket.booking.models import Booking
from loket.dossier.models import Document
from loket.dossier.tests import files
from loket.dossier.tests.conftest import files_under, upload


@pytest.fixture
def temp_dir(settings: Any, tmp_path: Path) -> Path:
    """Django's upload temp folder, with every upload forced through it (no in-memory shortcut)."""
    folder = tmp_path / "upload-tmp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return folder


@pytest.fixture(autouse=True)
def _nothing_left_behind(db: None, temp_dir: Path, media: Path) -> Any:
    yield
    assert files_under(temp_dir) == []
    stored = {Path(media / d.file.name) for d in Document.objects.all()}
    assert set(files_under(media)) == stored  # no stray file beside the recorded ones


def refused(response: Any, code: str, *, status: int = 422, field: str = "file") -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]
    assert not Document.objects.exists()


def stored_bytes(response: Any) -> bytes:
    document = Document.objects.get(pk=response.json()["id"])
    with default_storage.open(document.file.name, "rb") as handle:
        return bytes(handle.read())


def test_a_jpeg_is_stored_under_a_random_name(api: Client, applicant: User, booking: Booking) -> None:
    response = upload(api, applicant, booking.code, files.jpeg())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["content_type"]) == ("ktp", "image/jpeg")
    name = Document.objects.get().file.name
    assert name.startswith("documents/") and len(name) == len("documents/") + 32 and "ktp" not in name


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"just some text, not an image", "ktp.jpg"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "ktp.jpg"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "ktp.jpg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "ktp.gif"),
        (files.zip_bytes(), "ktp.pdf"),
    ],
    ids=["text", "html", "exe", "gif", "zip"],
)
def test_wrong_type_by_content_is_refused_whatever_the_name(
    api: Client, applicant: User, booking: Booking, data: bytes, name: str
) -> None:
    refused(upload(api, applicant, booking.code, data, name=name), "unsupported_type")


def test_a_png_named_pdf_is_accepted_as_png(api: Client, applicant: User, booking: Booking) -> None:
    response = upload(api, applicant, booking.code, files.png(), name="ktp.pdf", content_type="application/pdf")
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"
    assert stored_bytes(response).startswith(b"\x89PNG")


def test_just_over_the_limit_is_413(api: Client, applicant: User, booking: Booking, settings: Any) -> None:
    data = files.jpeg() + b"\x00" * (settings.LOKET_UPLOAD_MAX_BYTES - len(files.jpeg()) + 1)
    refused(upload(api, applicant, booking.code, data), "file_too_large", status=413)


def test_far_over_the_limit_is_413_before_the_body_is_stored(
    api: Client, applicant: User, booking: Booking, settings: Any
) -> None:
    data = files.jpeg() + b"\x00" * (3 * settings.LOKET_UPLOAD_MAX_BYTES)
    refused(upload(api, applicant, booking.code, data), "file_too_large", status=413)


def test_the_limit_comes_from_settings(api: Client, applicant: User, booking: Booking, settings: Any) -> None:
    settings.LOKET_UPLOAD_MAX_BYTES = 4096
    padded = files.jpeg() + b"\x00" * 4096
    refused(upload(api, applicant, booking.code, padded), "file_too_large", status=413)
    assert upload(api, applicant, booking.code, files.jpeg()).status_code == 201


def test_pixel_flood_png_is_refused(api: Client, applicant: User, booking: Booking) -> None:
    flood = files.pixel_flood_png(20000, 20000)
    assert len(flood) < 200_000  # tiny on the wire, 400 megapixels decoded
    refused(upload(api, applicant, booking.code, flood, name="ktp.png"), "image_too_large")


def test_pixel_limit_below_pillows_own_comes_from_settings(
    api: Client, applicant: User, booking: Booking, settings: Any
) -> None:
    settings.LOKET_UPLOAD_MAX_PIXELS = 1_000_000
    refused(upload(api, applicant, booking.code, files.pixel_flood_png(1001, 1000)), "image_too_large")
    assert upload(api, applicant, booking.code, files.pixel_flood_png(1000, 1000)).status_code == 201


@pytest.mark.parametrize("payload", [b"<html><script>alert(1)</script></html>", files.zip_bytes()], ids=["html", "zip"])
def test_image_polyglot_loses_its_payload(api: Client, applicant: User, booking: Booking, payload: bytes) -> None:
    response = upload(api, applicant, booking.code, files.jpeg() + payload)
    assert response.status_code == 201
    stored = stored_bytes(response)
    assert stored.startswith(b"\xff\xd8\xff") and stored.endswith(b"\xff\xd9")
    assert b"<html" not in stored and b"PK\x03\x04" not in stored and b"alert" not in stored


def test_exif_gps_is_stripped(api: Client, applicant: User, booking: Booking) -> None:
    original = files.jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(files.GPS_IFD)  # the test file has a location
    response = upload(api, applicant, booking.code, original)
    stored = Image.open(io.BytesIO(stored_bytes(response)))
    assert not stored.getexif()
    assert b"Exif" not in stored_bytes(response) and b"PhoneMaker" not in stored_bytes(response)


def test_a_clean_pdf_is_stored_as_sent(api: Client, applicant: User, booking: Booking) -> None:
    data = files.pdf_opening_at_first_page()
    response = upload(api, applicant, booking.code, data, name="ktp.pdf", content_type="application/pdf")
    assert response.status_code == 201
    assert stored_bytes(response) == data


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (files.pdf_with_javascript, "pdf_active_content"),
        (files.pdf_with_open_action_js, "pdf_active_content"),
        (files.pdf_with_hex_escaped_js, "pdf_active_content"),
        (files.pdf_with_page_action, "pdf_active_content"),
        (files.pdf_with_attachment, "pdf_embedded_file"),
        (files.pdf_with_file_annotation, "pdf_embedded_file"),
        (files.pdf_encrypted, "pdf_encrypted"),
        (files.pdf_truncated, "broken_file"),
        (lambda: b"%PDF-1.7\nnothing else", "broken_file"),
    ],
    ids=[
        "javascript",
        "open_action_js",
        "hex_escaped_js",
        "page_action",
        "embedded",
        "file_annotation",
        "encrypted",
        "truncated",
        "garbage",
    ],
)
def test_dangerous_or_broken_pdfs_are_refused(
    api: Client, applicant: User, booking: Booking, make: Any, code: str
) -> None:
    refused(upload(api, applicant, booking.code, make(), name="ktp.pdf", content_type="application/pdf"), code)


def test_a_broken_image_is_refused(api: Client, applicant: User, booking: Booking) -> None:
    refused(upload(api, applicant, booking.code, files.jpeg()[:40]), "broken_file")


def test_empty_file_is_refused(api: Client, applicant: User, booking: Booking) -> None:
    refused(upload(api, applicant, booking.code, b""), "empty_file")


def test_missing_kind_or_file_is_422_naming_the_field(api: Client, applicant: User, booking: Booking) -> None:
    refused(upload(api, applicant, booking.code, files.jpeg(), kind=None), "invalid", field="kind")
    response = api.post(f"/api/v1/bookings/{booking.code}/documents", {"kind": "ktp"}, headers=bearer(applicant))
    refused(response, "invalid", field="file")


def test_unknown_kind_is_refused(api: Client, applicant: User, booking: Booking) -> None:
    refused(upload(api, applicant, booking.code, files.jpeg(), kind="selfie"), "unknown_kind", field="kind")


def test_a_kind_this_application_does_not_need_is_refused(api: Client, applicant: User, booking: Booking) -> None:
    response = upload(api, applicant, booking.code, files.jpeg(), kind="police_report")
    refused(response, "kind_not_required", field="kind")


def test_number_of_files_is_limited(api: Client, applicant: User, booking: Booking, settings: Any) -> None:
    settings.LOKET_UPLOAD_MAX_FILES = 2
    assert upload(api, applicant, booking.code, files.jpeg()).status_code == 201
    assert upload(api, applicant, booking.code, files.jpeg(), kind="kk").status_code == 201
    response = upload(api, applicant, booking.code, files.jpeg(), kind="diploma")
    assert (response.status_code, response.json()["code"]) == (422, "too_many_files")
