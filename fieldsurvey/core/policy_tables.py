"""Each policy table turned into typed values, with the range checks a hand-edited file needs.

``policy_files.py`` reads and merges the JSON; this module knows what each table holds (which
keys, which types, which ranges) and ``policy.py`` composes the results into one ``Policy``.
Every value parsed is also collected, so the Policy can list what is still unverified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.policy_files import Sourced, Table
from fieldsurvey.core.text import Text

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
    # health codes for which 送教上门 or the health exemption can stand for enrolment
    special_needs_health: Sourced[list[str]]

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
    sudden_expense_ratio: Sourced[float]  # of the household's net income
    sudden_expense_amount: Sourced[float]  # yuan a year, whatever the income
    working_age_min: Sourced[int]
    working_age_max: Sourced[int]
    labour_capacities: Sourced[list[str]]


REIMBURSEMENT_KINDS = ("hospital", "outpatient_chronic")


@dataclass(frozen=True, slots=True)
class DibaoPhaseOut:
    """低保渐退: months the allowance continues, and for a household with a disabled member."""

    months: Sourced[int]
    months_disabled: Sourced[int]


@dataclass(slots=True)
class Parser:
    """Reads typed values out of tables and remembers every one it read."""

    entries: list[Sourced[Any]] = field(default_factory=list)

    def keep(self, value: Sourced[Any]) -> Any:
        self.entries.append(value)
        return value

    def number(self, t: Table, *path: str, low: float = 0, high: float | None = None) -> Any:
        value = t.sourced(*path, kind=NUMBER)
        if value.value < low or (high is not None and value.value > high):
            span = f"{low}–{high}" if high is not None else f"≥ {low}"
            raise t.fail((*path, "value"), Text(f"应在{span}之间", f"must be {span}"))
        return self.keep(value)

    def integer(self, t: Table, *path: str, low: int, high: int) -> Sourced[int]:
        value = t.sourced(*path, kind=int)
        if not low <= value.value <= high:
            raise t.fail((*path, "value"), Text(f"应在{low}–{high}之间", f"must be {low}–{high}"))
        return self.keep(value)

    def boolean(self, t: Table, *path: str) -> Sourced[bool]:
        return self.keep(t.sourced(*path, kind=bool))

    @staticmethod
    def year(t: Table, path: tuple[str, ...], key: str) -> int:
        if not (key.isdigit() and len(key) == 4 and 1978 <= int(key) <= 2100):
            raise t.fail((*path, key), Text("年份应为四位数字", "a year must be 4 digits"))
        return int(key)

    def poverty_lines(self, t: Table) -> dict[int, Sourced[float | None]]:
        t.only_keys((), ["lines"])
        lines: dict[int, Sourced[float | None]] = {}
        for key in t.mapping("lines"):
            year = self.year(t, ("lines",), key)
            value = t.sourced("lines", key, kind=NUMBER, nullable=True)
            if value.value is not None and value.value <= 0:
                raise t.fail(("lines", key, "value"), Text("应大于0", "must be above 0"))
            lines[year] = self.keep(value)
        return lines

    def thresholds(self, t: Table) -> dict[str, dict[int, Sourced[float]]]:
        t.only_keys((), ["thresholds"])
        result: dict[str, dict[int, Sourced[float]]] = {}
        for division, by_year in t.mapping("thresholds").items():
            path = ("thresholds", division)
            if division != NATIONAL and not (division.isdigit() and len(division) == 6):
                raise t.fail(
                    path,
                    Text(
                        "应为6位行政区划代码或 national",
                        "must be a 6-digit division code or 'national'",
                    ),
                )
            if not isinstance(by_year, dict):
                raise t.fail(path, Text("应为按年份的对象", "must be an object keyed by year"))
            result[division] = {
                self.year(t, path, y): self.number(t, *path, y, low=1) for y in by_year
            }
        return result

    def exit_standards(self, t: Table) -> dict[str, Sourced[float]]:
        """Village exit rate (percent) by division key, like the monitoring thresholds."""
        t.only_keys((), ["incidence_below_percent"])
        result: dict[str, Sourced[float]] = {}
        for division in t.mapping("incidence_below_percent"):
            if division != NATIONAL and not (division.isdigit() and len(division) == 6):
                raise t.fail(
                    ("incidence_below_percent", division),
                    Text(
                        "应为6位行政区划代码或 national",
                        "must be a 6-digit division code or 'national'",
                    ),
                )
            result[division] = self.number(t, "incidence_below_percent", division, low=0, high=100)
        if NATIONAL not in result:
            raise t.fail(
                ("incidence_below_percent", NATIONAL), Text("缺少此项", "this key is missing")
            )
        return result

    def by_division(
        self, t: Table, *path: str, low: float, high: float
    ) -> dict[str, Sourced[float]]:
        """Values keyed by 6-digit division code (or national), each range-checked."""
        result: dict[str, Sourced[float]] = {}
        for division in t.mapping(*path):
            if division != NATIONAL and not (division.isdigit() and len(division) == 6):
                raise t.fail(
                    (*path, division),
                    Text(
                        "应为6位行政区划代码或 national",
                        "must be a 6-digit division code or 'national'",
                    ),
                )
            result[division] = self.number(t, *path, division, low=low, high=high)
        return result

    def reimbursement_targets(self, t: Table) -> dict[str, dict[str, Sourced[float]]]:
        """Reimbursement-rate targets (0–1) by kind of cost and division."""
        t.only_keys((), REIMBURSEMENT_KINDS)
        return {
            kind: self.by_division(t, kind, low=0, high=1)
            for kind in REIMBURSEMENT_KINDS
            if kind in t.data
        }

    def dibao_phase_out(self, t: Table) -> DibaoPhaseOut:
        t.only_keys((), ["months", "months_disabled"])
        return DibaoPhaseOut(
            self.integer(t, "months", low=1, high=60),
            self.integer(t, "months_disabled", low=1, high=60),
        )

    def relapse_rate(self, t: Table) -> dict[str, Sourced[float]]:
        t.only_keys((), ["relapse_rate_below_percent"])
        return self.by_division(t, "relapse_rate_below_percent", low=0, high=100)

    def income_targets(self, t: Table) -> dict[str, dict[int, Sourced[float]]]:
        t.only_keys((), ["targets"])
        result: dict[str, dict[int, Sourced[float]]] = {}
        for division, by_year in t.mapping("targets").items():
            path = ("targets", division)
            if not (division.isdigit() and len(division) == 6):
                raise t.fail(path, Text("应为6位行政区划代码", "must be a 6-digit division code"))
            if not isinstance(by_year, dict):
                raise t.fail(path, Text("应为按年份的对象", "must be an object keyed by year"))
            result[division] = {
                self.year(t, path, y): self.number(t, *path, y, low=1) for y in by_year
            }
        return result

    def water(self, t: Table) -> tuple[WaterThresholds, WaterThresholds]:
        """Thresholds for an ordinary area and for a water-short one (only quantity differs)."""
        keys = ["quantity_lpd", "trip_minutes", "distance_horizontal_m", "distance_vertical_m"]
        t.only_keys((), [*keys, "max_outage_days"])
        t.only_keys(("quantity_lpd",), ["normal", "water_short"])
        shared = (
            self.number(t, "trip_minutes", low=1),
            self.number(t, "distance_horizontal_m", low=1),
            self.number(t, "distance_vertical_m", low=1),
            self.integer(t, "max_outage_days", low=0, high=366),
        )
        return (
            WaterThresholds(self.number(t, "quantity_lpd", "normal", low=1), *shared),
            WaterThresholds(self.number(t, "quantity_lpd", "water_short", low=1), *shared),
        )

    def school_ages(self, t: Table) -> SchoolAges:
        t.only_keys((), ["entry_age", "end_age", "entry_cutoff", "special_needs_health"])
        entry_age = self.integer(t, "entry_age", low=3, high=10)
        end_age = self.integer(t, "end_age", low=10, high=20)
        cutoff = self.keep(t.sourced("entry_cutoff", kind=str, nullable=True))
        if cutoff.value is not None and not _valid_month_day(cutoff.value):
            raise t.fail(
                ("entry_cutoff", "value"),
                Text("应为“月-日”，如 08-31", "must be MM-DD, e.g. 08-31"),
            )
        special = self.keep(t.sourced("special_needs_health", kind=list))
        bad = [c for c in special.value if c not in code_list("health")]
        if bad:
            raise t.fail(
                ("special_needs_health", "value"),
                Text(f"不在健康状况代码表中：{bad}", f"not in the health code list: {bad}"),
            )
        return SchoolAges(entry_age, end_age, cutoff, special)

    def income_items(self, t: Table) -> dict[str, IncomeItem]:
        t.only_keys((), ["items"])
        return {key: self._income_item(t, key, raw) for key, raw in t.mapping("items").items()}

    def _income_item(self, t: Table, key: str, raw: Any) -> IncomeItem:
        path = ("items", key)
        component = key.split(".", 1)[0]
        if component not in COMPONENTS or "." not in key:
            raise t.fail(
                path,
                Text(
                    "键应以 wage./business./property./transfer. 开头",
                    "the key must start with wage., business., property. or transfer.",
                ),
            )
        t.only_keys(path, ["zh", "en", "component", "counted", "source", "verified", "note"])
        if raw.get("component") != component:
            raise t.fail((*path, "component"), Text(f"应为“{component}”", f"must be '{component}'"))
        if not isinstance(raw.get("counted"), bool):
            raise t.fail((*path, "counted"), Text("应为 true 或 false", "must be true or false"))
        for lang in ("zh", "en"):
            if not isinstance(raw.get(lang), str) or not raw[lang].strip():
                raise t.fail((*path, lang), Text("须有名称", "a label is required"))
        county = t.is_county(path) or t.is_county((*path, "counted"))
        if county and (*path, "source") not in t.overridden and path not in t.overridden:
            raise t.fail(
                (*path, "source"),
                Text(
                    "县级政策表改动的项目须注明来源",
                    "an item the county changes must name its source",
                ),
            )
        source, verified, note = t.provenance(*path)
        counted: bool = raw["counted"]
        where = f"{t.name}:items.{key}.counted"
        self.entries.append(Sourced(counted, source, verified, note, where, county))
        label = Text(raw["zh"], raw["en"])
        return IncomeItem(key, label, component, counted, source, verified, note, county)

    def cost_ratios(self, t: Table, items: dict[str, IncomeItem]) -> CostRatios:
        t.only_keys((), ["enabled", "ratios"])
        t.only_keys(("ratios",), [k for k, v in items.items() if v.component == "business"])
        ratios = {k: self.number(t, "ratios", k, low=0, high=1) for k in t.mapping("ratios")}
        return CostRatios(self.boolean(t, "enabled"), ratios)

    def medical(self, t: Table) -> tuple[dict[str, Sourced[bool]], Sourced[bool]]:
        """Which coverages are required, and whether serving soldiers are exempt."""
        t.only_keys((), ["required", "exempt_active_military"])
        t.only_keys(("required",), COVERAGES)
        required = {k: self.boolean(t, "required", k) for k in t.mapping("required")}
        return required, self.boolean(t, "exempt_active_military")

    def relapse_risk(self, t: Table) -> RiskSettings:
        fields = [
            "income_drop_ratio",
            "medical_burden_ratio",
            "medical_burden_amount",
            "sudden_expense_ratio",
            "sudden_expense_amount",
            "working_age_min",
            "working_age_max",
            "labour_capacities",
        ]
        t.only_keys((), fields)
        capacities = self.keep(t.sourced("labour_capacities", kind=list))
        bad = [c for c in capacities.value if c not in code_list("labour_capacity")]
        if bad:
            raise t.fail(
                ("labour_capacities", "value"),
                Text(
                    f"不在劳动能力代码表中：{bad}", f"not in the labour capacity code list: {bad}"
                ),
            )
        return RiskSettings(
            self.number(t, "income_drop_ratio", low=0, high=1),
            self.number(t, "medical_burden_ratio", low=0),
            self.number(t, "medical_burden_amount", low=0),
            self.number(t, "sudden_expense_ratio", low=0),
            self.number(t, "sudden_expense_amount", low=0),
            self.integer(t, "working_age_min", low=10, high=30),
            self.integer(t, "working_age_max", low=40, high=80),
            capacities,
        )


def _valid_month_day(value: str) -> bool:
    parts = value.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        return False
    try:
        date(2000, int(parts[0]), int(parts[1]))
    except ValueError:
        return False
    return True
