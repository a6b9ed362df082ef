"""Assess a household on a day: 两不愁三保障, safe water and income, exit eligibility and risks.

The rules read the Household registry (which the visit forms fill) and the policy tables; the
result type is fixed in ``assessment_result.py``. Unknown is never met: a household is only exit
eligible when every dimension is MET, so a missing answer keeps it from exiting until asked.

Income: the record of the assessment year is used, else the latest earlier one (the reason says
so). Its year picks the line (see ``policy.py``): the national poverty line up to 2020, the
monitoring threshold of the household's division after. Income must be above the line (稳定超过)
to meet it; the under-threshold risk is raised below the threshold, so income exactly equal is
neither. The sharp-fall flag compares with ``previous_income`` or, when not given, the
household's record of the year before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from fieldsurvey.core.assessment_result import (
    DIMENSIONS,
    MET,
    NOT_MET,
    UNKNOWN,
    Assessment,
    DimensionResult,
    Reason,
    RiskFlag,
)
from fieldsurvey.core.dimensions import (
    dropouts,
    judge_clothing,
    judge_education,
    judge_food,
    judge_housing,
    judge_medical,
    member_label,
    reason,
    uninsured,
)
from fieldsurvey.core.household import Household, IncomeRecord, Member
from fieldsurvey.core.income import IncomeBreakdown, income_breakdown
from fieldsurvey.core.policy import IncomeItem, IncomeLine, Policy, load_policy
from fieldsurvey.core.text import Text
from fieldsurvey.core.visit import MemberChange
from fieldsurvey.core.water import judge_water

__all__ = ["AssessmentSummary", "assess", "pick_income", "summarise"]


def pick_income(household: Household, year: int) -> IncomeRecord | None:
    """The record of ``year``, else the latest earlier one; later years are never used."""
    exact = household.income_for(year)
    if exact is not None:
        return exact
    return max((r for r in household.incomes if r.year < year), key=lambda r: r.year, default=None)


def assess(
    household: Household,
    *,
    on: date,
    policy: Policy | None = None,
    previous_income: IncomeRecord | None = None,
    member_changes: Sequence[MemberChange] = (),
) -> Assessment:
    """The household on ``on``. ``member_changes`` (the household's dated 人员变更) give each
    year's own household size, so an earlier year's income is divided by the people of that
    year; a record's own ``household_size`` comes first."""
    policy = policy or load_policy()
    record = pick_income(household, on.year)
    year = record.year if record else on.year
    changes = list(member_changes)
    breakdown = income_breakdown(record, household, policy, changes) if record else None
    line = policy.income_line(household.division_code, year)
    dimensions = {
        "food": judge_food(household),
        "clothing": judge_clothing(household),
        "education": judge_education(household, on, policy),
        "medical": judge_medical(household, on, policy),
        "housing": judge_housing(household),
        "water": judge_water(household, policy),
        "income": judge_income(breakdown, line, on, policy),
    }
    per_capita = breakdown.net_income_per_capita if breakdown else None
    national = policy.poverty_line(year)
    threshold = policy.monitoring_threshold(household.division_code, year)
    if previous_income is None and record is not None:
        previous_income = household.income_for(record.year - 1)
    previous = (
        income_breakdown(previous_income, household, policy, changes) if previous_income else None
    )
    dropped, no_insurance = dropouts(household, on, policy), uninsured(household, policy)
    return Assessment(
        household_id=household.household_id,
        assessed_on=on,
        policy_year=year,
        dimensions=dimensions,
        exit_eligible=all(dimensions[d].outcome == MET for d in DIMENSIONS),
        risk_flags=tuple(
            _risk_flags(household, policy, dimensions, breakdown, previous, record)
            + _member_risks(household, on, dropped, no_insurance)
            + _no_labour(household, on, policy)
        ),
        net_income_per_capita=per_capita,
        poverty_line=float(national.value) if national else None,
        monitoring_threshold=float(threshold.value) if threshold else None,
        flags=_flags(dimensions, dropped, no_insurance, breakdown),
    )


def judge_income(
    breakdown: IncomeBreakdown | None,
    line: IncomeLine | None,
    on: date,
    policy: Policy | None = None,
) -> DimensionResult:
    if breakdown is None:
        return DimensionResult(
            "income",
            UNKNOWN,
            (reason("未记录收入", "no income has been recorded", fact="incomes"),),
        )
    per_capita = breakdown.net_income_per_capita
    if per_capita is None:
        return DimensionResult(
            "income",
            UNKNOWN,
            (
                reason(
                    "家庭人口为0,无法计算人均纯收入",
                    "household size is 0: no per-capita income",
                    fact="household_size",
                ),
            ),
        )
    notes = _income_notes(breakdown, on, policy or load_policy())
    if line is None:
        missing = reason(
            f"政策表中没有{breakdown.year}年适用的收入标准",
            f"the policy tables have no income line for {breakdown.year}",
            fact="incomes",
        )
        return DimensionResult("income", UNKNOWN, (missing, *notes))
    amount = float(line.amount.value)
    ok = per_capita > amount  # exit needs income above the line (稳定超过), not equal to it
    if ok:
        compare = Text("高于", "is above")
    elif per_capita == amount:
        compare = Text("仅等于，未超过", "only equals, not above,")
    else:
        compare = Text("低于", "is below")
    main = reason(
        f"{breakdown.year}年人均纯收入{per_capita:.2f}元，{compare.zh}{line.label.zh}{amount:g}元",
        f"net income per capita in {breakdown.year} is {per_capita:.2f} yuan and {compare.en} the "
        f"{line.label.en} of {amount:g} yuan",
        fact="incomes",
    )
    return DimensionResult(
        "income", MET if ok else NOT_MET, (main, *_line_notes(line, breakdown.year), *notes)
    )


def _line_notes(line: IncomeLine, year: int) -> list[Reason]:
    notes: list[Reason] = []
    if line.year != year:
        notes.append(
            reason(
                f"{year}年没有监测标准，沿用{line.year}年标准",
                f"no threshold for {year}: the {line.year} threshold is carried forward",
            )
        )
    # Whether the line is verified is the county's question, not the household's: it is flagged
    # on the county dashboard and by `fieldsurvey policy check`, never in a reason the ledger
    # prints and the household signs.
    if line.amount.county:
        notes.append(
            reason("该收入标准来自本县政策表", "this line comes from the county's own policy table")
        )
    return notes


def _income_notes(b: IncomeBreakdown, on: date, policy: Policy) -> list[Reason]:
    notes: list[Reason] = []
    items = policy.income_items()
    if b.year != on.year:
        notes.append(
            reason(
                f"没有{on.year}年的收入记录，使用{b.year}年的记录",
                f"no income record for {on.year}: the {b.year} record is used",
                fact="incomes",
            )
        )
    for key, amount in b.estimated_expenses.items():
        label, ratio = _item_label(items, key), b.estimate_ratios.get(key, 0.0)
        notes.append(
            reason(
                f"{label.zh}未记录生产经营支出，按政策表中本县默认成本比例{ratio:.0%}估算为{amount:g}元",
                f"no expense recorded for {label.en}: estimated at {amount:g} yuan by the "
                f"county's default cost ratio of {ratio:.0%} in the policy tables",
                fact=f"expenses.{key}",
            )
        )
    for key in b.unrecorded_expenses:
        label = _item_label(items, key)
        notes.append(
            reason(
                f"{label.zh}有经营收入但未记录生产经营支出，按0元计，纯收入可能偏高；请补录支出",
                f"{label.en} has income but no expense recorded: counted as 0, so net income "
                "may be overstated; the expense is to be completed",
                fact=f"expenses.{key}",
            )
        )
    for key, amount in b.excluded.items():
        notes.append(
            reason(
                f"{_item_label(items, key).zh}（{amount:g}元）按政策不计入纯收入",
                f"{_item_label(items, key).en} ({amount:g} yuan) is not counted by policy",
                fact=f"items.{key}",
            )
        )
    for key, amount in b.unknown_items.items():
        notes.append(
            reason(
                f"未知收入项目{key}（{amount:g}元）未计入",
                f"unknown income item {key} ({amount:g} yuan) is not counted",
                fact=key,
            )
        )
    return notes


def _item_label(items: dict[str, IncomeItem], key: str) -> Text:
    item = items.get(key)
    return item.label if item else Text(key, key)


def _flags(
    dimensions: dict[str, DimensionResult],
    dropped: list[tuple[Member, Reason]],
    uninsured_members: list[Member],
    breakdown: IncomeBreakdown | None,
) -> tuple[str, ...]:
    failing = {d for d, r in dimensions.items() if r.outcome == NOT_MET}
    flags = []
    if dropped:
        flags.append("dropout")
    if uninsured_members:
        flags.append("uninsured")
    if "housing" in failing:
        flags.append("unsafe_house")
    if "water" in failing:
        flags.append("unsafe_water")
    if "income" in failing:
        flags.append("under_line")
    if failing & {"food", "clothing"}:
        flags.append("food_clothing")
    if breakdown is not None and breakdown.unrecorded_expenses:
        flags.append("expenses_unrecorded")  # for the secretary to complete
    return tuple(flags)


def _risk_flags(
    household: Household,
    policy: Policy,
    dimensions: dict[str, DimensionResult],
    breakdown: IncomeBreakdown | None,
    previous: IncomeBreakdown | None,
    record: IncomeRecord | None,
) -> list[RiskFlag]:
    """The household-level relapse risks: income, medical spending, house and water."""
    flags: list[RiskFlag] = []
    per_capita = breakdown.net_income_per_capita if breakdown else None
    if breakdown is not None and per_capita is not None:
        threshold = policy.monitoring_threshold(household.division_code, breakdown.year)
        if threshold is not None and per_capita < threshold.value:
            flags.append(
                RiskFlag(
                    "under_monitoring_threshold",
                    Text(
                        f"人均纯收入{per_capita:.2f}元低于监测标准{threshold.value:g}元",
                        f"net income per capita {per_capita:.2f} yuan is under the "
                        f"monitoring threshold of {threshold.value:g} yuan",
                    ),
                )
            )
        before = previous.net_income_per_capita if previous else None
        drop = policy.risk.income_drop_ratio.value
        if previous is not None and before is not None and before > 0:
            fall = (before - per_capita) / before
            if fall > drop:
                flags.append(
                    RiskFlag(
                        "income_drop",
                        Text(
                            f"人均纯收入由{previous.year}年{before:.2f}元（{previous.household_size}人）"
                            f"降至{breakdown.year}年{per_capita:.2f}元（{breakdown.household_size}人），"
                            f"降幅{fall:.0%}（超过{drop:.0%}）",
                            f"net income per capita fell from {before:.2f} yuan in {previous.year} "
                            f"({previous.household_size} people) to {per_capita:.2f} yuan in "
                            f"{breakdown.year} ({breakdown.household_size} people), by {fall:.0%} "
                            f"(over {drop:.0%})",
                        ),
                    )
                )
    if record is not None and breakdown is not None and record.medical_out_of_pocket:
        flags.extend(_medical_burden(record.medical_out_of_pocket, breakdown.net_income, policy))
    if record is not None and breakdown is not None and record.sudden_expenses:
        flags.extend(_sudden_expense(record, breakdown.net_income, policy))
    if dimensions["housing"].outcome == NOT_MET:
        flags.append(RiskFlag("unsafe_house", dimensions["housing"].reasons[0].text))
    if dimensions["water"].outcome == NOT_MET:
        flags.append(RiskFlag("unsafe_water", Text("饮水不安全", "drinking water is not safe")))
    return flags


def _member_risks(
    household: Household,
    on: date,
    dropped: list[tuple[Member, Reason]],
    no_insurance: list[Member],
) -> list[RiskFlag]:
    """One flag per child out of compulsory education (saying why) or member uninsured."""
    flags: list[RiskFlag] = []
    for member, why in dropped:
        flags.append(RiskFlag("dropout", why.text, member.member_id))
    for member in no_insurance:
        who = member_label(household, member, on)
        text = Text(f"{who.zh}未参加基本医疗保险", f"{who.en} has no basic medical insurance")
        flags.append(RiskFlag("uninsured", text, member.member_id))
    return flags


def _over_threshold(spent: float, net_income: float, ratio: float, amount: float) -> Text | None:
    """Why ``spent`` is too much: above the fixed amount, else above the share of net income (any
    spending counts when there is no positive income); None when it is neither."""
    if spent > amount:
        return Text(f"超过{amount:g}元", f"over {amount:g} yuan")
    if net_income <= 0 or spent > ratio * net_income:
        return Text(
            f"超过家庭纯收入的{ratio:.0%}", f"over {ratio:.0%} of the household's net income"
        )
    return None


def _medical_burden(out_of_pocket: float, net_income: float, policy: Policy) -> list[RiskFlag]:
    risk = policy.risk
    why = _over_threshold(
        out_of_pocket, net_income, risk.medical_burden_ratio.value, risk.medical_burden_amount.value
    )
    if why is None:
        return []
    return [
        RiskFlag(
            "medical_burden",
            Text(
                f"合规自付医疗支出{out_of_pocket:g}元，{why.zh}",
                f"out-of-pocket medical spending of {out_of_pocket:g} yuan, {why.en}",
            ),
        )
    ]


def _sudden_expense(record: IncomeRecord, net_income: float, policy: Policy) -> list[RiskFlag]:
    """支出骤增: a sudden non-medical expense (disaster, accident …) of the income record."""
    amount = float(record.sudden_expenses or 0)
    risk = policy.risk
    why = _over_threshold(
        amount, net_income, risk.sudden_expense_ratio.value, risk.sudden_expense_amount.value
    )
    if why is None:
        return []
    return [
        RiskFlag(
            "sudden_expense",
            Text(
                f"{record.year}年突发大额支出（非医疗）{amount:g}元，{why.zh}，支出骤增",
                f"a sudden non-medical expense of {amount:g} yuan in {record.year}, {why.en}: "
                "expenses rose sharply",
            ),
        )
    ]


def _no_labour(household: Household, on: date, policy: Policy) -> list[RiskFlag]:
    risk = policy.risk
    low, high = risk.working_age_min.value, risk.working_age_max.value
    working_age = [m for m in household.present_members if low <= m.age(on) <= high]
    if any(m.labour_capacity in risk.labour_capacities.value for m in working_age):
        return []
    if any(m.labour_capacity is None for m in working_age):
        text = Text(
            f"{low}–{high}岁成员的劳动能力未记录完整，未能确认家中有劳动力",
            f"labour capacity of members aged {low}–{high} is not fully recorded: no labourer confirmed",
        )
    else:
        text = Text(
            f"家中没有{low}–{high}岁的劳动力", f"no labourer aged {low}–{high} in the household"
        )
    return [RiskFlag("no_labour", text)]


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    """Counts over many assessments, for village and county reports."""

    total: int
    exit_eligible: int
    outcomes: dict[str, dict[str, int]]  # dimension → outcome → households
    flags: dict[str, int]  # FLAG_LABELS key → households
    risks: dict[str, int]  # risk code → households with at least one such flag

    def failing(self, dimension: str) -> int:
        return self.outcomes.get(dimension, {}).get(NOT_MET, 0)

    def unknown(self, dimension: str) -> int:
        return self.outcomes.get(dimension, {}).get(UNKNOWN, 0)


def summarise(assessments: Iterable[Assessment]) -> AssessmentSummary:
    total = eligible = 0
    outcomes = {d: dict.fromkeys((MET, NOT_MET, UNKNOWN), 0) for d in DIMENSIONS}
    flags: Counter[str] = Counter()
    risks: Counter[str] = Counter()
    for a in assessments:
        total += 1
        eligible += a.exit_eligible
        for d in DIMENSIONS:
            outcomes[d][a.outcome(d)] += 1
        flags.update(set(a.flags))
        risks.update({f.code for f in a.risk_flags})
    return AssessmentSummary(total, eligible, outcomes, dict(flags), dict(risks))
