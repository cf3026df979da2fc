"""Register → verify → log in → household, through the forms as a browser sends them."""

import re
from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD
from loket.accounts.models import Person, User
from loket.web.tests.conftest import NIK

CHILD_NIK = "1671015003150004"  # a girl born 10 March 2015

REGISTRATION = {
    "full_name": "Ani Lestari",
    "nik": NIK,
    "birth_date": "1990-08-05",
    "sex": "F",
    "phone": "0812 3456 7890",
    "email": "ani@example.id",
    "address": "Jl. Merdeka 1, Palembang",
    "password": PASSWORD,
}


def code_in(mail: Any) -> str:
    match = re.search(r"\b(\d{6})\b", mail.body)
    assert match
    return match.group(1)


def reset_code_in(mail: Any) -> str:
    match = re.search(r"([A-Za-z0-9_-]+\.[A-Za-z0-9-]+)\n", mail.body)
    assert match
    return match.group(1)


def register(browser: Client, captured: Any, **changes: str) -> Any:
    with captured(execute=True):
        return browser.post("/daftar/", {**REGISTRATION, **changes})


def urls_seen(*answers: Any) -> list[str]:
    """Every URL a page sent the browser to or offered it: redirects, links and form actions."""
    seen = []
    for answer in answers:
        seen += [url for url, _status in getattr(answer, "redirect_chain", [])]
        if answer.get("Location"):
            seen.append(answer["Location"])
        seen += re.findall(r'(?:href|action|src)="([^"]*)"', answer.content.decode())
    return seen


