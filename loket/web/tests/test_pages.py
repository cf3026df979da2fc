"""Every page answers in Indonesian and English, with the language switch and CSRF in place."""

import datetime as dt
import gzip
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from conftest import PASSWORD
from loket.accounts.models import User
from loket.offices.models import Office
from loket.web.tests.conftest import in_language

PUBLIC = ["/", "/?q=Palembang", "/daftar/", "/verifikasi/", "/masuk/", "/lupa-sandi/", "/lupa-sandi/kode/"]
PRIVATE = [
    "/akun/",
    "/akun/keluarga/",
    "/pemesanan/",
    "/pesan/?q=Palembang",
    "/pesan/PLB/",
    "/pesan/PLB/2026-12-02/09:00/",
]
# (page, Indonesian text, its English translation)
TEXTS = {
    "/": ("Cari kantor imigrasi", "Find an immigration office"),
    "/?q=Palembang": ("Tanggal tersedia terdekat", "Nearest available date"),
    "/daftar/": ("Daftar akun", "Create an account"),
    "/verifikasi/": ("Verifikasi email", "Verify your email"),
    "/masuk/": ("Lupa kata sandi?", "Forgot your password?"),
    "/lupa-sandi/": ("Kirim kode", "Send the code"),
    "/lupa-sandi/kode/": ("Kata sandi baru", "New password"),
    "/akun/": ("Akun saya", "My account"),
    "/akun/keluarga/": ("Tambah anggota keluarga", "Add a household member"),
    "/pemesanan/": ("Belum ada pemesanan.", "No bookings yet."),
    "/pesan/?q=Palembang": ("Pesan: pilih kantor", "Book: choose an office"),
    "/pesan/PLB/": ("Pesan: pilih tanggal", "Book: choose a date"),
    "/pesan/PLB/2026-12-02/09:00/": ("Pesan: data pemohon", "Book: the applicant"),
}
STATIC_ROOT = Path(settings.BASE_DIR) / "loket" / "web" / "static"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    # The booking step above names a date: keep it in the future whatever day the suite runs.
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("url", PUBLIC + PRIVATE)
def test_every_page_answers_in_both_languages(signed_in: Client, url: str, language: str) -> None:
    page = in_language(signed_in, language).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    indonesian, english = TEXTS[url]
    assert (english if language == "en" else indonesian) in html
    assert 'action="/bahasa/"' in html  # the language switch
    assert 'href="#main"' in html  # the skip link


def test_private_pages_ask_to_log_in(browser: Client, db: None) -> None:
    for url in PRIVATE:
        answer = browser.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/masuk/?next=")


