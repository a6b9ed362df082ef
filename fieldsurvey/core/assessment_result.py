"""What an assessment says, as plain data shared by the store, ledgers, sync and the UI.

The rules that produce it live in ``assessment.py``; this module only fixes the shape so every
consumer reads the same thing. An assessment is stored with the visit that was finalized, so it
serialises to a JSON-ready dict and back without loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fieldsurvey.core.text import Text

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"  # missing answers: never counted as met

DIMENSIONS = ("food", "clothing", "education", "medical", "housing", "water", "income")
DIMENSION_LABELS: dict[str, Text] = {
    "food": Text("不愁吃", "food"),
    "clothing": Text("不愁穿", "clothing"),
    "education": Text("义务教育有保障", "compulsory education"),
    "medical": Text("基本医疗有保障", "basic medical care"),
    "housing": Text("住房安全有保障", "housing safety"),
    "water": Text("饮水安全", "drinking water safety"),
    "income": Text("收入达标", "income above the line"),
}
OUTCOME_LABELS: dict[str, Text] = {
    MET: Text("达标", "met"),
    NOT_MET: Text("未达标", "not met"),
    UNKNOWN: Text("未知（缺少信息）", "unknown (information missing)"),
}

# Problem flags that lists filter on and reports count, derived from an assessment.
FLAG_LABELS: dict[str, Text] = {
    "dropout": Text("失学辍学", "dropout"),
    "uninsured": Text("未参保", "uninsured member"),
    "unsafe_house": Text("C/D级危房或无房", "C/D house or no house"),
    "unsafe_water": Text("饮水不安全", "unsafe water"),
    "under_line": Text("收入低于标准", "income under the line"),
    "food_clothing": Text("吃穿有困难", "food or clothing insecure"),
    # appended only: the store keeps flags as bits in this order
    "expenses_unrecorded": Text("生产经营支出待补录", "business expenses to complete"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    text: Text
    member_id: str | None = None  # which member, when the reason is about one
    fact: str | None = None  # which recorded fact (field name) it rests on

    def to_dict(self) -> dict[str, Any]:
        return {
            "zh": self.text.zh,
            "en": self.text.en,
            "member_id": self.member_id,
            "fact": self.fact,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reason:
        return cls(Text(d["zh"], d["en"]), d.get("member_id"), d.get("fact"))


@dataclass(frozen=True, slots=True)
class DimensionResult:
    dimension: str
    outcome: str  # MET | NOT_MET | UNKNOWN
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class RiskFlag:
    code: str  # e.g. "under_monitoring_threshold", "income_drop", "medical_burden", "dropout"
    text: Text
    member_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "zh": self.text.zh,
            "en": self.text.en,
            "member_id": self.member_id,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    household_id: str
    assessed_on: date
    policy_year: int
    dimensions: dict[str, DimensionResult]
    exit_eligible: bool
    risk_flags: tuple[RiskFlag, ...] = ()
    net_income_per_capita: float | None = None
    poverty_line: float | None = None
    monitoring_threshold: float | None = None
    flags: tuple[str, ...] = field(default=())  # FLAG_LABELS keys, for filtering and counting

    def outcome(self, dimension: str) -> str:
        result = self.dimensions.get(dimension)
        return result.outcome if result else UNKNOWN

    def failing(self) -> list[str]:
        return [d for d in DIMENSIONS if self.outcome(d) == NOT_MET]

    def to_dict(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "assessed_on": self.assessed_on.isoformat(),
            "policy_year": self.policy_year,
            "dimensions": {k: v.to_dict() for k, v in self.dimensions.items()},
            "exit_eligible": self.exit_eligible,
            "risk_flags": [f.to_dict() for f in self.risk_flags],
            "net_income_per_capita": self.net_income_per_capita,
            "poverty_line": self.poverty_line,
            "monitoring_threshold": self.monitoring_threshold,
            "flags": list(self.flags),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Assessment:
        return cls(
            household_id=d["household_id"],
            assessed_on=date.fromisoformat(d["assessed_on"]),
            policy_year=int(d["policy_year"]),
            dimensions={
                k: DimensionResult(
                    k, v["outcome"], tuple(Reason.from_dict(r) for r in v["reasons"])
                )
                for k, v in d["dimensions"].items()
            },
            exit_eligible=bool(d["exit_eligible"]),
            risk_flags=tuple(
                RiskFlag(f["code"], Text(f["zh"], f["en"]), f.get("member_id"))
                for f in d.get("risk_flags", [])
            ),
            net_income_per_capita=d.get("net_income_per_capita"),
            poverty_line=d.get("poverty_line"),
            monitoring_threshold=d.get("monitoring_threshold"),
            flags=tuple(d.get("flags", [])),
        )
