"""The policy tables the assessment measures against, typed, sourced and county-correctable.

Values come from ``resources/policy/*.json``; each carries its source and whether it has been
verified, because several published figures (the 2019 line, the 2021 national floor, Shaanxi's
thresholds) could not be confirmed and a county must be able to see and fix exactly those.
A county corrects values by putting tables of the same name in its own folder
(``FIELDSURVEY_POLICY_DIR`` or ``load_policy(overrides_dir=...)``); those replace the shipped
values key by key.

Which line a year's income is measured against: the national poverty line where the table gives
one for that year (2010–2020); otherwise (2021 on, when the national line no longer exists) the
monitoring threshold of the household's county, prefecture, province or the national floor, the
most specific that has an entry for that year or an earlier one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.policy_files import (
    TABLES,
    PolicyError,
    Sourced,
    Table,
    load_table,
    override_files,
)
from fieldsurvey.core.resources import resource_path
from fieldsurvey.core.text import Text

__all__ = ["IncomeItem", "IncomeLine", "Policy", "PolicyError", "Sourced", "load_policy"]

POLICY_DIR_ENV = "FIELDSURVEY_POLICY_DIR"
NATIONAL = "national"
COMPONENTS = ("wage", "business", "property", "transfer")
COMPONENT_LABELS: dict[str, Text] = {
    "wage": Text("工资性收入", "wage income"),
    "business": Text("生产经营性收入", "business income"),
    "property": Text("财产性收入", "property income"),
    "transfer": Text("转移性收入", "transfer income"),
}
COVERAGES = ("basic_insurance", "critical_illness_insurance", "medical_assistance", "family_doctor")
NUMBER = (int, float)


@dataclass(frozen=True, slots=True)
class IncomeItem:
    key: str  # "wage.migrant_work" …, shared with the income form and the demo generator
    label: Text
    component: str  # wage | business | property | transfer
    counted: bool
    source: str
    verified: bool = True
    note: str | None = None
    county: bool = False


@dataclass(frozen=True, slots=True)
class IncomeLine:
    """The line a year's income was measured against, and where it came from."""

    kind: str  # "poverty_line" | "monitoring_threshold"
    amount: Sourced[float]
    year: int  # the table's year; earlier than asked when a threshold is carried forward
    division: str  # "national" or the 6-digit code whose entry was used

    @property
    def label(self) -> Text:
        if self.kind == "poverty_line":
            return Text(f"{self.year}年国家扶贫标准", f"{self.year} national poverty line")
        return Text(f"{self.year}年防返贫监测标准", f"{self.year} monitoring threshold")


@dataclass(frozen=True, slots=True)
class WaterThresholds:
    quantity_lpd: Sourced[float]
    trip_minutes: Sourced[float]
    distance_horizontal_m: Sourced[float]
    distance_vertical_m: Sourced[float]
    max_outage_days: Sourced[int]


@dataclass(frozen=True, slots=True)
class SchoolAges:
    entry_age: Sourced[int]
    end_age: Sourced[int]
    entry_cutoff: Sourced[str | None]  # "MM-DD": the entry age must be reached by this day

    def entry_reference_day(self, on: date) -> date:
        """The cutoff of the school year in progress on ``on`` (or ``on`` itself if none)."""
        if self.entry_cutoff.value is None:
            return on
        month, day = (int(p) for p in self.entry_cutoff.value.split("-"))

        def cutoff(year: int) -> date:
            try:
                return date(year, month, day)
            except ValueError:  # 02-29 in a common year
                return date(year, month, day - 1)

        this_year = cutoff(on.year)
        return this_year if on > this_year else cutoff(on.year - 1)


@dataclass(frozen=True, slots=True)
class CostRatios:
    enabled: Sourced[bool]
    ratios: dict[str, Sourced[float]]