def test_the_language_switch_remembers_english(browser: Client, db: None) -> None:
    browser.get("/")
    answer = browser.post("/bahasa/", {"language": "en", "next": "/daftar/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/daftar/"
    assert '<html lang="en">' in browser.get("/daftar/").content.decode()


def test_the_home_page_shows_fees_documents_and_office(browser: Client, office: Office) -> None:
    html = browser.get("/", {"q": "palembang"}).content.decode()
    assert "Rp350.000" in html
    assert "Rp650.000" in html
    assert "Surat keterangan hilang dari kepolisian" in html  # from the DocumentRule table
    assert "Kantor Imigrasi PLB" in html
    assert "Sumatera Selatan" in html
    assert "WIB" in html


def test_the_office_finder_says_when_nothing_matches(browser: Client, office: Office) -> None:
    html = browser.get("/", {"q": "Atlantis"}).content.decode()
    assert "Tidak ada kantor" in html
    assert "Kantor Imigrasi PLB" not in html


def test_a_post_without_csrf_token_is_refused(db: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/masuk/", {"login": "a@example.id", "password": "x"}).status_code == 403
    assert strict.post("/daftar/", {"nik": "1671014508900002"}).status_code == 403


def test_logout_needs_a_post(signed_in: Client) -> None:
    assert signed_in.get("/keluar/").status_code == 405
    assert signed_in.get("/akun/").status_code == 200
    assert signed_in.post("/keluar/").status_code == 302
    assert signed_in.get("/akun/").status_code == 302


def test_the_profile_masks_the_nik_and_hides_flags(signed_in: Client, applicant: User) -> None:
    html = signed_in.get("/akun/").content.decode()
    assert "1671014508900002" not in html
    assert applicant.people.get().masked_nik in html
    assert "Ani Lestari" in html
    assert "ani@example.id" in html


def _linked_assets(html: str) -> list[Path]:
    urls = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    return [STATIC_ROOT / url for url in urls]


@pytest.mark.parametrize("url", PUBLIC + PRIVATE)
def test_each_page_weighs_at_most_30_kb_compressed(signed_in: Client, url: str) -> None:
    html = signed_in.get(url).content
    assets = _linked_assets(html.decode())
    assert assets, "the stylesheet is linked"
    total = len(gzip.compress(html)) + sum(len(gzip.compress(path.read_bytes())) for path in assets)
    assert total <= 30 * 1024


def test_no_external_fonts_scripts_or_cdn(signed_in: Client) -> None:
    for url in PUBLIC + PRIVATE:
        html = signed_in.get(url).content.decode()
        # One script of our own, deferred (it only registers the service worker); nothing inline.
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/web/app.js" defer>']
        assert not re.search(r'(?:href|src)="(?:https?:)?//', html)


def test_the_password_fixture_logs_in_through_the_form(browser: Client, applicant: User) -> None:
    answer = browser.post("/masuk/", {"login": applicant.email, "password": PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"] == "/akun/"


def test_the_language_switch_sets_the_language_of_the_accounts_mail(signed_in: Client, applicant: User) -> None:
    assert signed_in.post("/bahasa/", {"language": "en", "next": "/akun/"})["Location"] == "/akun/"
    applicant.refresh_from_db()
    assert applicant.language == "en"
    assert '<html lang="en">' in signed_in.get("/akun/").content.decode()


class Inputs(HTMLParser):
    """Collects the form controls of a page and the ids its labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if found.get("for"):
                self.labelled.add(str(found["for"]))
        elif tag in ("input", "select", "textarea") and found.get("type") not in ("hidden", "submit"):
            self.controls.append({**found, "wrapped": "yes" if self.in_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


@pytest.mark.parametrize("url", PUBLIC + PRIVATE)
def test_every_input_has_a_label(signed_in: Client, url: str) -> None:
    page = Inputs()
    page.feed(signed_in.get(url).content.decode())
    assert page.controls
    for control in page.controls:
        assert control["wrapped"] or control.get("id") in page.labelled, control


@pytest.mark.parametrize(("language", "text"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")])
def test_an_unknown_address_gets_the_pages_own_404(browser: Client, db: None, language: str, text: str) -> None:
    answer = in_language(browser, language).get("/tidak-ada/")
    assert answer.status_code == 404
    html = answer.content.decode()
    assert text in html
    assert f'<html lang="{language}">' in html


def test_an_office_found_on_the_home_page_leads_into_its_booking(browser: Client, office: Office) -> None:
    html = browser.get("/", {"q": "palembang"}).content.decode()
    assert '<a href="/pesan/PLB/">Pesan di Kantor Imigrasi PLB</a>' in html
    answer = browser.get("/pesan/PLB/")  # anonymous: log in first, then straight back to the office's dates
    assert answer["Location"] == "/masuk/?next=/pesan/PLB/"


def test_an_office_without_online_booking_is_not_offered(browser: Client, office: Office) -> None:
    office.online_booking = False
    office.save()
    assert 'href="/pesan/PLB/"' not in browser.get("/", {"q": "palembang"}).content.decode()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("id", ["Yang dibawa", "Di kantor, langkah demi langkah", "Terlambat atau sakit", "kredit", "365 hari"]),
        ("en", ["What to bring", "At the office, step by step", "Late or ill", "credit", "365 days"]),
    ],
)
def test_the_help_page_in_both_languages_is_linked_from_every_page(
    signed_in: Client, language: str, texts: list[str]
) -> None:
    from loket.web.tests.conftest import in_language

    html = in_language(signed_in, language).get("/bantuan/").content.decode()
    for text in texts:
        assert text in html, text
    for url in PUBLIC + PRIVATE:
        assert 'href="/bantuan/"' in signed_in.get(url).content.decode(), url
