"""Income by component for each recorded year, as the ledger's income table shows it.

人均纯收入 = (工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出) ÷ 家庭人口. Item keys
are ``component.item`` (``wage.migrant_work``); the component is the part before the dot.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.core.household import Household, IncomeRecord

COMPONENTS = ("wage", "business", "property", "transfer")
COMPONENT_LABELS = {
    "wage": "工资性收入",
    "business": "生产经营性收入",
    "property": "财产性收入",
    "transfer": "转移性收入",
    "other": "其他收入",
}


@dataclass(frozen=True, slots=True)
class YearIncome:
    year: int
    components: dict[str, float]  # COMPONENTS plus "other" when items carry another prefix
    business_expenses: float
    net_income: float
    size: int
    net_per_capita: float | None
    poverty_line: float | None
    monitoring_threshold: float | None


def year_income(
    household: Household, record: IncomeRecord, assessment: Assessment | None
) -> YearIncome:
    components = dict.fromkeys(COMPONENTS, 0.0)
    for key, amount in record.items.items():
        component = key.split(".", 1)[0]
        bucket = component if component in COMPONENTS else "other"
        components[bucket] = components.get(bucket, 0.0) + float(amount)
    expenses = sum(float(v) for v in record.expenses.values())
    net = sum(components.values()) - expenses
    size = record.household_size or household.size
    line = threshold = None
    if assessment is not None and assessment.policy_year == record.year:
        line, threshold = assessment.poverty_line, assessment.monitoring_threshold
    return YearIncome(
        year=record.year,
        components=components,
        business_expenses=expenses,
        net_income=net,
        size=size,
        net_per_capita=round(net / size, 2) if size else None,
        poverty_line=line,
        monitoring_threshold=threshold,
    )


def income_years(household: Household, assessment: Assessment | None) -> list[YearIncome]:
    return [year_income(household, r, assessment) for r in sorted(household.incomes, key=lambda r: r.year)]