@dataclass(frozen=True, slots=True)
class RiskSettings:
    income_drop_ratio: Sourced[float]
    medical_burden_ratio: Sourced[float]
    medical_burden_amount: Sourced[float]
    working_age_min: Sourced[int]
    working_age_max: Sourced[int]
    labour_capacities: Sourced[list[str]]


@dataclass(frozen=True, slots=True)
class Policy:
    poverty_lines: dict[int, Sourced[float | None]]
    thresholds: dict[str, dict[int, Sourced[float]]]
    water_normal: WaterThresholds
    water_short: WaterThresholds
    school: SchoolAges
    items: dict[str, IncomeItem]
    cost_ratios: CostRatios
    medical_required: dict[str, Sourced[bool]]
    exempt_active_military: Sourced[bool]
    risk: RiskSettings
    entries: tuple[Sourced[Any], ...]  # every value, for listing what is unverified
    overrides_dir: Path | None = None

    def poverty_line(self, year: int) -> Sourced[float] | None:
        """The national line for ``year``; None where none exists (before 2010, after 2020)."""
        entry = self.poverty_lines.get(year)
        if entry is None or entry.value is None:
            return None
        return entry  # type: ignore[return-value]

    def monitoring_threshold(self, division: str | DivisionCode, year: int) -> Sourced[float] | None:
        found = self._threshold(division, year)
        return found.amount if found else None

    def income_line(self, division: str | DivisionCode, year: int) -> IncomeLine | None:
        """The line income of ``year`` is measured against (see the module docstring)."""
        line = self.poverty_line(year)
        if line is not None:
            return IncomeLine("poverty_line", line, year, NATIONAL)
        return self._threshold(division, year)

    def _threshold(self, division: str | DivisionCode, year: int) -> IncomeLine | None:
        for key in _division_keys(division):
            by_year = self.thresholds.get(key, {})
            years = [y for y in by_year if y <= year]
            if years:
                used = max(years)
                return IncomeLine("monitoring_threshold", by_year[used], used, key)
        return None

    def water_thresholds(self, short_area: bool) -> WaterThresholds:
        return self.water_short if short_area else self.water_normal

    def school_ages(self) -> SchoolAges:
        return self.school

    def income_items(self) -> dict[str, IncomeItem]:
        return self.items

    def counted_items(self) -> dict[str, IncomeItem]:
        return {k: v for k, v in self.items.items() if v.counted}

    def unverified(self) -> list[Sourced[Any]]:
        return [e for e in self.entries if not e.verified]


def _division_keys(division: str | DivisionCode) -> list[str]:
    digits = str(division).strip()
    if not digits.isdigit() or len(digits) < 2:
        return [NATIONAL]
    padded = (digits + "0" * 6)[:6]
    keys = [padded, padded[:4] + "00", padded[:2] + "0000", NATIONAL]
    return list(dict.fromkeys(keys))


def shipped_policy_dir() -> Path:
    return resource_path("policy")


def load_policy(overrides_dir: str | Path | None = None) -> Policy:
    """The shipped tables with a county's overrides applied; cached until a file changes.

    Without ``overrides_dir`` the folder named by ``FIELDSURVEY_POLICY_DIR`` is used, if set.
    Raises ``PolicyError`` (a ``UserError``) naming the file and key of any invalid value.
    """
    folder = overrides_dir if overrides_dir is not None else os.environ.get(POLICY_DIR_ENV) or None
    shipped = shipped_policy_dir()
    if folder is None:
        return _load(str(shipped), None, ())
    path = Path(folder).resolve()
    files = override_files(path)
    stamp = tuple((name, p.stat().st_mtime_ns, p.stat().st_size) for name, p in files.items())
    return _load(str(shipped), str(path), stamp)


@lru_cache(maxsize=8)
def _load(shipped: str, overrides: str | None, stamp: tuple[tuple[str, int, int], ...]) -> Policy:
    del stamp  # part of the cache key only: a changed county file loads afresh
    county = override_files(Path(overrides)) if overrides else {}
    tables = {name: load_table(name, Path(shipped), county.get(name)) for name in TABLES}
    return _build(tables, Path(overrides) if overrides else None)


