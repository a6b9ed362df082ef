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
from functools import lru_cache
from pathlib import Path
from typing import Any

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.policy_files import (
    TABLES,
    PolicyError,
    Sourced,
    Table,
    load_table,
    override_files,
)
from fieldsurvey.core.policy_tables import (
    COMPONENT_LABELS,
    COMPONENTS,
    NATIONAL,
    CostRatios,
    DibaoPhaseOut,
    IncomeItem,
    Parser,
    RiskSettings,
    SchoolAges,
    WaterThresholds,
)
from fieldsurvey.core.resources import resource_path
from fieldsurvey.core.text import Text

__all__ = [
    "COMPONENTS",
    "COMPONENT_LABELS",
    "CostRatios",
    "IncomeItem",
    "IncomeLine",
    "Policy",
    "PolicyError",
    "RiskSettings",
    "SchoolAges",
    "Sourced",
    "WaterThresholds",
    "clear_policy_cache",
    "load_policy",
]

POLICY_DIR_ENV = "FIELDSURVEY_POLICY_DIR"


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
    exit_standards: dict[str, Sourced[float]] | None = None  # village exit rate (%) by division key
    reimbursement: dict[str, dict[str, Sourced[float]]] | None = None  # kind → division → target
    dibao_phase_out: DibaoPhaseOut | None = None
    relapse_rates: dict[str, Sourced[float]] | None = None  # relapse rate target (%) by division
    income_targets: dict[str, dict[int, Sourced[float]]] | None = None  # division → year → yuan

    def poverty_line(self, year: int) -> Sourced[float] | None:
        """The national line for ``year``; None where none exists (before 2010, after 2020)."""
        entry = self.poverty_lines.get(year)
        if entry is None or entry.value is None:
            return None
        return entry  # type: ignore[return-value]

    def monitoring_threshold(
        self, division: str | DivisionCode, year: int
    ) -> Sourced[float] | None:
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

    def village_exit_standard(self, division: str | DivisionCode) -> Sourced[float] | None:
        """The poverty incidence (percent) a village must be below to exit; most specific key wins."""
        for key in _division_keys(division):
            found = (self.exit_standards or {}).get(key)
            if found is not None:
                return found
        return None

    def reimbursement_target(
        self, kind: str, division: str | DivisionCode
    ) -> Sourced[float] | None:
        """The share of ``kind`` costs (hospital, outpatient_chronic) to be reimbursed; None if none set."""
        by_division = (self.reimbursement or {}).get(kind, {})
        for key in _division_keys(division):
            if key in by_division:
                return by_division[key]
        return None

    def relapse_rate_target(self, division: str | DivisionCode) -> Sourced[float] | None:
        """The relapse rate (percent) to stay below; None where no table entry covers the division."""
        for key in _division_keys(division):
            found = (self.relapse_rates or {}).get(key)
            if found is not None:
                return found
        return None

    def income_target(self, division: str | DivisionCode, year: int) -> Sourced[float] | None:
        """The provincial income target of ``year`` for the poor population; None where none was set."""
        for key in _division_keys(division):
            found = (self.income_targets or {}).get(key, {}).get(year)
            if found is not None:
                return found
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


def division_keys(division: str | DivisionCode) -> list[str]:
    """The table keys that cover a division, most specific first: county, prefecture, province, national."""
    return _division_keys(division)


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
    parse = Parser()
    items = parse.income_items(t["income_items"])
    water_normal, water_short = parse.water(t["water"])
    required, exempt_military = parse.medical(t["medical"])
    return Policy(
        poverty_lines=parse.poverty_lines(t["poverty_line"]),
        thresholds=parse.thresholds(t["monitoring_threshold"]),
        water_normal=water_normal,
        water_short=water_short,
        school=parse.school_ages(t["school_ages"]),
        items=items,
        cost_ratios=parse.cost_ratios(t["business_cost_ratios"], items),
        medical_required=required,
        exempt_active_military=exempt_military,
        risk=parse.relapse_risk(t["relapse_risk"]),
        exit_standards=parse.exit_standards(t["village_exit_standard"]),
        reimbursement=parse.reimbursement_targets(t["medical_reimbursement"]),
        dibao_phase_out=parse.dibao_phase_out(t["dibao_phase_out"]),
        relapse_rates=parse.relapse_rate(t["relapse_rate"]),
        income_targets=parse.income_targets(t["income_targets"]),
        entries=tuple(parse.entries),
        overrides_dir=overrides,
    )
