"""Staff sign in with a password and then a TOTP code; the first login sets up the authenticator."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.accounts.models import User
from loket.accounts.staff_auth import staff_enrolment_open
from loket.accounts.testing import second_factor_client, staff_device
from loket.audit.models import AuditEntry
from loket.onsite.tests.conftest import STAFF_PASSWORD

START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def password_step(client: Client, user: User, password: str = STAFF_PASSWORD) -> Any:
    return client.post("/petugas/masuk/", {"email": user.email, "password": password})


def open_enrolment(user: User) -> TOTPDevice:
    """What an administrator does for a new officer (admin action on the account)."""
    boss = User.objects.filter(email="kepala@imigrasi.go.id").first() or User.objects.create_superuser(
        "kepala@imigrasi.go.id", STAFF_PASSWORD, full_name="Kepala"
    )
    return staff_enrolment_open(user=user, by=boss)


def test_first_login_enrols_an_authenticator_then_lets_in(clock: Any, counter_officer_a: User) -> None:
    open_enrolment(counter_officer_a)
    client = Client()
    assert password_step(client, counter_officer_a)["Location"] == "/petugas/masuk/pasang-autentikator/"
    page = client.get("/petugas/masuk/pasang-autentikator/")
    device = TOTPDevice.objects.get(user=counter_officer_a, confirmed=False)
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the QR is drawn here; the URL itself is not printed
    secret = page.context["secret"]
    assert secret.replace(" ", "") and secret.replace(" ", "") in html.replace(" ", "")
    # Until a code is confirmed the staff pages stay shut.
    assert client.get("/petugas/")["Location"] == "/petugas/masuk/"

    done = client.post("/petugas/masuk/pasang-autentikator/", {"code": code_of(device)})
    assert done["Location"] == "/petugas/"
    assert client.get("/petugas/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    actions = list(AuditEntry.objects.filter(actor=counter_officer_a).values_list("action", "allowed"))
    assert ("staff.totp.enrolled", True) in actions and ("staff.login", True) in actions


def test_without_an_opened_enrolment_a_right_password_opens_nothing(clock: Any, counter_officer_a: User) -> None:
    # Whoever learns a new officer's password first must not bind his own phone to the account.
    answer = password_step(Client(), counter_officer_a)
    assert answer.status_code == 403 and "Minta administrator" in answer.content.decode()
    assert not TOTPDevice.objects.filter(user=counter_officer_a).exists()
    entry = AuditEntry.objects.get(action="staff.totp.not_open")
    assert (entry.actor, entry.allowed) == (counter_officer_a, False)


def test_an_opened_enrolment_closes_after_its_hours(clock: Any, counter_officer_a: User, settings: Any) -> None:
    open_enrolment(counter_officer_a)
    clock.shift(dt.timedelta(hours=settings.LOKET_STAFF_ENROL_HOURS, minutes=1))
    assert password_step(Client(), counter_officer_a).status_code == 403


def test_enrolment_shows_the_same_secret_until_confirmed(counter_officer_a: User) -> None:
    open_enrolment(counter_officer_a)
    client = Client()
    password_step(client, counter_officer_a)
    first = client.get("/petugas/masuk/pasang-autentikator/").context["secret"]
    assert client.get("/petugas/masuk/pasang-autentikator/").context["secret"] == first
    assert TOTPDevice.objects.filter(user=counter_officer_a).count() == 1


def test_login_with_a_confirmed_device_asks_for_the_code(clock: Any, counter_officer_a: User) -> None:
    device = staff_device(counter_officer_a)
    client = Client()
    assert password_step(client, counter_officer_a)["Location"] == "/petugas/masuk/kode/"
    answer = client.post("/petugas/masuk/kode/", {"code": code_of(device)})
    assert answer["Location"] == "/petugas/"
    assert client.get("/petugas/").status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field_and_logged(clock: Any, counter_officer_a: User) -> None:
    staff_device(counter_officer_a)
    client = Client()
    password_step(client, counter_officer_a)
    page = client.post("/petugas/masuk/kode/", {"code": "000000"})
    assert page.status_code == 200
    assert page.context["form"].errors["code"] == ["Kode salah atau sudah kedaluwarsa."]
    assert 'id="id_code-error"' in page.content.decode()
    assert client.get("/petugas/")["Location"] == "/petugas/masuk/"
    refused = AuditEntry.objects.get(action="staff.login.code")
    assert (refused.actor, refused.allowed, refused.ip) == (counter_officer_a, False, "127.0.0.1")


def test_a_code_that_is_not_six_digits_is_answered_next_to_the_field(counter_officer_a: User) -> None:
    staff_device(counter_officer_a)
    client = Client()
    password_step(client, counter_officer_a)
    for bad in ("12ab56", "", "1234567890"):
        page = client.post("/petugas/masuk/kode/", {"code": bad})
        assert page.status_code == 200 and "code" in page.context["form"].errors


def test_a_code_cannot_be_used_twice(clock: Any, counter_officer_a: User, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = staff_device(counter_officer_a)
    code = code_of(device)
    first = Client()
    password_step(first, counter_officer_a)
    assert first.post("/petugas/masuk/kode/", {"code": code})["Location"] == "/petugas/"
    second = Client()
    password_step(second, counter_officer_a)
    assert second.post("/petugas/masuk/kode/", {"code": code}).status_code == 200  # refused, form shown again


def test_wrong_codes_lock_the_code_step(clock: Any, counter_officer_a: User, settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the lock-out under test is Loket's, not django-otp's back-off
    device = staff_device(counter_officer_a)
    client = Client()
    password_step(client, counter_officer_a)
    for _ in range(settings.LOKET_LOGIN_MAX_FAILURES):
        client.post("/petugas/masuk/kode/", {"code": "000000"})
    page = client.post("/petugas/masuk/kode/", {"code": code_of(device)})
    assert "Terlalu banyak percobaan" in page.context["form"].errors["code"][0]
    assert AuditEntry.objects.filter(action="staff.login", allowed=True).count() == 0


def test_device_backs_off_after_a_wrong_code(clock: Any, counter_officer_a: User) -> None:
    device = staff_device(counter_officer_a)
    client = Client()
    password_step(client, counter_officer_a)
    client.post("/petugas/masuk/kode/", {"code": "000000"})
    page = client.post("/petugas/masuk/kode/", {"code": code_of(device)})
    assert "Tunggu sebentar" in page.context["form"].errors["code"][0]
    clock.shift(2)
    assert client.post("/petugas/masuk/kode/", {"code": code_of(device)})["Location"] == "/petugas/"


def test_the_code_step_expires(clock: Any, counter_officer_a: User, settings: Any) -> None:
    device = staff_device(counter_officer_a)
    client = Client()
    password_step(client, counter_officer_a)
    clock.shift(settings.LOKET_STAFF_CODE_STEP_SECONDS + 1)
    answer = client.post("/petugas/masuk/kode/", {"code": code_of(device)})
    assert answer["Location"] == "/petugas/masuk/"


def test_wrong_password_is_refused_and_logged(counter_officer_a: User) -> None:
    page = password_step(Client(), counter_officer_a, password="salah-sekali")
    assert page.status_code == 200 and page.context["form"].errors["password"]
    refused = AuditEntry.objects.get()
    assert (refused.actor, refused.action, refused.allowed) == (counter_officer_a, "staff.login.password", False)


def test_wrong_passwords_lock_the_password_step(counter_officer_a: User, settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True
    client = Client()
    for _ in range(settings.LOKET_LOGIN_MAX_FAILURES):
        password_step(client, counter_officer_a, password="salah-sekali")
    page = password_step(client, counter_officer_a)
    assert "Terlalu banyak percobaan" in page.content.decode()


def test_an_applicant_cannot_sign_in_as_staff(applicant: User) -> None:
    from conftest import PASSWORD

    client = Client()
    page = client.post("/petugas/masuk/", {"email": applicant.email, "password": PASSWORD})
    assert page.status_code == 200 and page.context["form"].errors
    assert client.get("/petugas/masuk/kode/")["Location"] == "/petugas/masuk/"
    assert not AuditEntry.objects.exists()


def test_a_password_only_session_opens_no_staff_page(counter_officer_a: User, office_a: Any) -> None:
    client = Client()
    client.force_login(counter_officer_a)  # e.g. through the applicant login, which asks no code
    assert client.get("/petugas/")["Location"] == "/petugas/masuk/"
    assert client.get("/petugas/OFA/audit/")["Location"].startswith("/petugas/masuk/")


def test_logout_ends_the_staff_session(counter_officer_a: User) -> None:
    client = second_factor_client(counter_officer_a)
    assert client.post("/petugas/keluar/")["Location"] == "/petugas/masuk/"
    assert client.get("/petugas/")["Location"] == "/petugas/masuk/"


def test_admin_asks_for_the_second_factor(db: None) -> None:
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", STAFF_PASSWORD, full_name="Kepala")
    password_only = Client()
    password_only.force_login(boss)
    answer = password_only.get("/admin/", follow=True)
    assert answer.redirect_chain[-1][0].startswith("/petugas/masuk/?next=/admin/")
    assert second_factor_client(boss).get("/admin/").status_code == 200


def test_admin_without_office_role_signs_in_through_the_staff_login_into_the_admin(clock: Any, db: None) -> None:
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", STAFF_PASSWORD, full_name="Kepala")
    device = staff_device(boss)
    client = Client()
    client.post("/petugas/masuk/?next=/admin/", {"email": boss.email, "password": STAFF_PASSWORD, "next": "/admin/"})
    assert client.post("/petugas/masuk/kode/", {"code": code_of(device)})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_reopens_enrolment_for_a_lost_phone_and_the_old_authenticator_stops_working(
    clock: Any, counter_officer_a: User
) -> None:
    device = staff_device(counter_officer_a)
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", STAFF_PASSWORD, full_name="Kepala")
    admin = second_factor_client(boss)
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 200
    answer = admin.post(
        "/admin/accounts/user/", {"action": "open_authenticator_enrolment", "_selected_action": [counter_officer_a.pk]}
    )
    assert answer.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEntry.objects.filter(action="staff.totp.opened", actor=boss).count() == 1
    assert password_step(Client(), counter_officer_a)["Location"] == "/petugas/masuk/pasang-autentikator/"
