"""The booking's documents page (owner only) and the application timeline on the proof."""

import datetime as dt
import gzip
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from loket.accounts.models import User
from loket.booking.models import Booking
from loket.dossier.models import CheckState, Document, Stage
from loket.dossier.tests import files
from loket.dossier.timeline import application_advance
from loket.offices.models import Office
from loket.web.tests.conftest import in_language
from loket.web.tests.test_bookings import NOW, book
from loket.web.tests.test_pages import Inputs, _linked_assets


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def booking(applicant: User, office: Office) -> Booking:
    return book(applicant, office)


def send(client: Client, code: str, data: bytes, *, kind: str = "kk", name: str = "kk.png") -> Any:
    body = {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="image/png")}
    return client.post(f"/pemesanan/{code}/dokumen/", body, follow=True)


def test_an_uploaded_png_is_listed_and_no_longer_missing(signed_in: Client, booking: Booking) -> None:
    before = signed_in.get(f"/pemesanan/{booking.code}/dokumen/").content.decode()
    assert before.count("Kartu Keluarga (KK)") >= 2  # in the kind select and in the missing list
    assert 'accept=".jpg,.jpeg,.png,.pdf"' in before
    assert 'enctype="multipart/form-data"' in before
    assert "Salah satu: Akta kelahiran / Ijazah" in before  # a one-of group
    html = send(signed_in, booking.code, files.png()).content.decode()
    assert "Dokumen diunggah." in html
    document = Document.objects.get()
    assert document.kind == "kk"
    assert f"/pemesanan/{booking.code}/dokumen/{document.pk}/" in html
    assert "Selasa, 1 Desember 2026, pukul 07.30 WIB" in html
    missing = html.split("Dokumen yang belum ada")[1].split("Unggah dokumen")[0]
    assert "Kartu Keluarga (KK)" not in missing
    assert "KTP" in missing


def test_a_text_file_named_jpg_is_refused_next_to_the_field(signed_in: Client, booking: Booking, media: Path) -> None:
    page = send(signed_in, booking.code, b"just some text, not a picture", name="ktp.jpg")
    html = page.content.decode()
    assert 'id="id_file-error"' in html
    assert 'aria-invalid="true"' in html
    assert not Document.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_post_without_a_file_says_so_next_to_the_field(signed_in: Client, booking: Booking) -> None:
    html = signed_in.post(f"/pemesanan/{booking.code}/dokumen/", {"kind": "kk"}).content.decode()
    assert 'id="id_file-error"' in html
    assert not Document.objects.exists()


def test_a_kind_this_application_does_not_need_is_not_offered(signed_in: Client, booking: Booking) -> None:
    html = signed_in.get(f"/pemesanan/{booking.code}/dokumen/").content.decode()
    assert 'value="police_report"' not in html
    send(signed_in, booking.code, files.png(), kind="police_report")
    assert not Document.objects.exists()


def test_someone_elses_booking_is_404_everywhere(
    browser: Client, applicant: User, other_applicant: User, booking: Booking
) -> None:
    browser.force_login(applicant)
    send(browser, booking.code, files.png())
    document = Document.objects.get()
    browser.force_login(other_applicant)
    base = f"/pemesanan/{booking.code}/dokumen/"
    assert browser.get(base).status_code == 404
    assert send(browser, booking.code, files.png(), kind="ktp").status_code == 404
    assert browser.get(f"{base}{document.pk}/").status_code == 404
    assert browser.post(f"{base}{document.pk}/hapus/").status_code == 404
    assert Document.objects.count() == 1


