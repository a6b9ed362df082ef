"""Income by component for each recorded year, and the line each year is measured against.

The arithmetic (which items count, estimated business costs, household size) is the core's
(``core/income.py``, ``core/policy.py``); this module only arranges it into the rows the
ledger prints, including what was left out and why, so a reader can redo the sum by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldsurvey.core.household import Household
from fieldsurvey.core.income import IncomeBreakdown, income_breakdown
from fieldsurvey.core.policy import COMPONENT_LABELS, COMPONENTS, IncomeLine, Policy
from fieldsurvey.ledger.formatting import DASH, money
from fieldsurvey.ledger.model import TableContent


@dataclass(frozen=True, slots=True)
class YearIncome:
    breakdown: IncomeBreakdown
    line: IncomeLine | None


def income_years(household: Household, policy: Policy) -> list[YearIncome]:
    return [
        YearIncome(
            income_breakdown(r, household, policy),
            policy.income_line(household.division_code, r.year),
        )
        for r in sorted(household.incomes, key=lambda r: r.year)
    ]


def summary_table(years: list[YearIncome]) -> TableContent:
    """One column per year: components, expenses, net, per capita, the line, above or not."""
    b = [y.breakdown for y in years]
    rows: list[tuple[str, ...]] = [
        (COMPONENT_LABELS[c].zh, *(money(x.components.get(c, 0.0)) for x in b)) for c in COMPONENTS
    ]
    rows += [
        ("生产经营性支出", *(money(x.business_expenses) for x in b)),
        ("家庭纯收入", *(money(x.net_income) for x in b)),
        ("家庭人口（人）", *(str(x.household_size) for x in b)),
        ("人均纯收入", *(money(x.net_income_per_capita) for x in b)),
        ("衡量标准", *(y.line.label.zh if y.line else DASH for y in years)),
        ("标准（元/人·年）", *(_line_amount(y.line) for y in years)),
        (
            "是否高于标准",
            *(_above(x.net_income_per_capita, y.line) for x, y in zip(b, years, strict=True)),
        ),
    ]
    return TableContent("income", ("项目", *(f"{x.year}年" for x in b)), tuple(rows))


def detail_table(
    years: list[YearIncome], household: Household, policy: Policy
) -> TableContent | None:
    """Every recorded item by year, with whether the policy counts it."""
    items = policy.income_items()
    by_year = {r.year: r for r in household.incomes}
    keys: set[str] = set()
    for y in years:
        keys |= {k for k, v in by_year[y.breakdown.year].items.items() if v}
    if not keys:
        return None
    order = {c: i for i, c in enumerate(COMPONENTS)}

    def sort_key(key: str) -> tuple[int, str]:
        item = items.get(key)
        return (order.get(item.component, 9) if item else 9, key)

    rows = []
    for key in sorted(keys, key=sort_key):
        item = items.get(key)
        name = item.label.zh if item else f"未知项目（{key}）"
        counted = "计入" if item and item.counted else "不计入" if item else "未计入"
        amounts = (
            money(by_year[y.breakdown.year].items.get(key))
            if by_year[y.breakdown.year].items.get(key)
            else DASH
            for y in years
        )
        rows.append((name, *amounts, counted))
    headers = ("收入项目", *(f"{y.breakdown.year}年" for y in years), "是否计入")
    return TableContent("income_items", headers, tuple(rows))


def income_notes(years: list[YearIncome]) -> tuple[str, ...]:
    notes = [
        "人均纯收入 =（工资性+生产经营性+财产性+转移性收入 − 生产经营性支出）÷ 家庭人口，只计政策规定计入的项目"
    ]
    for y in years:
        b = y.breakdown
        if b.estimated_expenses:
            notes.append(
                f"{b.year}年：生产经营性支出中 {money(sum(b.estimated_expenses.values()))} 元按默认成本比例估算"
            )
        if b.unrecorded_expenses:
            notes.append(f"{b.year}年：有 {len(b.unrecorded_expenses)} 项经营收入未记录支出")
    return tuple(notes)


def _line_amount(line: IncomeLine | None) -> str:
    return money(line.amount.value) if line else DASH


def _above(value: float | None, line: IncomeLine | None) -> str:
    if value is None or line is None:
        return DASH
    return "是" if value > line.amount.value else "否"
