"""No NIK enumeration through household additions and registration faster than the limits."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD, bearer, make_applicant
from loket.accounts.models import User
from loket.api.testing import ApiClient

DEDI_NIK = "3174011203850003"  # other_applicant's NIK: registered on his account
FREE = [  # valid, unregistered NIKs (men born 12 Mar 1985, serials 0101...)
    {"nik": f"31740112038501{n:02d}", "birth_date": "1985-03-12", "sex": "M"} for n in range(1, 9)
]


@pytest.fixture(autouse=True)
def _limits_on(settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True
    settings.LOKET_NIK_PROBE_LIMIT = 5


def add_member(client: Client, headers: dict[str, str], nik: str, birth_date: str = "1985-03-12") -> Any:
    body = {"full_name": "Coba Coba", "nik": nik, "birth_date": birth_date, "sex": "M", "relation": "spouse"}
    return client.post("/api/v1/household", body, content_type="application/json", headers=headers)


def test_household_probes_are_bounded_per_account_whatever_the_nik(applicant: User, other_applicant: User) -> None:
    api = ApiClient()
    headers = bearer(applicant)
    answers = [add_member(api, headers, DEDI_NIK).status_code for _ in range(5)]
    assert answers == [409] * 5
    # The budget is spent: a free NIK now gets the same 429 as a taken one, so no signal.
    assert add_member(api, headers, FREE[0]["nik"]).status_code == 429
    assert add_member(api, headers, DEDI_NIK).status_code == 429


def test_household_probes_from_one_address_over_many_accounts_are_bounded(other_applicant: User) -> None:
    api = Client(REMOTE_ADDR="203.0.113.50")
    statuses = []
    for n in range(7):
        prober = make_applicant(
            email=f"prober{n}@example.id", nik=FREE[n]["nik"], birth_date=dt.date(1985, 3, 12), sex="M"
        )
        statuses.append(add_member(api, bearer(prober), DEDI_NIK).status_code)
    assert statuses == [409] * 5 + [429] * 2


def test_the_answer_does_not_say_whose_nik_it_is(applicant: User, other_applicant: User) -> None:
    answer = add_member(ApiClient(), bearer(applicant), DEDI_NIK)
    assert answer.status_code == 409
    message = answer.json()["message"].lower()
    assert "akun lain" not in message and "terdaftar" not in message


def test_registration_probes_are_bounded_per_address(other_applicant: User) -> None:
    api = Client(REMOTE_ADDR="198.51.100.77")
    statuses = []
    for n in range(7):
        body = {
            "full_name": "Penguji NIK",
            "nik": DEDI_NIK,
            "birth_date": "1985-03-12",
            "sex": "M",
            "phone": "0812 3456 7890",
            "email": f"penguji{n}@example.id",
            "address": "Jl. Coba 1",
            "password": PASSWORD,
        }
        statuses.append(api.post("/api/v1/auth/register", body, content_type="application/json").status_code)
    assert statuses == [409] * 5 + [429] * 2
    # Another address is not affected.
    other = {**body, "nik": FREE[7]["nik"], "email": "jujur@example.id"}
    assert (
        Client(REMOTE_ADDR="198.51.100.78")
        .post("/api/v1/auth/register", other, content_type="application/json")
        .status_code
        == 201
    )
