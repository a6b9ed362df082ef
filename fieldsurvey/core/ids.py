"""Citizen ID numbers (GB 11643-1999) and disability certificate numbers.

An ID number carries the birth date and the sex of its holder, so a form can check a member's
record against it and compute ages without asking twice. Every rejection says which rule failed,
in both languages, without echoing the number itself (error texts end up on screens and logs).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.resources import load_json
from fieldsurvey.core.text import Text

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
DISABILITY_CATEGORIES = range(1, 8)  # 视力 听力 言语 肢体 智力 精神 多重
DISABILITY_GRADES = range(1, 5)


LEGACY_15 = Text(
    "为旧式15位身份证号，可换为对应的18位号码",
    "is a legacy 15-digit number: its 18-character form can replace it",
)


class IdNumberError(UserError):
    def __init__(self, text: Text) -> None:
        super().__init__(text, code="bad_id_number")


@dataclass(frozen=True, slots=True)
class IdNumberInfo:
    """What an ID number tells about its holder."""

    id_number: str  # normalised 18-character form
    area_code: str
    birth_date: date
    sex: str  # "male" | "female"
    area_known: bool  # the area code is in the bundled GB/T 2260 list (current or historical)
    converted_from_15: bool = False

    def warnings(self) -> list[Text]:
        """What a valid number still asks a person to check: a legacy form, an unknown area.

        Neither blocks saving: a 15-digit number is still the holder's number (its 18-character
        form is ``id_number``, offered to replace it), and an area created after the bundled
        list's date is real. Texts name the area code, never the whole number.
        """
        found = []
        if self.converted_from_15:
            found.append(LEGACY_15)
        if not self.area_known:
            found.append(
                Text(
                    f"地区码{self.area_code}不在行政区划代码表（GB/T 2260,截至{list_date()}）中，请核对",
                    f"area code {self.area_code} is not in the division code list (GB/T 2260 "
                    f"as of {list_date()}): please check it",
                )
            )
        return found


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character over the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@cache
def _gb2260() -> dict:
    return load_json("divisions", "gb2260.json")


@cache
def _area_codes() -> frozenset[str]:
    data = _gb2260()
    return frozenset(data["current"]) | frozenset(data["historical"])


def _digits(value: str) -> bool:
    """ASCII digits only (str.isdigit also accepts ² and other scripts' digits)."""
    return bool(value) and all("0" <= c <= "9" for c in value)


def list_date() -> str:
    """The day the bundled GB/T 2260 list is current on (see scripts/update_gb2260.py)."""
    return str(_gb2260().get("data_date", ""))


def normalise_id_text(raw: str) -> str:
    """Full-width digits and letters (１２３…Ｘ, from Chinese input methods) to ASCII, spaces
    dropped, x upper-cased: the form every check and every stored number uses."""
    value = unicodedata.normalize("NFKC", raw)
    return "".join(value.split()).upper()


def area_code_known(area: str) -> bool:
    return area in _area_codes()


def _parse_birth(digits: str) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError(
            Text("身份证号中的出生日期不存在", "the birth date inside the ID number does not exist")
        ) from None
    if born.year < 1880 or born > date.today():
        raise IdNumberError(
            Text("身份证号中的出生日期不合理", "the birth date inside the ID number is implausible")
        )
    return born


def convert_15_to_18(old: str) -> str:
    """Legacy 15-digit numbers omit the century (always 19xx) and the check character."""
    if len(old) != 15 or not _digits(old):
        raise IdNumberError(
            Text("15位身份证号必须全为数字", "a 15-digit ID number must be all digits")
        )
    first17 = old[:6] + "19" + old[6:]
    return first17 + check_char(first17)


def parse_id_number(raw: str) -> IdNumberInfo:
    """Validate and normalise an ID number; raise ``IdNumberError`` saying what is wrong."""
    value = normalise_id_text(raw)
    converted = False
    if len(value) == 15:
        value = convert_15_to_18(value)
        converted = True
    if len(value) != 18:
        raise IdNumberError(
            Text(
                "身份证号应为18位（或旧式15位）",
                "an ID number has 18 characters (or 15 for old ones)",
            )
        )
    if not _digits(value[:17]) or not (_digits(value[17]) or value[17] == "X"):
        raise IdNumberError(
            Text(
                "身份证号前17位须为数字，末位为数字或X",
                "an ID number is 17 digits then a digit or X",
            )
        )
    if value[:2] not in _province_prefixes():
        raise IdNumberError(
            Text(
                f"身份证号的省级地区码{value[:2]}不存在",
                f"the province code {value[:2]} of the ID number does not exist",
            )
        )
    born = _parse_birth(value[6:14])
    if check_char(value[:17]) != value[17]:
        raise IdNumberError(
            Text(
                "身份证号校验位不正确，请核对是否录错",
                "the ID number's check character is wrong: please re-check it",
            )
        )
    sex = "male" if int(value[16]) % 2 == 1 else "female"
    return IdNumberInfo(value, value[:6], born, sex, area_code_known(value[:6]), converted)


def is_valid_id_number(raw: str) -> bool:
    try:
        parse_id_number(raw)
    except IdNumberError:
        return False
    return True


@cache
def _province_prefixes() -> frozenset[str]:
    return frozenset(code[:2] for code in _area_codes())


def make_id_number(area_code: str, birth: date, sequence: int, sex: str) -> str:
    """Build a valid synthetic ID number (demo data and tests; never real people).

    ``sequence`` picks the 3-digit order code; its last digit is forced odd for men and even for
    women so the number agrees with the member's recorded sex.
    """
    seq = sequence % 1000
    if (seq % 2 == 1) != (sex == "male"):
        seq = (seq + 1) % 1000 if seq < 999 else 998 if sex == "female" else 997
    first17 = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def random_id_number(rng: random.Random, area_code: str, birth: date, sex: str) -> str:
    return make_id_number(area_code, birth, rng.randrange(1000), sex)


@dataclass(frozen=True, slots=True)
class DisabilityCertInfo:
    id_info: IdNumberInfo
    category: int
    grade: int


def parse_disability_cert(raw: str) -> DisabilityCertInfo:
    """残疾人证号: the holder's 18-character ID number + category (1–7) + grade (1–4)."""
    value = normalise_id_text(raw)
    if len(value) != 20:
        raise IdNumberError(
            Text("残疾人证号应为20位", "a disability certificate number has 20 characters")
        )
    info = parse_id_number(value[:18])
    category, grade = value[18], value[19]
    if not (_digits(category) and int(category) in DISABILITY_CATEGORIES):
        raise IdNumberError(
            Text("残疾人证号中的残疾类别应为1–7", "the disability category must be 1–7")
        )
    if not (_digits(grade) and int(grade) in DISABILITY_GRADES):
        raise IdNumberError(
            Text("残疾人证号中的残疾等级应为1–4", "the disability grade must be 1–4")
        )
    return DisabilityCertInfo(info, int(category), int(grade))


def age_on(birth: date, on: date) -> int:
    """Completed years on a day (a birthday counts on the day itself)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def mask_id_number(value: str) -> str:
    """For public copies (公示): first 6 and last 4 characters visible."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
