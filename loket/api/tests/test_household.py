"""The household API: up to five people an applicant books for, each with their own NIK."""

from typing import Any

import pytest
from django.test import Client

from conftest import bearer
from loket.accounts.models import Person, User

SARI = {
    "full_name": "Sari Lestari",
    "nik": "1671015203150001",  # a girl born 12 Mar 2015 (12 + 40 = 52)
    "birth_date": "2015-03-12",
    "sex": "F",
    "relation": "child",
}
OTHERS = [
    {"nik": "1671010101100003", "birth_date": "2010-01-01", "sex": "M"},
    {"nik": "1671014107120004", "birth_date": "2012-07-01", "sex": "F"},
    {"nik": "1671011111880005", "birth_date": "1988-11-11", "sex": "M", "relation": "spouse"},
    {"nik": "1671016204600006", "birth_date": "1960-04-22", "sex": "F", "relation": "parent"},
    {"nik": "1671012306180007", "birth_date": "2018-06-23", "sex": "M"},
]


def add(api: Client, headers: dict[str, str], **changes: Any) -> Any:
    return api.post("/api/v1/household", {**SARI, **changes}, content_type="application/json", headers=headers)


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["field"] == field


def test_add_list_and_remove_a_member(api: Client, auth_headers: dict[str, str]) -> None:
    added = add(api, auth_headers)
    assert added.status_code == 201
    member = added.json()
    assert member | {"id": 0} == {
        "id": 0,
        "full_name": "Sari Lestari",
        "nik": "1671015203150001",
        "birth_date": "2015-03-12",
        "sex": "F",
        "relation": "child",
        "nik_flags": [],
    }
    assert api.get("/api/v1/household", headers=auth_headers).json() == [member]
    assert api.delete(f"/api/v1/household/{member['id']}", headers=auth_headers).status_code == 204
    assert api.get("/api/v1/household", headers=auth_headers).json() == []


def test_holder_is_not_listed_as_a_member(api: Client, auth_headers: dict[str, str]) -> None:
    assert api.get("/api/v1/household", headers=auth_headers).json() == []


def test_five_members_and_a_sixth_is_409(api: Client, auth_headers: dict[str, str]) -> None:
    for index, other in enumerate(OTHERS):
        assert add(api, auth_headers, full_name=f"Anggota {index}", **other).status_code == 201
    assert_error(add(api, auth_headers), 409, "household_full")
    listed = api.get("/api/v1/household", headers=auth_headers).json()
    assert [m["nik"] for m in listed] == [o["nik"] for o in OTHERS]  # in the order they were added


def test_a_parent_born_after_the_holder_is_refused_naming_the_birth_date(
    api: Client, auth_headers: dict[str, str]
) -> None:
    answer = add(api, auth_headers, relation="parent")  # born 2015, Ani 1990
    assert_error(answer, 422, "relation_birth_date", "birth_date")
    assert "1990" in answer.json()["message"]
    assert api.get("/api/v1/household", headers=auth_headers).json() == []


def test_removing_one_makes_room_again(api: Client, auth_headers: dict[str, str]) -> None:
    ids = [add(api, auth_headers, full_name="Anggota", **other).json()["id"] for other in OTHERS]
    api.delete(f"/api/v1/household/{ids[0]}", headers=auth_headers)
    assert add(api, auth_headers).status_code == 201


@pytest.mark.parametrize(
    ("nik", "code"),
    [("123", "nik_length"), ("abcdabcdabcdabcd", "nik_format"), ("1671015203150000", "nik_serial")],
)
def test_invalid_nik_is_422(api: Client, auth_headers: dict[str, str], nik: str, code: str) -> None:
    assert_error(add(api, auth_headers, nik=nik), 422, code, "nik")
    assert Person.objects.count() == 1


