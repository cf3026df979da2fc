import datetime as dt

import pytest

from loket.accounts.nik import (
    FLAG_BIRTH_DATE,
    FLAG_OLD_REGION,
    FLAG_SEX,
    NikError,
    mask_nik,
    nik_check,
    normalize_nik,
)

# Palembang (16.71.01), born 5 Aug 1990, a woman (day 05 + 40 = 45), serial 0002.
ANI = "1671014508900002"
ANI_BIRTH = dt.date(1990, 8, 5)


def test_valid_nik_has_no_flags() -> None:
    checked = nik_check(ANI, birth_date=ANI_BIRTH, sex="F")
    assert checked.nik == ANI
    assert checked.flags == []


def test_man_born_on_the_15th_is_valid() -> None:
    assert nik_check("1671011508900001", birth_date=dt.date(1990, 8, 15), sex="M").flags == []


@pytest.mark.parametrize(
    "typed",
    ["1671 0145 0890 0002", "1671-0145-0890-0002", "１６７１０１４５０８９０　０００２", " 1671.0145.0890.0002 "],
)
def test_spaces_dashes_dots_and_full_width_digits_are_normalised(typed: str) -> None:
    assert normalize_nik(typed) == ANI


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("167101450890000", "nik_length"),  # 15 digits
        ("16710145089000021", "nik_length"),  # 17 digits
        ("16710145O8900002", "nik_format"),  # letter O
        ("1671014508900002\u0000", "nik_format"),
        ("٣٢٠١٠١٤٥٠٨٩٠٠٠٠٢", "nik_format"),  # Arabic-Indic digits are not a KTP's digits
        ("", "nik_required"),
    ],
)
def test_malformed_input_is_rejected_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(NikError) as error:
        normalize_nik(typed)
    assert error.value.code == code
    assert error.value.reason


def test_non_text_is_rejected_not_crashed() -> None:
    with pytest.raises(NikError):
        normalize_nik(1671014508900002)


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("9971014508900002", "nik_region"),  # province 99 does not exist
        ("3399014508900002", "nik_region"),  # regency 33.99 does not exist and Jawa Tengah never split
        ("1600014508900002", "nik_region"),  # regency 00
        ("1671004508900002", "nik_region"),  # district 00
        ("1671017208900002", "nik_birth_digits"),  # day 72 - 40 = 32
        ("1671014513900002", "nik_birth_digits"),  # month 13
        ("1671017002910002", "nik_birth_digits"),  # 30 Feb (woman: 70 - 40)
        ("1671010002900002", "nik_birth_digits"),  # day 00
        ("1671014508900000", "nik_serial"),
    ],
)
def test_impossible_nik_is_rejected(nik: str, code: str) -> None:
    with pytest.raises(NikError) as error:
        nik_check(nik, birth_date=ANI_BIRTH, sex="F")
    assert error.value.code == code


def test_birth_date_mismatch_is_flagged_not_rejected() -> None:
    checked = nik_check(ANI, birth_date=dt.date(1990, 8, 6), sex="F")
    assert checked.flags == [FLAG_BIRTH_DATE]


def test_sex_mismatch_is_flagged_not_rejected() -> None:
    checked = nik_check(ANI, birth_date=ANI_BIRTH, sex="M")
    assert checked.flags == [FLAG_SEX]


def test_code_from_before_the_papua_split_is_accepted_and_flagged() -> None:
    # 91.01 was Merauke in Papua before it moved to Papua Selatan (93.01) in 2022.
    checked = nik_check("9101011508900001", birth_date=dt.date(1990, 8, 15), sex="M")
    assert FLAG_OLD_REGION in checked.flags


def test_mask_keeps_only_the_ends() -> None:
    assert mask_nik(ANI) == "1671********0002"