def test_register_verify_login_and_add_a_child(
    browser: Client, db: None, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    registered = register(browser, django_capture_on_commit_callbacks)
    assert registered.status_code == 302
    assert registered["Location"] == "/verifikasi/"
    assert len(mailoutbox) == 1
    verify_page = browser.get("/verifikasi/")
    assert 'value="ani@example.id"' in verify_page.content.decode()  # remembered in the session, not the URL

    verified = browser.post("/verifikasi/", {"email": "ani@example.id", "code": code_in(mailoutbox[0])}, follow=True)
    assert verified.redirect_chain[-1][0] == "/masuk/"
    assert "Email terverifikasi" in verified.content.decode()

    by_nik = browser.post("/masuk/", {"login": NIK, "password": PASSWORD}, follow=True)
    assert by_nik.redirect_chain[-1][0] == "/akun/"
    assert "Ani Lestari" in by_nik.content.decode()

    added = browser.post(
        "/akun/keluarga/",
        {"full_name": "Sari Lestari", "nik": CHILD_NIK, "birth_date": "2015-03-10", "sex": "F", "relation": "child"},
        follow=True,
    )
    assert added.redirect_chain[-1][0] == "/akun/keluarga/"
    html = added.content.decode()
    assert "Sari Lestari" in html
    assert CHILD_NIK not in html
    child = Person.objects.get(nik=CHILD_NIK)

    removed = browser.post("/akun/keluarga/hapus/", {"person": child.pk}, follow=True)
    assert "Anggota keluarga dihapus" in removed.content.decode()
    assert not Person.objects.filter(nik=CHILD_NIK).exists()

    for url in urls_seen(registered, verify_page, verified, by_nik, added, removed):
        assert NIK not in url and CHILD_NIK not in url and "ani@example.id" not in url


def test_a_child_born_before_the_holder_is_explained_next_to_the_birth_date(signed_in: Client) -> None:
    answer = signed_in.post(
        "/akun/keluarga/",
        {"full_name": "Sari Lestari", "nik": CHILD_NIK, "birth_date": "1985-03-10", "sex": "F", "relation": "child"},
    )
    assert answer.status_code == 200
    error = re.search(r'<p class="error" id="id_birth_date-error">([^<]+)</p>', answer.content.decode())
    assert error and "Tanggal lahir anak tidak cocok" in error.group(1)
    assert not Person.objects.filter(nik=CHILD_NIK).exists()


def test_a_bad_nik_is_explained_next_to_the_nik_field(
    browser: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    answer = register(browser, django_capture_on_commit_callbacks, nik="1671014508900000")  # serial 0000
    assert answer.status_code == 200
    html = answer.content.decode()
    error = re.search(r'<p class="error" id="id_nik-error">([^<]+)</p>', html)
    assert error and error.group(1).strip()
    assert 'aria-describedby="id_nik-hint id_nik-error"' in html
    assert 'role="alert"' in html
    assert not User.objects.exists()


def test_a_taken_nik_is_explained_next_to_the_nik_field(
    browser: Client, applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    html = register(browser, django_capture_on_commit_callbacks, email="lain@example.id").content.decode()
    assert re.search(r'id="id_nik-error">NIK ini tidak dapat dipakai di sini', html)


def test_a_bad_phone_is_explained_next_to_the_phone_field(
    browser: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    html = register(browser, django_capture_on_commit_callbacks, phone="12345").content.decode()
    assert re.search(r'id="id_phone-error">Nomor HP Indonesia tidak valid', html)


def test_a_wrong_code_is_explained_next_to_the_code_field(
    browser: Client, db: None, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    register(browser, django_capture_on_commit_callbacks)
    wrong = "000000" if code_in(mailoutbox[0]) != "000000" else "111111"
    html = browser.post("/verifikasi/", {"email": "ani@example.id", "code": wrong}).content.decode()
    assert re.search(r'id="id_code-error">Kode verifikasi salah', html)


def test_an_unverified_account_cannot_log_in(
    browser: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    register(browser, django_capture_on_commit_callbacks)
    fresh = Client()
    answer = fresh.post("/masuk/", {"login": NIK, "password": PASSWORD}, follow=True)
    assert answer.redirect_chain[-1][0] == "/verifikasi/"
    html = answer.content.decode()
    assert "Verifikasi email Anda terlebih dahulu" in html
    assert 'value="ani@example.id"' in html  # the code form is ready for the account's email
    assert fresh.get("/akun/").status_code == 302


def test_a_wrong_password_on_an_unverified_account_says_nothing_more(
    browser: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    register(browser, django_capture_on_commit_callbacks)
    fresh = Client()
    html = fresh.post("/masuk/", {"login": NIK, "password": "salah-sekali"}).content.decode()
    assert "Email/NIK atau kata sandi salah" in html
    assert "ani@example.id" not in html


def test_a_new_code_waits_for_the_cooldown(
    browser: Client, db: None, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    register(browser, django_capture_on_commit_callbacks)
    answer = browser.post("/verifikasi/kirim-ulang/", {"email": "ani@example.id"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/verifikasi/"
    assert "Tunggu" in answer.content.decode()
    assert len(mailoutbox) == 1


def test_the_login_form_locks_a_guesser_out(browser: Client, applicant: User, settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True
    settings.LOKET_LOGIN_MAX_FAILURES = 3
    for _attempt in range(3):
        html = browser.post("/masuk/", {"login": NIK, "password": "salah-sekali"}).content.decode()
        assert "Email/NIK atau kata sandi salah" in html
    locked = browser.post("/masuk/", {"login": "ANI@example.id", "password": PASSWORD}).content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal" in locked
    assert browser.get("/akun/").status_code == 302


def test_password_reset_with_the_mailed_code(
    browser: Client, applicant: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        asked = browser.post("/lupa-sandi/", {"email": "ani@example.id"})
    assert asked["Location"] == "/lupa-sandi/kode/"
    code = reset_code_in(mailoutbox[-1])
    bad = browser.post("/lupa-sandi/kode/", {"reset_code": "x.y", "password": "Baru-Sekali-2027"}).content.decode()
    assert re.search(r'id="id_reset_code-error">Kode pengaturan ulang salah', bad)
    done = browser.post("/lupa-sandi/kode/", {"reset_code": code, "password": "Baru-Sekali-2027"})
    assert done["Location"] == "/masuk/"
    logged_in = browser.post("/masuk/", {"login": "ani@example.id", "password": "Baru-Sekali-2027"})
    assert logged_in["Location"] == "/akun/"


def test_household_errors_show_next_to_their_field(browser: Client, applicant: User) -> None:
    browser.force_login(applicant)
    html = browser.post(
        "/akun/keluarga/",
        {"full_name": "Sari", "nik": "123", "birth_date": "2015-03-10", "sex": "F", "relation": "child"},
    ).content.decode()
    assert re.search(r'id="id_nik-error">[^<]+', html)
    taken = browser.post(
        "/akun/keluarga/",
        {"full_name": "Ani", "nik": NIK, "birth_date": "1990-08-05", "sex": "F", "relation": "spouse"},
    ).content.decode()
    assert re.search(r'id="id_nik-error">NIK ini tidak dapat dipakai di sini', taken)


def test_nobody_removes_a_stranger_from_a_household(browser: Client, applicant: User, other_applicant: User) -> None:
    stranger = other_applicant.people.get()
    browser.force_login(applicant)
    answer = browser.post("/akun/keluarga/hapus/", {"person": stranger.pk}, follow=True)
    assert "Anggota keluarga tidak ditemukan" in answer.content.decode()
    assert Person.objects.filter(pk=stranger.pk).exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_login_does_not_redirect_off_site(browser: Client, applicant: User, target: str) -> None:
    answer = browser.post("/masuk/", {"login": applicant.email, "password": PASSWORD, "next": target})
    assert answer["Location"] == "/akun/"


def test_the_profile_page_chooses_the_channels(signed_in_channels: Client, applicant: User) -> None:
    from loket.notify.selectors import preference_for

    page = signed_in_channels.get("/akun/").content.decode()
    assert 'name="channels" value="email"' in page and "checked" in page
    answer = signed_in_channels.post("/akun/", {"channels": ["email", "whatsapp"]})
    assert answer.status_code == 302
    saved = preference_for(applicant)
    assert (saved.email, saved.sms, saved.whatsapp) == (True, False, True)


@pytest.mark.parametrize(
    ("language", "text"),
    [("id", "Pilih setidaknya satu saluran"), ("en", "Choose at least one")],
)
def test_the_profile_page_refuses_no_channel_and_says_what_to_do(
    signed_in_channels: Client, applicant: User, language: str, text: str
) -> None:
    from loket.web.tests.conftest import in_language

    answer = in_language(signed_in_channels, language).post("/akun/", {})
    assert answer.status_code == 200
    assert text in answer.content.decode()


def test_sms_without_a_phone_number_is_refused_on_the_field(signed_in_channels: Client, applicant: User) -> None:
    User.objects.filter(pk=applicant.pk).update(phone="")
    answer = signed_in_channels.post("/akun/", {"channels": ["sms"]})
    assert "Tambahkan nomor HP" in answer.content.decode()


@pytest.fixture
def signed_in_channels(applicant: User) -> Client:
    browser = Client()
    browser.force_login(applicant)
    return browser