def clear_policy_cache() -> None:
    _load.cache_clear()


def _build(t: dict[str, Table], overrides: Path | None) -> Policy:
    entries: list[Sourced[Any]] = []

    def keep(value: Sourced[Any]) -> Any:
        entries.append(value)
        return value

    def number(table: Table, *path: str, low: float = 0, high: float | None = None) -> Sourced[Any]:
        value = table.sourced(*path, kind=NUMBER)
        if value.value < low or (high is not None and value.value > high):
            span = f"{low}–{high}" if high is not None else f"≥ {low}"
            raise table.fail((*path, "value"), Text(f"应在{span}之间", f"must be {span}"))
        return keep(value)

    def integer(table: Table, *path: str, low: int, high: int) -> Sourced[int]:
        value = table.sourced(*path, kind=int)
        if not low <= value.value <= high:
            raise table.fail((*path, "value"), Text(f"应在{low}–{high}之间", f"must be {low}–{high}"))
        return keep(value)

    def year_key(table: Table, path: tuple[str, ...], key: str) -> int:
        if not (key.isdigit() and len(key) == 4 and 1978 <= int(key) <= 2100):
            raise table.fail((*path, key), Text("年份应为四位数字", "a year must be 4 digits"))
        return int(key)

    lines_t = t["poverty_line"]
    lines_t.only_keys((), ["lines"])
    lines: dict[int, Sourced[float | None]] = {}
    for key in lines_t.mapping("lines"):
        year = year_key(lines_t, ("lines",), key)
        value = lines_t.sourced("lines", key, kind=NUMBER, nullable=True)
        if value.value is not None and value.value <= 0:
            raise lines_t.fail(("lines", key, "value"), Text("应大于0", "must be above 0"))
        lines[year] = keep(value)

    thr_t = t["monitoring_threshold"]
    thr_t.only_keys((), ["thresholds"])
    thresholds: dict[str, dict[int, Sourced[float]]] = {}
    for division, by_year in thr_t.mapping("thresholds").items():
        if division != NATIONAL and not (division.isdigit() and len(division) == 6):
            raise thr_t.fail(("thresholds", division), Text("应为6位行政区划代码或 national", "must be a 6-digit division code or 'national'"))
        if not isinstance(by_year, dict):
            raise thr_t.fail(("thresholds", division), Text("应为按年份的对象", "must be an object keyed by year"))
        thresholds[division] = {
            year_key(thr_t, ("thresholds", division), y): number(thr_t, "thresholds", division, y, low=1) for y in by_year
        }

    w = t["water"]
    w.only_keys((), ["quantity_lpd", "trip_minutes", "distance_horizontal_m", "distance_vertical_m", "max_outage_days"])
    w.only_keys(("quantity_lpd",), ["normal", "water_short"])
    shared = (
        number(w, "trip_minutes", low=1),
        number(w, "distance_horizontal_m", low=1),
        number(w, "distance_vertical_m", low=1),
        integer(w, "max_outage_days", low=0, high=366),
    )
    water_normal = WaterThresholds(number(w, "quantity_lpd", "normal", low=1), *shared)
    water_short = WaterThresholds(number(w, "quantity_lpd", "water_short", low=1), *shared)

    s = t["school_ages"]
    s.only_keys((), ["entry_age", "end_age", "entry_cutoff"])
    entry_age, end_age = integer(s, "entry_age", low=3, high=10), integer(s, "end_age", low=10, high=20)
    if end_age.value < entry_age.value:
        raise s.fail(("end_age", "value"), Text("不能小于入学年龄", "must not be below the entry age"))
    cutoff = keep(s.sourced("entry_cutoff", kind=str, nullable=True))
    if cutoff.value is not None and not _valid_month_day(cutoff.value):
        raise s.fail(("entry_cutoff", "value"), Text("应为“月-日”,如 08-31", "must be MM-DD, e.g. 08-31"))
    school = SchoolAges(entry_age, end_age, cutoff)

    items = _income_items(t["income_items"], entries)

    c = t["business_cost_ratios"]
    c.only_keys((), ["enabled", "ratios"])
    business_keys = [k for k, v in items.items() if v.component == "business"]
    c.only_keys(("ratios",), business_keys)
    cost_ratios = CostRatios(
        keep(c.sourced("enabled", kind=bool)),
        {k: number(c, "ratios", k, low=0, high=1) for k in c.mapping("ratios")},
    )

    m = t["medical"]
    m.only_keys((), ["required", "exempt_active_military"])
    m.only_keys(("required",), COVERAGES)
    required = {k: keep(m.sourced("required", k, kind=bool)) for k in m.mapping("required")}
    exempt_military = keep(m.sourced("exempt_active_military", kind=bool))

    r = t["relapse_risk"]
    fields = ["income_drop_ratio", "medical_burden_ratio", "medical_burden_amount", "working_age_min", "working_age_max", "labour_capacities"]
    r.only_keys((), fields)
    capacities = keep(r.sourced("labour_capacities", kind=list))
    bad = [c for c in capacities.value if c not in code_list("labour_capacity")]
    if bad:
        raise r.fail(("labour_capacities", "value"), Text(f"不在劳动能力代码表中:{bad}", f"not in the labour capacity code list: {bad}"))
    risk = RiskSettings(
        number(r, "income_drop_ratio", low=0, high=1),
        number(r, "medical_burden_ratio", low=0),
        number(r, "medical_burden_amount", low=0),
        integer(r, "working_age_min", low=10, high=30),
        integer(r, "working_age_max", low=40, high=80),
        capacities,
    )
    return Policy(
        lines, thresholds, water_normal, water_short, school, items, cost_ratios, required,
        exempt_military, risk, tuple(entries), overrides,
    )


