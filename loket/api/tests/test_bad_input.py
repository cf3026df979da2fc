"""Bad input gets a clear 4xx in JSON ({"code", "message", "field"}), never a 500.

Runs on SQLite and PostgreSQL; on PostgreSQL a NUL byte or an over-long value that reaches
the database is a crash, so this is where such leaks show.
"""

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from loket.accounts.models import Person, User

REGISTER = {
    "full_name": "Budi Santoso",
    "nik": "1671011508900001",
    "birth_date": "1990-08-15",
    "sex": "M",
    "phone": "0812-3456-7890",
    "email": "budi@example.id",
    "address": "Jl. Merdeka 1, Palembang",
    "password": PASSWORD,
}
MEMBER = {
    "full_name": "Sari Lestari",
    "nik": "1671015203150001",
    "birth_date": "2015-03-12",
    "sex": "F",
    "relation": "child",
}
# name: (path, a body that is accepted, the status it gets, needs a token)
ENDPOINTS: dict[str, tuple[str, dict[str, str], int, bool]] = {
    "register": ("/api/v1/auth/register", REGISTER, 201, False),
    "verify": ("/api/v1/auth/verify", {"email": "ani@example.id", "code": "123456"}, 422, False),
    "resend": ("/api/v1/auth/verify/resend", {"email": "ani@example.id"}, 202, False),
    "token": ("/api/v1/auth/token", {"username": "ani@example.id", "password": PASSWORD}, 200, False),
    "reset": ("/api/v1/auth/password-reset", {"email": "ani@example.id"}, 202, False),
    "reset_confirm": (
        "/api/v1/auth/password-reset/confirm",
        {"reset_code": "MQ.abc-def", "password": "Baru-Lebih-Kuat-77"},
        422,
        False,
    ),
    "household": ("/api/v1/household", MEMBER, 201, True),
}
FIELDS = [(name, field) for name, (_path, body, _status, _auth) in ENDPOINTS.items() for field in body]
TEXT_FIELDS = [(name, field) for name, field in FIELDS if field not in ("sex", "relation", "birth_date")]
WRONG_TYPES = [0, 12345, 1.5, -1, True, False, None, [], ["Budi"], {}, {"value": "Budi"}, 10**30]
JSON_BODY = "application/json"


@pytest.fixture
def send(api: Client, applicant: User, auth_headers: dict[str, str]) -> Any:
    """POST raw bytes/text or a dict to one endpoint, as Ani (who already exists)."""

    def send(name: str, body: Any, content_type: str = JSON_BODY) -> Any:
        path, _valid, _status, needs_token = ENDPOINTS[name]
        headers = auth_headers if needs_token else {}
        if isinstance(body, dict | list):
            body = json.dumps(body)
        return api.post(path, body, content_type=content_type, headers=headers)

    return send


def with_field(name: str, field: str, value: object) -> dict[str, object]:
    return {**ENDPOINTS[name][1], field: value}


