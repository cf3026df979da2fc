"""Password guessing is slowed per (account, address) and per address; the owner is never locked out."""

from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD, make_applicant
from loket.accounts import lockout
from loket.accounts.lockout import PER_ADDRESS_LIMIT
from loket.accounts.models import User

GUESSER = "203.0.113.7"
OWNER_HOME = "198.51.100.20"
FULL_WIDTH_NIK = "".join(chr(ord(digit) + 0xFEE0) for digit in "1671014508900002")


@pytest.fixture(autouse=True)
def _limits_on(settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True


def login(api: Client, username: str, password: str, ip: str) -> Any:
    return api.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def fail_times(api: Client, username: str, ip: str, times: int) -> None:
    for _ in range(times):
        assert login(api, username, "salah-tebak-123", ip).status_code == 401


def test_five_failures_lock_the_pair_even_for_the_right_password(api: Client, applicant: User, settings: Any) -> None:
    fail_times(api, "ani@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES)
    response = login(api, "ani@example.id", PASSWORD, GUESSER)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) == settings.LOKET_LOGIN_LOCK_SECONDS


def test_four_failures_do_not_lock(api: Client, applicant: User, settings: Any) -> None:
    fail_times(api, "ani@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES - 1)
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 200


def test_the_owner_elsewhere_still_logs_in_while_the_guesser_is_locked(
    api: Client, applicant: User, settings: Any
) -> None:
    fail_times(api, "ani@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES)
    assert login(api, "ani@example.id", PASSWORD, OWNER_HOME).status_code == 200
    assert login(api, "1671014508900002", PASSWORD, OWNER_HOME).status_code == 200
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 429


@pytest.mark.parametrize(
    "spellings",
    [
        ["1671014508900002", "1671 0145 0890 0002", "1671-0145-0890-0002", FULL_WIDTH_NIK, " 1671.0145.0890.0002 "],
        ["ani@example.id", "ANI@example.id", "Ani@Example.Id", "1671014508900002", "1671 0145 0890 0002"],
    ],
)
def test_other_spellings_of_the_same_login_share_one_counter(
    api: Client, applicant: User, settings: Any, spellings: list[str]
) -> None:
    # Otherwise every way of typing the NIK (or the email instead) buys five more guesses.
    assert len(spellings) == settings.LOKET_LOGIN_MAX_FAILURES
    for spelling in spellings:
        fail_times(api, spelling, GUESSER, 1)
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 429
    assert login(api, "1671014508900002", PASSWORD, GUESSER).status_code == 429


def test_success_clears_the_failures_of_the_pair(api: Client, applicant: User, settings: Any) -> None:
    fail_times(api, "ani@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES - 1)
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 200
    fail_times(api, "ani@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES - 1)
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 200


def test_lock_lifts_after_the_lock_time(api: Client, applicant: User, settings: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-03-02 09:00:00+07:00")
    fail_times(api, "ani@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES)
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 429
    time_machine.shift(settings.LOKET_LOGIN_LOCK_SECONDS + 1)
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 200


def test_unknown_logins_are_counted_too(api: Client, db: None, settings: Any) -> None:
    fail_times(api, "ghost@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES)
    assert login(api, "GHOST@example.id", PASSWORD, GUESSER).status_code == 429


def test_one_address_trying_many_accounts_is_stopped(api: Client, db: None, settings: Any) -> None:
    # Credential stuffing: a different login each time, never five on one.
    settings.LOKET_LOGIN_MAX_FAILURES = 100
    make_applicant(email="dedi@example.id", nik="3174011203850003")
    for index in range(PER_ADDRESS_LIMIT):
        assert login(api, f"victim{index}@example.id", "salah-tebak-123", GUESSER).status_code == 401
    assert login(api, "dedi@example.id", PASSWORD, GUESSER).status_code == 429
    # Nobody else is hurt by that address.
    assert login(api, "dedi@example.id", PASSWORD, OWNER_HOME).status_code == 200


def test_nothing_is_locked_when_limits_are_off(api: Client, applicant: User, settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = False
    fail_times(api, "ani@example.id", GUESSER, settings.LOKET_LOGIN_MAX_FAILURES * 3)
    assert login(api, "ani@example.id", PASSWORD, GUESSER).status_code == 200


def test_counter_key_holds_no_personal_data(applicant: User) -> None:
    key = lockout.login_key("1671 0145 0890 0002")
    assert key == lockout.login_key("ANI@example.id")
    assert "1671014508900002" not in key
    assert "ani" not in key
    assert lockout.login_key("ghost@example.id") != key