def _income_items(table: Table, entries: list[Sourced[Any]]) -> dict[str, IncomeItem]:
    table.only_keys((), ["items"])
    items: dict[str, IncomeItem] = {}
    for key, raw in table.mapping("items").items():
        path = ("items", key)
        component = key.split(".", 1)[0]
        if component not in COMPONENTS or "." not in key:
            raise table.fail(path, Text("键应以 wage./business./property./transfer. 开头", "the key must start with wage., business., property. or transfer."))
        table.only_keys(path, ["zh", "en", "component", "counted", "source", "verified", "note"])
        if raw.get("component") != component:
            raise table.fail((*path, "component"), Text(f"应为“{component}”", f"must be '{component}'"))
        if not isinstance(raw.get("counted"), bool):
            raise table.fail((*path, "counted"), Text("应为 true 或 false", "must be true or false"))
        for lang in ("zh", "en"):
            if not isinstance(raw.get(lang), str) or not raw[lang].strip():
                raise table.fail((*path, lang), Text("须有名称", "a label is required"))
        county = table.is_county(path) or table.is_county((*path, "counted"))
        if county and (*path, "source") not in table.overridden and path not in table.overridden:
            raise table.fail((*path, "source"), Text("县级政策表改动的项目须注明来源", "an item the county changes must name its source"))
        source, verified, note = table.provenance(*path)
        item = IncomeItem(key, Text(raw["zh"], raw["en"]), component, raw["counted"], source, verified, note, county)
        entries.append(Sourced(item.counted, source, verified, note, f"{table.name}:items.{key}.counted", county))
        items[key] = item
    return items


def _valid_month_day(value: str) -> bool:
    parts = value.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        return False
    try:
        date(2000, int(parts[0]), int(parts[1]))
    except ValueError:
        return False
    return True
