"""GB 11643 ID numbers: the standard's own example, checksums, dates, legacy numbers, certificates."""

from __future__ import annotations

from datetime import date

import pytest

from fieldsurvey.core.ids import (
    IdNumberError,
    age_on,
    check_char,
    convert_15_to_18,
    make_id_number,
    mask_id_number,
    parse_disability_cert,
    parse_id_number,
)

# The worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"


def test_standard_example_is_valid_with_x_check_character() -> None:
    info = parse_id_number(STANDARD_EXAMPLE)
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"  # sequence 002: even
    assert info.area_code == "110105"
    assert info.area_known


@pytest.mark.parametrize(
    ("first17", "expected"),
    [("11010519491231002", "X"), ("61072819700102011", "9"), ("44052418800101001", "4")],
)
def test_check_character(first17: str, expected: str) -> None:
    assert check_char(first17) == expected


def test_lowercase_x_and_spaces_are_normalised() -> None:
    assert parse_id_number(" 11010519491231002x ").id_number == STANDARD_EXAMPLE


def test_wrong_check_character_is_refused_with_a_clear_reason() -> None:
    with pytest.raises(IdNumberError) as e:
        parse_id_number("110105194912310021")
    assert "校验位" in e.value.text.zh
    assert "check character" in e.value.text.en
    assert "110105194912310021" not in str(e.value)  # the number itself is never echoed


@pytest.mark.parametrize("bad_date", ["19490230", "19491301", "20991231", "18000101"])
def test_impossible_birth_dates_are_refused(bad_date: str) -> None:
    first17 = f"110105{bad_date}002"
    with pytest.raises(IdNumberError) as e:
        parse_id_number(first17 + check_char(first17))
    assert "出生日期" in e.value.text.zh


@pytest.mark.parametrize("raw", ["", "12345", "1101051949123100", "11010519491231002Y", "A1010519491231002X"])
def test_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(IdNumberError):
        parse_id_number(raw)


def test_unknown_province_is_refused() -> None:
    first17 = "99010519491231002"
    with pytest.raises(IdNumberError) as e:
        parse_id_number(first17 + check_char(first17))
    assert "地区码" in e.value.text.zh


def test_fifteen_digit_legacy_number_converts_to_eighteen() -> None:
    assert convert_15_to_18("110105491231002") == STANDARD_EXAMPLE
    info = parse_id_number("110105491231002")
    assert info.converted_from_15
    assert info.id_number == STANDARD_EXAMPLE


def test_generated_numbers_agree_with_birth_date_and_sex() -> None:
    for seq in range(0, 1000, 37):
        for sex in ("male", "female"):
            number = make_id_number("610728", date(1988, 2, 29), seq, sex)
            info = parse_id_number(number)
            assert (info.birth_date, info.sex) == (date(1988, 2, 29), sex)


def test_disability_certificate_is_id_plus_category_and_grade() -> None:
    cert = parse_disability_cert(STANDARD_EXAMPLE + "42")
    assert (cert.category, cert.grade) == (4, 2)
    with pytest.raises(IdNumberError, match="category"):
        parse_disability_cert(STANDARD_EXAMPLE + "82")
    with pytest.raises(IdNumberError, match="grade"):
        parse_disability_cert(STANDARD_EXAMPLE + "45")


def test_age_counts_completed_years_and_birthday_itself() -> None:
    born = date(2010, 9, 1)
    assert age_on(born, date(2016, 8, 31)) == 5
    assert age_on(born, date(2016, 9, 1)) == 6


def test_masking_keeps_first_six_and_last_four() -> None:
    assert mask_id_number(STANDARD_EXAMPLE) == "110105********002X"
