"""GB 11643 ID numbers: the standard's own example, checksums, dates, legacy numbers, certificates."""

from __future__ import annotations

import random
from datetime import date

import pytest

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import Household, Member
from fieldsurvey.core.ids import (
    LEGACY_15,
    IdNumberError,
    age_on,
    check_char,
    convert_15_to_18,
    is_valid_id_number,
    list_date,
    make_id_number,
    mask_id_number,
    parse_disability_cert,
    parse_id_number,
    random_id_number,
)
from fieldsurvey.core.rules import check_household
from fieldsurvey.core.validation import WARNING, errors_only, validate_household, validate_member

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


@pytest.mark.parametrize(
    "raw", ["", "12345", "1101051949123100", "11010519491231002Y", "A1010519491231002X"]
)
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


WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_full_width_digits_and_letters_are_normalised_before_checking() -> None:
    info = parse_id_number(STANDARD_EXAMPLE.translate(WIDE))
    assert info.id_number == STANDARD_EXAMPLE
    assert (
        parse_id_number(" " + STANDARD_EXAMPLE.lower().replace("x", "ｘ") + "\u3000").id_number
        == STANDARD_EXAMPLE
    )
    assert parse_disability_cert((STANDARD_EXAMPLE + "42").translate(WIDE)).grade == 2


@pytest.mark.parametrize(
    "raw",
    [
        "11O10519491231002X",
        "1101051949123100二X",
        "11010519491231002Y",
        "１１０１０５１９４９１２３１００２Ｙ",
    ],
    ids=[
        "letter O",
        "hanzi",
        "Y at the end",
        "full-width Y at the end",
    ],  # ASCII ids: mutmut re-selects by id
)
def test_a_character_problem_is_never_blamed_on_the_area_code(raw: str) -> None:
    with pytest.raises(IdNumberError) as e:
        parse_id_number(raw)
    assert e.value.text.zh == "身份证号前17位须为数字，末位为数字或X"
    assert "地区" not in e.value.text.zh and "area" not in e.value.text.en


def test_other_scripts_digits_are_not_digits() -> None:
    with pytest.raises(IdNumberError, match="17 digits"):
        parse_id_number("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X")  # Arabic-Indic digits: str.isdigit() says yes


def test_a_nonexistent_province_is_an_error_naming_its_code() -> None:
    first17 = "99010519491231002"
    with pytest.raises(IdNumberError) as e:
        parse_id_number(first17 + check_char(first17))
    assert e.value.text.zh == "身份证号的省级地区码99不存在"
    assert e.value.text.en == "the province code 99 of the ID number does not exist"


def test_an_unknown_area_code_in_a_real_province_is_a_warning_naming_it() -> None:
    number = make_id_number("610799", date(1980, 5, 1), 12, "male")
    info = parse_id_number(number)
    assert not info.area_known
    assert [t.zh for t in info.warnings()] == [
        "地区码610799不在行政区划代码表（GB/T 2260,截至2025-12-31）中，请核对"
    ]


def test_the_list_is_current_to_its_date_with_counties_created_after_2013() -> None:
    assert list_date() == "2025-12-31"
    for code in ("653229", "653228", "110118", "610728"):  # 和安县, 和康县 (2024), 密云区 (2015)
        assert parse_id_number(make_id_number(code, date(1990, 1, 1), 4, "female")).area_known
    assert parse_id_number(
        make_id_number("110103", date(1950, 1, 1), 4, "female")
    ).area_known  # 崇文区, abolished 2010


def test_a_legacy_15_digit_number_is_a_warning_offering_the_18_character_form() -> None:
    info = parse_id_number("110105491231002")
    assert info.warnings() == [LEGACY_15]
    member = Member("测试", "110105491231002", "02", "female", date(1949, 12, 31))
    problems = validate_member(member, 1)
    assert [(p.level, p.field, p.text.zh, p.suggestion) for p in problems] == [
        (WARNING, "id_number", "为旧式15位身份证号，可换为对应的18位号码", STANDARD_EXAMPLE)
    ]
    assert "110105491231002" not in problems[0].message().zh