def assert_input_error(
    response: Any, status: int = 422, field: str | None = None, code: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert isinstance(body["code"], str)
    if code is not None:
        assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    if field is not None:
        assert body["field"] == field
    return body


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_the_valid_body_is_accepted(send: Any, name: str) -> None:
    # The baseline for every case below: only the changed part makes the difference.
    assert send(name, ENDPOINTS[name][1]).status_code == ENDPOINTS[name][2]


@pytest.mark.parametrize("value", WRONG_TYPES, ids=repr)
@pytest.mark.parametrize(("name", "field"), FIELDS)
def test_wrong_type_names_the_field(send: Any, name: str, field: str, value: object) -> None:
    assert_input_error(send(name, with_field(name, field, value)), 422, field, code="invalid")


@pytest.mark.parametrize(("name", "field"), FIELDS)
def test_missing_field_is_named(send: Any, name: str, field: str) -> None:
    body = dict(ENDPOINTS[name][1])
    del body[field]
    assert_input_error(send(name, body), 422, field, code="invalid")


@pytest.mark.parametrize(("name", "field"), TEXT_FIELDS)
def test_megabyte_string_is_422(send: Any, name: str, field: str) -> None:
    assert_input_error(send(name, with_field(name, field, "7" * 1_048_576)), 422, field, code="invalid")


@pytest.mark.parametrize(
    "value",
    ["Bu\u0000di", "\u0000", "Budi\u0007", "Budi\u001b[31m", "Bu\u007fdi"],
    ids=["nul", "only-nul", "bell", "escape", "delete"],
)
@pytest.mark.parametrize(("name", "field"), [f for f in TEXT_FIELDS if f[1] != "password"])
def test_control_characters_are_refused_before_the_database(send: Any, name: str, field: str, value: str) -> None:
    assert_input_error(send(name, with_field(name, field, value)), 422, field, code="invalid")
    assert User.objects.count() == 1
    assert Person.objects.count() == 1


@pytest.mark.parametrize(("name", "field"), TEXT_FIELDS)
def test_lone_surrogates_are_refused(send: Any, name: str, field: str) -> None:
    # json.dumps writes the escape "\ud800": valid JSON text, but no character.
    raw = json.dumps(with_field(name, field, "Bu\ud800di"))
    assert "\\ud800" in raw
    assert_input_error(send(name, raw), 422, field, code="invalid")


@pytest.mark.parametrize("name", list(ENDPOINTS))
@pytest.mark.parametrize(
    "raw",
    ['{"full_name": ', "{'nik': '1'}", "not json", '{"a": 1,}', "\xff\xfe", "[" * 10_000, '{"n": ' + "9" * 5000 + "}"],
    ids=["cut-off", "single-quotes", "text", "trailing-comma", "bad-utf8", "deep", "huge-number"],
)
def test_invalid_json_is_400_invalid_json(send: Any, name: str, raw: str) -> None:
    body = raw.encode("latin-1") if raw == "\xff\xfe" else raw
    assert assert_input_error(send(name, body), 400)["code"] == "invalid_json"


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_form_encoded_body_is_400_invalid_json(send: Any, name: str) -> None:
    response = send(name, "full_name=Budi&nik=1671011508900001", content_type="application/x-www-form-urlencoded")
    assert assert_input_error(response, 400)["code"] == "invalid_json"


@pytest.mark.parametrize("name", list(ENDPOINTS))
@pytest.mark.parametrize("raw", ["[]", '[{"nik": "1671011508900001"}]', "null", "42", '"text"', "true", ""])
def test_json_that_is_not_an_object_is_422(send: Any, name: str, raw: str) -> None:
    assert assert_input_error(send(name, raw), 422)["code"] == "invalid"


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_body_over_the_size_limit_is_413(send: Any, name: str, settings: Any) -> None:
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    body = assert_input_error(send(name, with_field(name, "junk", padding)), 413)
    assert body["code"] == "too_large"


def test_extra_fields_cannot_make_an_officer_or_skip_verification(send: Any) -> None:
    body = {
        **REGISTER,
        "is_staff": True,
        "is_superuser": True,
        "email_verified_at": "2026-01-01T00:00:00Z",
        "verified": True,
        "nik_flags": [],
        "id": 1,
        "\ud800": "x",
        "": None,
    }
    assert send("register", body).status_code == 201
    budi = User.objects.get(email="budi@example.id")
    assert (budi.is_staff, budi.is_superuser, budi.has_verified_email) == (False, False, False)


@pytest.mark.parametrize(
    "value",
    [
        19900815,
        1990,
        "2026-13-45",
        "1990-02-30",
        "1990-00-10",
        "",
        "15-08-1990",
        "1990/08/15",
        "1990-8-15",
        "1990-08-15T00:00:00",
        "1990-08-15\n",
        "１９９０-０８-１５",
        "0000-01-01",
        "1800-01-01",
        "2999-01-01",
    ],
)
@pytest.mark.parametrize("name", ["register", "household"])
def test_bad_birth_date_is_422_naming_birth_date(send: Any, name: str, value: object) -> None:
    assert_input_error(send(name, with_field(name, "birth_date", value)), 422, "birth_date")


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("register", "full_name", "Budi 😀 Santoso"),
        ("register", "full_name", "\u202eosotnaS iduB"),  # right-to-left override
        ("register", "full_name", "بودي سانتوسو"),
        ("register", "address", "Jl. 🏠 Merdeka \u200f1"),
        ("register", "full_name", "Zoë Ŝantoşo"),
        ("household", "full_name", "Sari 👶 Lestari"),
    ],
)
def test_odd_but_real_text_is_stored_as_sent(send: Any, name: str, field: str, value: str) -> None:
    response = send(name, with_field(name, field, value))
    assert response.status_code == 201, response.content
    assert response.json()[field] == value