def test_download_is_an_attachment_never_sniffed(signed_in: Client, booking: Booking) -> None:
    send(signed_in, booking.code, files.png())
    document = Document.objects.get()
    response = signed_in.get(f"/pemesanan/{booking.code}/dokumen/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{booking.code}-kk.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


def test_delete_then_replace(signed_in: Client, booking: Booking, django_capture_on_commit_callbacks: Any) -> None:
    send(signed_in, booking.code, files.png())
    document = Document.objects.get()
    assert signed_in.get(f"/pemesanan/{booking.code}/dokumen/{document.pk}/hapus/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in.post(f"/pemesanan/{booking.code}/dokumen/{document.pk}/hapus/", follow=True)
    assert "Dokumen dihapus." in page.content.decode()
    assert not Document.objects.exists()
    send(signed_in, booking.code, files.png())
    assert Document.objects.count() == 1


def test_locked_documents_are_refused_next_to_the_field(signed_in: Client, booking: Booking) -> None:
    officer = User.objects.create_user("petugas@imigrasi.go.id", "x", full_name="Petugas", is_staff=True)
    officer.is_superuser = True
    officer.save()
    application_advance(application=booking.application, stage=Stage.DOCUMENTS_VERIFIED, by=officer)
    html = send(signed_in, booking.code, files.png()).content.decode()
    assert "tidak dapat diubah lagi" in html
    assert 'id="id_file-error"' in html
    assert not Document.objects.exists()


@pytest.mark.parametrize(("language", "text"), [("id", "Diajukan"), ("en", "Submitted")])
def test_the_proof_shows_the_timeline_with_dates(signed_in: Client, booking: Booking, language: str, text: str) -> None:
    html = in_language(signed_in, language).get(f"/pemesanan/{booking.code}/").content.decode()
    assert text in html
    assert (
        "Selasa, 1 Desember 2026, pukul 07.30 WIB" if language == "id" else "Tuesday 1 December 2026, 07:30 WIB"
    ) in html
    assert f"/pemesanan/{booking.code}/dokumen/" in html


def test_the_proof_shows_a_later_stage_after_an_officer_moves_it(signed_in: Client, booking: Booking) -> None:
    officer = User.objects.create_user("petugas@imigrasi.go.id", "x", full_name="Petugas", is_staff=True)
    officer.is_superuser = True
    officer.save()
    with time_machine.travel(NOW + dt.timedelta(days=1, hours=2), tick=False):
        application_advance(application=booking.application, stage=Stage.DOCUMENTS_VERIFIED, by=officer, note="Lengkap")
    html = in_language(signed_in, "en").get(f"/pemesanan/{booking.code}/").content.decode()
    assert "Documents verified" in html
    assert "Wednesday 2 December 2026, 09:30 WIB" in html
    assert "Lengkap" in html


@pytest.mark.parametrize("state", [CheckState.MISMATCH, CheckState.UNAVAILABLE])
def test_a_failed_identity_check_is_only_to_be_checked_at_the_counter(
    signed_in: Client, booking: Booking, state: str
) -> None:
    type(booking.application).objects.filter(pk=booking.application.pk).update(identity_check=state)
    html = signed_in.get(f"/pemesanan/{booking.code}/").content.decode()
    assert "Diperiksa di loket" in html
    assert "Tidak sesuai" not in html


@pytest.mark.parametrize(("language", "text"), [("id", "Dokumen permohonan"), ("en", "Application documents")])
def test_the_documents_page_in_both_languages(signed_in: Client, booking: Booking, language: str, text: str) -> None:
    page = in_language(signed_in, language).get(f"/pemesanan/{booking.code}/dokumen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert text in html
    assert f'<html lang="{language}">' in html


def test_the_documents_page_is_light_labelled_and_self_contained(signed_in: Client, booking: Booking) -> None:
    """The every-page checks of test_pages.py, for a page whose address holds a booking code."""
    send(signed_in, booking.code, files.png())
    html = signed_in.get(f"/pemesanan/{booking.code}/dokumen/").content.decode()
    assets = _linked_assets(html)
    assert (
        len(gzip.compress(html.encode())) + sum(len(gzip.compress(path.read_bytes())) for path in assets) <= 30 * 1024
    )
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/web/app.js" defer>']
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html)
    assert 'action="/bahasa/"' in html
    page = Inputs()
    page.feed(html)
    assert page.controls
    for control in page.controls:
        assert control["wrapped"] or control.get("id") in page.labelled, control