def test_mismatching_nik_is_accepted_with_flags(api: Client, auth_headers: dict[str, str]) -> None:
    response = add(api, auth_headers, birth_date="2016-03-12", sex="M")
    assert response.status_code == 201
    assert response.json()["nik_flags"] == ["birth_date_mismatch", "sex_mismatch"]


def test_full_width_and_spaced_nik_is_normalised(api: Client, auth_headers: dict[str, str]) -> None:
    full_width = "\u3000".join("".join(chr(ord(d) + 0xFEE0) for d in part) for part in ("1671", "0152", "0315", "0001"))
    response = add(api, auth_headers, nik=full_width)
    assert response.status_code == 201
    assert response.json()["nik"] == "1671015203150001"


@pytest.mark.parametrize(
    "nik",
    [
        "1671014508900002",  # Ani herself
        "3174011203850003",  # Dedi, holder of another account
        "1671010101100003",  # a member of Dedi's household
    ],
)
def test_nik_used_anywhere_is_409(api: Client, auth_headers: dict[str, str], other_applicant: User, nik: str) -> None:
    assert add(api, bearer(other_applicant), **OTHERS[0], full_name="Anak Dedi").status_code == 201
    assert_error(add(api, auth_headers, nik=nik), 409, "nik_registered", "nik")


def test_same_member_twice_is_409(api: Client, auth_headers: dict[str, str]) -> None:
    assert add(api, auth_headers).status_code == 201
    assert_error(add(api, auth_headers), 409, "nik_registered")


def test_strangers_member_is_404_and_survives(api: Client, auth_headers: dict[str, str], other_applicant: User) -> None:
    theirs = add(api, bearer(other_applicant), **OTHERS[0], full_name="Anak Dedi").json()
    assert_error(api.delete(f"/api/v1/household/{theirs['id']}", headers=auth_headers), 404, "not_found")
    assert Person.objects.filter(pk=theirs["id"]).exists()


def test_holder_cannot_be_removed_here(api: Client, applicant: User, auth_headers: dict[str, str]) -> None:
    holder = applicant.people.get()
    assert_error(api.delete(f"/api/v1/household/{holder.pk}", headers=auth_headers), 404, "not_found")
    assert Person.objects.filter(pk=holder.pk).exists()


@pytest.mark.parametrize("member_id", ["999999", "-1", "0", "99999999999999999999999"])
def test_unknown_member_is_404(api: Client, auth_headers: dict[str, str], member_id: str) -> None:
    assert_error(api.delete(f"/api/v1/household/{member_id}", headers=auth_headers), 404, "not_found")


def test_members_nik_is_visible_to_the_owner_only(
    api: Client, auth_headers: dict[str, str], other_applicant: User
) -> None:
    add(api, auth_headers)
    assert "1671015203150001" in api.get("/api/v1/household", headers=auth_headers).content.decode()
    theirs = api.get("/api/v1/household", headers=bearer(other_applicant))
    assert theirs.json() == []
    assert "1671015203150001" not in theirs.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/household"), ("post", "/api/v1/household"), ("delete", "/api/v1/household/1")],
)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic YTpi"}])
def test_household_needs_a_token(api: Client, applicant: User, method: str, path: str, headers: dict[str, str]) -> None:
    if method == "post":
        response = api.post(path, SARI, content_type="application/json", headers=headers)
    else:
        response = getattr(api, method)(path, headers=headers)
    assert_error(response, 401, "unauthenticated")
    assert Person.objects.count() == 1


def test_logged_out_token_cannot_add(api: Client, auth_headers: dict[str, str]) -> None:
    api.post("/api/v1/auth/logout", headers=auth_headers)
    assert_error(add(api, auth_headers), 401, "unauthenticated")


@pytest.mark.parametrize("relation", ["self", "cousin", "", None, 1])
def test_invalid_relation_is_422(api: Client, auth_headers: dict[str, str], relation: object) -> None:
    assert_error(add(api, auth_headers, relation=relation), 422, "invalid", "relation")
