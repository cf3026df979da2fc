"""The auth API: register, verify, token, me, logout, password reset."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, bearer
from loket.accounts.models import ApiToken, User
from loket.api.main import api as ninja_api

BUDI = {
    "full_name": "Budi Santoso",
    "nik": "1671011508900001",
    "birth_date": "1990-08-15",
    "sex": "M",
    "phone": "0812-3456-7890",
    "email": "budi@example.id",
    "address": "Jl. Merdeka 1, Palembang",
    "password": PASSWORD,
}


def post(api: Client, path: str, body: Any, **extra: Any) -> Any:
    return api.post(f"/api/v1/auth/{path}", body, content_type="application/json", **extra)


def code_in(message: Any) -> str:
    match = re.search(r"\b(\d{6})\b", message.subject)
    assert match
    assert match.group(1) in message.body
    return match.group(1)


@pytest.fixture
def register(api: Client, db: None, django_capture_on_commit_callbacks: Any) -> Any:
    def register(**changes: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return post(api, "register", {**BUDI, **changes})

    return register


@pytest.fixture
def budi_code(register: Any) -> str:
    """Budi registered; the code from his mail."""
    assert register().status_code == 201
    return code_in(mail.outbox[0])


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["field"] == field
    return body


# --- register --------------------------------------------------------------------------


def test_register_answers_201_with_the_account(register: Any) -> None:
    response = register()
    assert response.status_code == 201
    body = response.json()
    assert body["phone"] == "+6281234567890"
    assert body["verified"] is False
    assert (body["nik"], body["birth_date"], body["sex"], body["nik_flags"]) == (
        "1671011508900001",
        "1990-08-15",
        "M",
        [],
    )
    assert "password" not in body
    assert User.objects.get().password.startswith("argon2")


def test_register_mails_exactly_one_code_to_that_address(register: Any) -> None:
    register(email="  Budi@Example.ID ")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@example.id"]
    code_in(mail.outbox[0])


@pytest.mark.parametrize(
    "password",
    ["password", "qwertyuiop", "12345678", "8301947265", "Ab1!", "budi@example.id"],
)
def test_weak_passwords_are_refused(register: Any, password: str) -> None:
    assert_error(register(password=password), 422, "weak_password", "password")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("123", "nik_length"),
        ("16710115089000011", "nik_length"),
        ("1671O11508900001", "nik_format"),
        ("9971011508900001", "nik_region"),
        ("1600011508900001", "nik_region"),
        ("1671019908900001", "nik_birth_digits"),
        ("1671011508900000", "nik_serial"),
        ("", "nik_required"),
    ],
)
def test_invalid_nik_gets_422_with_a_reason(register: Any, nik: str, code: str) -> None:
    assert_error(register(nik=nik), 422, code, "nik")
    assert mail.outbox == []


def test_nik_disagreeing_with_entered_data_is_accepted_with_flags(register: Any, api: Client) -> None:
    response = register(email="budi2@example.id", nik="1671014508900002", birth_date="1991-01-01", sex="M")
    assert response.status_code == 201
    assert response.json()["nik_flags"] == ["birth_date_mismatch", "sex_mismatch"]
    assert post(api, "verify", {"email": "budi2@example.id", "code": code_in(mail.outbox[0])}).status_code == 200
    token = post(api, "token", {"username": "budi2@example.id", "password": PASSWORD}).json()["token"]
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["nik_flags"] == ["birth_date_mismatch", "sex_mismatch"]


def test_duplicate_nik_is_409(register: Any, applicant: User) -> None:
    assert_error(register(nik="1671 0145 0890 0002"), 409, "nik_registered", "nik")


def test_nik_of_someone_elses_household_member_is_409(
    register: Any, api: Client, applicant: User, auth_headers: dict[str, str]
) -> None:
    member = {"full_name": "Budi Santoso", "nik": BUDI["nik"], "birth_date": "1990-08-15", "sex": "M"}
    added = api.post(
        "/api/v1/household", {**member, "relation": "sibling"}, content_type="application/json", headers=auth_headers
    )
    assert added.status_code == 201
    assert_error(register(), 409, "nik_registered", "nik")


@pytest.mark.parametrize("email", ["ani@example.id", "ANI@EXAMPLE.ID", "Ani@Example.id"])
def test_duplicate_email_in_any_case_is_409(register: Any, applicant: User, email: str) -> None:
    assert_error(register(email=email), 409, "email_registered", "email")


# --- verify ----------------------------------------------------------------------------------


def test_mailed_code_verifies(api: Client, budi_code: str) -> None:
    response = post(api, "verify", {"email": "budi@example.id", "code": budi_code})
    assert response.status_code == 200
    assert response.json()["verified"] is True
    assert User.objects.get().has_verified_email


def test_wrong_code_is_422_and_counted_until_even_the_right_code_is_refused(
    api: Client, budi_code: str, settings: Any
) -> None:
    wrong = f"{(int(budi_code) + 1) % 1_000_000:06d}"
    for _ in range(settings.LOKET_VERIFY_MAX_ATTEMPTS):
        assert_error(post(api, "verify", {"email": "budi@example.id", "code": wrong}), 422, "invalid_code", "code")
    assert_error(post(api, "verify", {"email": "budi@example.id", "code": budi_code}), 429, "too_many_attempts")
    assert not User.objects.get().has_verified_email


def test_expired_code_is_refused(api: Client, budi_code: str, time_machine: Any) -> None:
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=16))
    assert_error(post(api, "verify", {"email": "budi@example.id", "code": budi_code}), 422, "invalid_code")
    assert not User.objects.get().has_verified_email


def test_resend_in_cooldown_is_429_with_retry_after(api: Client, budi_code: str) -> None:
    response = post(api, "verify/resend", {"email": "budi@example.id"})
    assert_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert len(mail.outbox) == 1


def test_after_cooldown_a_new_code_works_and_the_old_one_not(
    api: Client, budi_code: str, time_machine: Any, django_capture_on_commit_callbacks: Any
) -> None:
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert post(api, "verify/resend", {"email": "budi@example.id"}).status_code == 202
    new_code = code_in(mail.outbox[1])
    if new_code != budi_code:
        assert_error(post(api, "verify", {"email": "budi@example.id", "code": budi_code}), 422, "invalid_code")
    assert post(api, "verify", {"email": "budi@example.id", "code": new_code}).status_code == 200


def test_resend_for_unknown_email_looks_the_same(api: Client, db: None) -> None:
    response = post(api, "verify/resend", {"email": "nobody@example.id"})
    assert response.status_code == 202
    assert mail.outbox == []


def test_verify_never_shows_a_verified_account(api: Client, applicant: User) -> None:
    body = assert_error(post(api, "verify", {"email": "ani@example.id", "code": "000000"}), 422, "invalid_code")
    assert "1671014508900002" not in str(body)


# --- token, me, logout -------------------------------------------------------------------------


def test_unverified_account_gets_401_unverified(api: Client, budi_code: str) -> None:
    assert_error(post(api, "token", {"username": "budi@example.id", "password": PASSWORD}), 401, "unverified")
    assert not ApiToken.objects.exists()


def test_unverified_accounts_token_does_not_open_the_household(api: Client, budi_code: str) -> None:
    verified = User.objects.get()
    verified.email_verified_at = timezone.now()
    verified.save()
    headers = bearer(verified)
    User.objects.filter(pk=verified.pk).update(email_verified_at=None)
    assert_error(api.get("/api/v1/household", headers=headers), 401, "unverified")


@pytest.mark.parametrize(
    "username",
    ["ani@example.id", " ANI@example.id ", "1671014508900002", "1671 0145 0890 0002", "1671-0145-0890-0002"],
)
def test_login_with_email_or_nik(api: Client, applicant: User, username: str) -> None:
    response = post(api, "token", {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 40
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "ani@example.id"
    assert me.json()["nik"] == "1671014508900002"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("ani@example.id", "Salah-Sekali-2026"),
        ("ani@example.id", PASSWORD.lower()),
        ("nobody@example.id", PASSWORD),
        ("3174011203850099", PASSWORD),
        ("not a login", PASSWORD),
    ],
)
def test_bad_credentials_are_401(api: Client, applicant: User, username: str, password: str) -> None:
    assert_error(post(api, "token", {"username": username, "password": password}), 401, "invalid_credentials")


def test_me_needs_a_valid_bearer_token(api: Client, applicant: User) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Token x"}, {"Authorization": "Bearer"}):
        assert_error(api.get("/api/v1/auth/me", headers=headers), 401, "unauthenticated")


def test_logout_revokes_only_that_token(api: Client, applicant: User) -> None:
    first, second = bearer(applicant), bearer(applicant)
    assert api.post("/api/v1/auth/logout", headers=first).status_code == 204
    assert_error(api.get("/api/v1/auth/me", headers=first), 401, "unauthenticated")
    assert api.get("/api/v1/auth/me", headers=second).status_code == 200


def test_me_shows_the_owner_only_their_own_account(
    api: Client, applicant: User, other_applicant: User, auth_headers: dict[str, str]
) -> None:
    body = api.get("/api/v1/auth/me", headers=auth_headers).json()
    assert body["email"] == "ani@example.id"
    assert "3174011203850003" not in str(body)


# --- password reset ---------------------------------------------------------------------------------


def reset_code_in(message: Any) -> str:
    match = re.search(r"([A-Za-z0-9_-]+\.[A-Za-z0-9-]+)\n", message.body)
    assert match
    return match.group(1)


@pytest.fixture
def reset_code(api: Client, applicant: User, django_capture_on_commit_callbacks: Any) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, "password-reset", {"email": "ani@example.id"})
    assert response.status_code == 202
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]
    return reset_code_in(mail.outbox[0])


def test_reset_answers_the_same_for_unknown_email_and_mails_nothing(
    api: Client, applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        unknown = post(api, "password-reset", {"email": "nobody@example.id"})
        known = post(api, "password-reset", {"email": "ani@example.id"})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert [m.to for m in mail.outbox] == [["ani@example.id"]]


def test_reset_confirm_sets_the_password_and_revokes_tokens(
    api: Client, applicant: User, auth_headers: dict[str, str], reset_code: str
) -> None:
    response = post(api, "password-reset/confirm", {"reset_code": reset_code, "password": "Baru-Lebih-Kuat-77"})
    assert response.status_code == 200
    assert_error(api.get("/api/v1/auth/me", headers=auth_headers), 401, "unauthenticated")
    assert_error(post(api, "token", {"username": "ani@example.id", "password": PASSWORD}), 401, "invalid_credentials")
    assert post(api, "token", {"username": "ani@example.id", "password": "Baru-Lebih-Kuat-77"}).status_code == 200


def test_reset_code_works_once(api: Client, reset_code: str) -> None:
    assert (
        post(api, "password-reset/confirm", {"reset_code": reset_code, "password": "Baru-Lebih-Kuat-77"}).status_code
        == 200
    )
    again = post(api, "password-reset/confirm", {"reset_code": reset_code, "password": "Lagi-Lain-Kuat-88"})
    assert_error(again, 422, "invalid_reset_code", "reset_code")


@pytest.mark.parametrize("code", ["garbage", "MQ.1-abc", "x.y.z", "."])
def test_bad_reset_code_is_422(api: Client, applicant: User, code: str) -> None:
    response = post(api, "password-reset/confirm", {"reset_code": code, "password": "Baru-Lebih-Kuat-77"})
    assert_error(response, 422, "invalid_reset_code", "reset_code")


def test_weak_password_on_reset_is_422(api: Client, reset_code: str) -> None:
    response = post(api, "password-reset/confirm", {"reset_code": reset_code, "password": "password"})
    assert_error(response, 422, "weak_password", "password")
    # The code stays good for a second, better try.
    assert (
        post(api, "password-reset/confirm", {"reset_code": reset_code, "password": "Baru-Lebih-Kuat-77"}).status_code
        == 200
    )


# --- personal data ---------------------------------------------------------------------------------


def test_no_route_takes_a_nik_in_the_url() -> None:
    paths = [str(pattern.pattern) for pattern in ninja_api.urls[0]]
    assert paths
    assert not [path for path in paths if "nik" in path.lower()]


def test_register_rate_limit_counts_per_address(register: Any, settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True
    for index in range(20):
        assert register(email=f"x{index}@example.id", nik="123").status_code == 422
    response = register(email="late@example.id")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
