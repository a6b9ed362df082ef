"""Net income per capita from one year's income record, item by item as the policy counts it.

人均纯收入 = (工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出) ÷ 家庭人口, summing only the
items the policy table counts. The breakdown keeps what was left out and why (excluded items,
unknown keys, estimated or unrecorded expenses) because the ledger prints it and a visitor must
be able to see how the figure was reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.household import Household, IncomeRecord, Member
from fieldsurvey.core.policy import COMPONENTS, Policy
from fieldsurvey.core.visit import MemberChange


@dataclass(frozen=True, slots=True)
class IncomeBreakdown:
    year: int
    components: dict[str, float]  # wage / business / property / transfer: counted items only
    business_expenses: float
    household_size: int
    estimated_expenses: dict[str, float] = field(default_factory=dict)  # from default ratios
    estimate_ratios: dict[str, float] = field(default_factory=dict)  # the ratio each one used
    unrecorded_expenses: tuple[str, ...] = ()  # business items with income but no expense
    excluded: dict[str, float] = field(default_factory=dict)  # items the policy does not count
    unknown_items: dict[str, float] = field(default_factory=dict)  # keys not in the policy table

    @property
    def gross_income(self) -> float:
        return sum(self.components.values())

    @property
    def net_income(self) -> float:
        return self.gross_income - self.business_expenses

    @property
    def net_income_per_capita(self) -> float | None:
        if self.household_size <= 0:
            return None
        return round(self.net_income / self.household_size, 2)

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "components": dict(self.components),
            "business_expenses": self.business_expenses,
            "household_size": self.household_size,
            "net_income": self.net_income,
            "net_income_per_capita": self.net_income_per_capita,
            "estimated_expenses": dict(self.estimated_expenses),
            "estimate_ratios": dict(self.estimate_ratios),
            "unrecorded_expenses": list(self.unrecorded_expenses),
            "excluded": dict(self.excluded),
            "unknown_items": dict(self.unknown_items),
        }


def household_size_for(
    record: IncomeRecord, household: Household, changes: Iterable[MemberChange] = ()
) -> int:
    """The people the income is shared by in the record's own year.

    The record's own count when the visitor gave one; else the members present at the end of
    that year, read back from the dated member changes (a member who left in a later year was
    still there; one who joined later was not); without changes, the members present now.
    """
    if record.household_size is not None and record.household_size > 0:
        return record.household_size
    changes = list(changes)
    if not changes:
        return household.size
    year_end = date(record.year, 12, 31)
    return sum(present_on(m, year_end, changes) for m in household.members)


def present_on(member: Member, day: date, changes: Iterable[MemberChange]) -> bool:
    """Whether ``member`` belonged to the household on ``day``, by their dated changes."""
    own = sorted(
        (c for c in changes if c.member_id == member.member_id), key=lambda c: c.change_date
    )
    reasons = code_list("member_change_reason")
    state = None
    for change in own:
        item = reasons.get(change.reason)
        joined = (item.extra.get("direction") if item else "in") == "in"
        if change.change_date <= day:
            state = joined
        elif state is None:  # the first change after the day: they were in the opposite state
            return not joined
    return member.present if state is None else state


def income_breakdown(
    record: IncomeRecord,
    household: Household,
    policy: Policy,
    changes: Iterable[MemberChange] = (),
) -> IncomeBreakdown:
    items = policy.income_items()
    components = dict.fromkeys(COMPONENTS, 0.0)
    excluded: dict[str, float] = {}
    unknown: dict[str, float] = {}
    for key, amount in record.items.items():
        item = items.get(key)
        if item is None:
            unknown[key] = float(amount)
        elif item.counted:
            components[item.component] += float(amount)
        else:
            excluded[key] = float(amount)
    ratios = policy.cost_ratios
    expenses = 0.0
    estimated: dict[str, float] = {}
    used_ratios: dict[str, float] = {}
    unrecorded: list[str] = []
    for key, item in items.items():
        if item.component != "business" or not item.counted:
            continue
        if key in record.expenses and record.expenses[key] is not None:
            expenses += float(record.expenses[key])
            continue
        income = float(record.items.get(key) or 0)
        if income <= 0:
            continue
        ratio = ratios.ratios.get(key)
        if ratios.enabled.value and ratio is not None:
            estimated[key] = round(income * ratio.value, 2)
            used_ratios[key] = float(ratio.value)
            expenses += estimated[key]
        else:
            unrecorded.append(key)
    for key, amount in record.expenses.items():
        if key not in items and amount:
            unknown[f"expenses:{key}"] = float(amount)
    return IncomeBreakdown(
        year=record.year,
        components=components,
        business_expenses=round(expenses, 2),
        household_size=household_size_for(record, household, changes),
        estimated_expenses=estimated,
        estimate_ratios=used_ratios,
        unrecorded_expenses=tuple(unrecorded),
        excluded=excluded,
        unknown_items=unknown,
    )