@pytest.mark.parametrize("name", ["register", "household"])
@pytest.mark.parametrize(
    "nik",
    [
        "１６７１０１",
        "1671😀011508900001",
        "\u200f1671011508900001",
        "١٦٧١٠١١٥٠٨٩٠٠٠٠١",
        "16710115089000O1",
        "+1671011508900001",
    ],
)
def test_non_digit_nik_is_422_naming_nik(send: Any, name: str, nik: str) -> None:
    assert_input_error(send(name, with_field(name, "nik", nik)), 422, "nik")


@pytest.mark.parametrize("name", ["register", "household"])
def test_full_width_nik_is_normalised(send: Any, name: str) -> None:
    ascii_nik = ENDPOINTS[name][1]["nik"]
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in ascii_nik)
    response = send(name, with_field(name, "nik", full_width))
    assert response.status_code == 201
    assert response.json()["nik"] == ascii_nik


@pytest.mark.parametrize(
    "email", ["a" * 244 + "@example.id", "budi", "budi@", "@example.id", "budi@@example.id", "budi@exa mple.id"]
)
def test_bad_email_is_422(send: Any, email: str) -> None:
    assert_input_error(send("register", with_field("register", "email", email)), 422, "email")
    assert not User.objects.filter(full_name="Budi Santoso").exists()


@pytest.mark.parametrize("phone", ["😀", "0812", "０８１２３４５６７８９０", "+62", "021 555 1234", "+1 202 555 0100"])
def test_bad_phone_is_422(send: Any, phone: str) -> None:
    assert_input_error(send("register", with_field("register", "phone", phone)), 422, "phone")


@pytest.mark.parametrize("value", ["m", "X", "L", "P", "", "MF"])
@pytest.mark.parametrize("name", ["register", "household"])
def test_sex_is_m_or_f(send: Any, name: str, value: str) -> None:
    assert_input_error(send(name, with_field(name, "sex", value)), 422, "sex")


@pytest.mark.parametrize("name", ["register", "household"])
@pytest.mark.parametrize("full_name", ["", " ", "B", "   B   "])
def test_blank_or_one_letter_name_is_422(send: Any, name: str, full_name: str) -> None:
    assert_input_error(send(name, with_field(name, "full_name", full_name)), 422, "full_name")


def test_nul_in_a_password_does_not_crash_and_is_a_real_password(send: Any, api: Client) -> None:
    # Passwords are never stored as text, only hashed: any character may be part of one.
    password = "Kuat\u0000Sekali-2026"
    assert send("register", with_field("register", "password", password)).status_code == 201
    User.objects.filter(email="budi@example.id").update(email_verified_at=timezone.now())
    good = api.post("/api/v1/auth/token", {"username": "budi@example.id", "password": password}, JSON_BODY)
    assert good.status_code == 200
    bad = api.post("/api/v1/auth/token", {"username": "budi@example.id", "password": "KuatSekali-2026"}, JSON_BODY)
    assert bad.status_code == 401


@pytest.mark.parametrize("member_id", ["abc", "1.5", "1e3", "%00", "%F0%9F%98%80"])
def test_non_integer_member_id_is_422(api: Client, auth_headers: dict[str, str], member_id: str) -> None:
    response = api.delete(f"/api/v1/household/{member_id}", headers=auth_headers)
    assert_input_error(response, 422, "member_id")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer \u00e9\u00e9", "Bearer " + "x" * 10_000, "Bearer a b c", "bearer", "\u0000"],
    ids=["latin1", "long", "spaces", "scheme-only", "nul"],
)
def test_odd_authorization_header_is_401(api: Client, applicant: User, authorization: str) -> None:
    response = api.get("/api/v1/household", headers={"Authorization": authorization})
    assert_input_error(response, 401)
