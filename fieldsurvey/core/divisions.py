"""The administrative hierarchy: county → township → village, by 12-digit statistical code.

A village code is 6 digits of county (GB/T 2260) + 3 of township + 3 of village. Permissions,
sync scopes and reports all hang off these codes, so they are parsed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.resources import load_json
from fieldsurvey.core.text import Text

LEVELS = ("province", "prefecture", "county", "township", "village")


@dataclass(frozen=True, slots=True, order=True)
class DivisionCode:
    value: str

    @classmethod
    def parse(cls, raw: str) -> DivisionCode:
        value = raw.strip()
        if len(value) == 6:
            value += "000000"
        if len(value) != 12 or not value.isdigit():
            raise UserError(
                Text("行政区划代码应为12位数字", "a division code is 12 digits"),
                code="bad_division_code",
            )
        return cls(value)

    @property
    def county(self) -> str:
        return self.value[:6]

    @property
    def township(self) -> str:
        return self.value[:9]

    @property
    def level(self) -> str:
        if self.value[9:] != "000":
            return "village"
        if self.value[6:9] != "000":
            return "township"
        if self.value[4:6] != "00":
            return "county"
        if self.value[2:4] != "00":
            return "prefecture"
        return "province"

    def contains(self, other: DivisionCode) -> bool:
        """Whether ``other`` lies inside this division (or is it)."""
        prefix = {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}[
            self.level
        ]
        return other.value[:prefix] == self.value[:prefix]

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Division:
    code: DivisionCode
    name: str
    parent: str | None  # 12-digit code of the parent division, None for the top


def county_name(county_code: str) -> str | None:
    """Name of a GB/T 2260 county-level code from the bundled snapshot."""
    data = _gb2260()
    return data["current"].get(county_code) or data["historical"].get(county_code)


def county_full_name(county_code: str) -> str:
    """ "陕西省汉中市镇巴县" from the province, prefecture and county names."""
    data = _gb2260()["current"]
    parts = [
        data.get(county_code[:2] + "0000"),
        data.get(county_code[:4] + "00"),
        data.get(county_code),
    ]
    seen: list[str] = []
    for p in parts:
        if p and p not in seen and p not in ("市辖区", "县"):
            seen.append(p)
    return "".join(seen)


@cache
def _gb2260() -> dict:
    return load_json("divisions", "gb2260.json")
