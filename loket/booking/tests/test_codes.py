"""Booking codes as people type them and scanners read them."""

import pytest

from loket.booking.codes import ALPHABET, CODE_LENGTH, code_from_qr, new_code, normalize_code, qr_payload


def test_new_codes_use_only_the_readable_alphabet() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abcd-efgh", "ABCDEFGH"),
        (" AB CD EF GH ", "ABCDEFGH"),
        ("AB\x00CD", "ABCD"),  # a NUL never reaches a query (PostgreSQL refuses it)
        ("AB\u00e9CD🙂", "ABCD"),
        ("'; DROP TABLE x; --", "DROPTABLEX"),
        ("X" * 100, "X" * 32),
    ],
)
def test_normalize_keeps_letters_and_digits_only(typed: str, code: str) -> None:
    assert normalize_code(typed) == code


def test_a_qr_payload_gives_its_code_back_and_a_forged_one_nothing() -> None:
    code = new_code()
    assert code_from_qr(qr_payload(code)) == code
    assert code_from_qr(qr_payload(code).replace(code, "23456789")) is None
    assert code_from_qr("LOKET1:" + code + ":0000000000000000") is None