def test_rules_and_validation_word_the_legacy_warning_alike() -> None:
    h = Household(
        "1",
        DivisionCode.parse("110105001001"),
        members=[
            Member("测试", "１１０１０５４９１２３１００２", "02", "female", date(1949, 12, 31))
        ],
    )
    warned = [p for p in check_household(h, date(2024, 1, 1)) if p.field == "id_number"]
    assert [(p.level, p.text, p.suggestion) for p in warned] == [
        (WARNING, LEGACY_15, STANDARD_EXAMPLE)
    ]
    assert not errors_only(validate_household(h))


def test_validity_as_a_yes_or_no() -> None:
    assert is_valid_id_number(STANDARD_EXAMPLE) and is_valid_id_number("110105491231002")
    assert not is_valid_id_number(STANDARD_EXAMPLE[:-1] + "1")


def test_synthetic_numbers_take_the_sequence_modulo_1000_with_the_sex_digit() -> None:
    def seq(n: int, sex: str) -> str:
        return make_id_number("610728", date(1990, 1, 1), n, sex)[14:17]

    assert (seq(999, "female"), seq(998, "male"), seq(999, "male"), seq(998, "female")) == (
        "998",
        "999",
        "999",
        "998",
    )
    assert (seq(1001, "male"), seq(1000, "female"), seq(2, "male"), seq(3, "female")) == (
        "001",
        "000",
        "003",
        "004",
    )
    rng = random.Random(7)
    number = random_id_number(rng, "610728", date(1990, 1, 1), "female")
    assert number == make_id_number(
        "610728", date(1990, 1, 1), random.Random(7).randrange(1000), "female"
    )
    assert parse_id_number(number).sex == "female"


def test_spaces_inside_a_number_are_dropped_and_a_new_number_is_not_converted() -> None:
    info = parse_id_number("110105 19491231 002X")
    assert (
        info.id_number == STANDARD_EXAMPLE
        and info.converted_from_15 is False
        and info.area_code == "110105"
    )


def test_disability_certificate_messages() -> None:
    cases = {
        STANDARD_EXAMPLE + "4": (
            "残疾人证号应为20位",
            "a disability certificate number has 20 characters",
        ),
        STANDARD_EXAMPLE + "82": (
            "残疾人证号中的残疾类别应为1–7",
            "the disability category must be 1–7",
        ),
        STANDARD_EXAMPLE + "0" + "2": (
            "残疾人证号中的残疾类别应为1–7",
            "the disability category must be 1–7",
        ),
        STANDARD_EXAMPLE + "X2": (
            "残疾人证号中的残疾类别应为1–7",
            "the disability category must be 1–7",
        ),
        STANDARD_EXAMPLE + "45": (
            "残疾人证号中的残疾等级应为1–4",
            "the disability grade must be 1–4",
        ),
        STANDARD_EXAMPLE + "40": (
            "残疾人证号中的残疾等级应为1–4",
            "the disability grade must be 1–4",
        ),
        STANDARD_EXAMPLE + "4X": (
            "残疾人证号中的残疾等级应为1–4",
            "the disability grade must be 1–4",
        ),
    }
    for raw, text in cases.items():
        with pytest.raises(IdNumberError) as e:
            parse_disability_cert(raw)
        assert (e.value.text.zh, e.value.text.en) == text, raw
    cert = parse_disability_cert(STANDARD_EXAMPLE[:-1] + "x71")
    assert (cert.category, cert.grade, cert.id_info.id_number) == (7, 1, STANDARD_EXAMPLE)


def test_the_warnings_read_in_both_languages() -> None:
    info = parse_id_number(make_id_number("610799", date(1980, 5, 1), 12, "male"))
    assert [t.en for t in info.warnings()] == [
        "area code 610799 is not in the division code list (GB/T 2260 as of 2025-12-31): please check it"
    ]
    legacy = parse_id_number("110105491231002")
    assert [(t.zh, t.en) for t in legacy.warnings()] == [
        (
            "为旧式15位身份证号，可换为对应的18位号码",
            "is a legacy 15-digit number: its 18-character form can replace it",
        )
    ]
    assert parse_id_number(STANDARD_EXAMPLE).warnings() == []
