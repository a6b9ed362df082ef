"""Yearly incomes by item, built up from the members (who works, who is old, ill or on dibao).

Amounts are rough orders of magnitude for rural southern Shaanxi in 2023–2025: migrant wages
of 2,500–5,000 yuan a month brought home, a few thousand from pigs, tea or konjac, the
residents' pension of about 2,000 a year, dibao of 3,000–5,000 per person, destitute support
of about 8,000. Net income per capita lands mostly between 8,000 and 20,000; households chosen
to be under the line are scaled down to 2,800–5,800, the others lifted above about 7,500 (a
top-up that stands for the odd jobs and family help the items above do not model).

Amounts are whole yuan, rounded as ``(x + 0.5) // 1.0``: for the positive amounts here that is
``round`` without a function call, and it stays a float (a third of this module's time went
to ``float(round(x))`` before).

Item keys are the contract with the policy table (``resources/policy/``): ``wage.*``,
``business.*`` with expenses under the same keys, ``property.*`` and ``transfer.*``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from fieldsurvey.core.household import Household, IncomeRecord, Member

# excluded from net income by the default policy (义务兵津贴, 慰问金, 抚恤金)
EXCLUDED_ITEMS = frozenset(
    {"transfer.conscript_pay", "transfer.condolence", "transfer.pension_for_martyrs"}
)
MIGRANT_WORK = frozenset({"out_province", "out_county_in_province"})
FALL = 0.3  # a "sharp fall": net income per capita at least 30 % below the year before
_MONTHLY = {  # (lowest, span) yuan a month counted as wage income; draws centre on the middle
    "out_province": (2500, 3000),
    "out_county_in_province": (2200, 2600),
    "out_township_in_county": (1800, 2000),
    "in_township": (1500, 1700),
    "other": (1500, 2000),
}
# key, share of farming households, income (lowest, span), expense ratio (lowest, span)
_BUSINESS = (
    ("business.crops", 0.7, 600, 5400, 0.3, 0.2),
    ("business.livestock", 0.55, 1200, 12000, 0.35, 0.2),
    ("business.forestry_fruit", 0.35, 400, 6000, 0.1, 0.1),
    ("business.other", 0.08, 2000, 14000, 0.3, 0.2),
)
# key, chance (other households), chance (registered poor), amount (lowest, span)
_OCCASIONAL = (
    ("property.dividend", 0.05, 0.55, 200, 1000),
    ("property.land_transfer", 0.15, 0.15, 300, 2700),
    ("property.finance", 0.03, 0.1, 300, 700),
    ("property.entrusted", 0.04, 0.04, 500, 1500),
    ("property.rent", 0.03, 0.02, 1000, 5000),
    ("property.interest", 0.1, 0.08, 20, 280),
    ("transfer.eco_compensation", 0.6, 0.6, 100, 1900),
    ("transfer.land_fertility", 0.85, 0.85, 100, 600),
    ("transfer.other", 0.05, 0.05, 100, 1400),
    ("transfer.condolence", 0.03, 0.2, 200, 800),
    ("transfer.pension_for_martyrs", 0.003, 0.003, 3000, 17000),
)
_OCCASIONAL_OTHER = tuple((key, chance, low, span) for key, chance, _, low, span in _OCCASIONAL)
_OCCASIONAL_POOR = tuple((key, chance, low, span) for key, _, chance, low, span in _OCCASIONAL)
_FARMING = frozenset({"ordinary", "skilled", "weak"})  # can keep a field or pigs at home


@dataclass(slots=True)
class IncomePlan:
    years: tuple[int, ...]  # oldest first; the last is the latest complete year
    under_line: bool
    sharp_fall: bool
    big_expense: bool


def net_per_capita(items: dict[str, float], expenses: dict[str, float], size: int) -> float:
    """Net income per capita under the default policy (the three excluded items left out)."""
    excluded = sum(items.get(k, 0.0) for k in _EXCLUDED) if _EXCLUDED & items.keys() else 0.0
    return (sum(items.values()) - excluded - sum(expenses.values())) / max(size, 1)


_EXCLUDED = tuple(sorted(EXCLUDED_ITEMS))


def incomes(
    rng: Random, hh: Household, members: list[Member], ages: list[int], plan: IncomePlan
) -> list[IncomeRecord]:
    """One record per year of ``plan.years``; the latest is built from the members."""
    r = rng.random
    items, expenses = _latest(rng, hh, members, ages)
    size = len(members)
    if plan.under_line:
        _scale_to(items, expenses, size, 2800 + 3000 * r())
    else:
        gap = 7500 + 1500 * r() - net_per_capita(items, expenses, size)
        if gap > 0:
            _top_up(rng, items, members, ages, gap * size * (1.0 + 0.3 * r()))
    growth = 0.06 + 0.04 * (r() + r() + r() - 1.5) * 1.4  # about 6 % a year, ± a few
    fall = 0.4 + 0.25 * r() if plan.sharp_fall else 1.0
    latest = plan.years[-1]
    medical = _medical_costs(r, members)
    records = []
    for year in plan.years:
        back = latest - year
        if back == 0:
            year_items, year_expenses = items, expenses
        else:  # earnings grew year by year (or fell this year); allowances rose slowly
            earned = (1 + growth) ** -back / fall
            allowance = 0.97**back
            # wages and farm income each had their own good or bad year; allowances follow policy
            factor = {
                "w": earned * (0.9 + 0.2 * r()),
                "b": earned * (0.85 + 0.3 * r()),
                "p": allowance,
                "t": allowance,
            }
            year_items = {k: (v * factor[k[0]] + 0.5) // 1.0 for k, v in items.items()}
            farm = factor["b"]
            year_expenses = {k: (v * farm + 0.5) // 1.0 for k, v in expenses.items()}
        record = IncomeRecord(year=year, items=year_items, expenses=year_expenses)
        _spending(r, record, medical, plan.big_expense and back == 0)
        records.append(record)
    if plan.sharp_fall and len(records) >= 2:
        _deepen_fall(r, records[-2], records[-1], size)
    return records


def _top_up(
    rng: Random, items: dict[str, float], members: list[Member], ages: list[int], amount: float
) -> None:
    """Lift a household the items above leave under ~7,500: family help, odd jobs or relief."""
    if ages[0] >= 55:
        key = "transfer.support_from_children"
    else:
        able = [m for m in members if m.labour_capacity in ("ordinary", "skilled", "weak")]
        if able:  # odd jobs near home (打零工): someone has to be recorded as working
            key = "wage.local"
            if not any(m.work_status or m.public_welfare_job for m in members):
                worker = able[int(rng.random() * len(able))]
                worker.work_status, worker.work_months = "in_township", 3 + int(rng.random() * 6)
        else:  # nobody can work: relatives and temporary assistance fill the gap
            key = "transfer.other"
    items[key] = items.get(key, 0.0) + (amount + 0.5) // 1.0


def _deepen_fall(
    r: Callable[[], float], before: IncomeRecord, latest: IncomeRecord, size: int
) -> None:
    """Make sure the year before earned clearly more, when few items scaled with the fall."""
    wanted = net_per_capita(latest.items, latest.expenses, size) / (1 - FALL) * (1.05 + 0.35 * r())
    gap = (wanted - net_per_capita(before.items, before.expenses, size)) * size
    if gap > 0:  # the lost job: wages the household earned the year before and no longer has
        before.items["wage.migrant_work"] = (
            before.items.get("wage.migrant_work", 0.0) + (gap + 0.5) // 1.0
        )


def _latest(
    rng: Random, hh: Household, members: list[Member], ages: list[int]
) -> tuple[dict[str, float], dict[str, float]]:
    r = rng.random
    items: dict[str, float] = {}
    expenses: dict[str, float] = {}
    get = items.get
    farming = able = critical = False
    old = 0
    for m, age in zip(members, ages, strict=True):
        work = m.work_status
        capacity = m.labour_capacity
        if m.public_welfare_job:
            items["wage.public_welfare_job"] = (
                get("wage.public_welfare_job", 0.0) + (12 * (500 + 200 * r()) + 0.5) // 1.0
            )
        elif work is not None:
            low, span = _MONTHLY[work]
            key = "wage.migrant_work" if work in MIGRANT_WORK else "wage.local"
            items[key] = (
                get(key, 0.0) + ((m.work_months or 0) * (low + span * (r() + r()) / 2) + 0.5) // 1.0
            )
        if capacity in _FARMING and (work is None or work == "in_township"):
            farming = True
            able = able or capacity != "weak"
        elif capacity == "ordinary" or capacity == "skilled":
            able = True
        if m.dibao:
            items["transfer.dibao"] = (
                get("transfer.dibao", 0.0) + (2800 + 2400 * (r() + r()) / 2 + 0.5) // 1.0
            )
        elif m.destitute_support:
            items["transfer.destitute"] = (
                get("transfer.destitute", 0.0) + (7600 + 1800 * r() + 0.5) // 1.0
            )
        if age >= 60:
            old += 1
            if m.resident_pension:
                items["transfer.pension"] = (
                    get("transfer.pension", 0.0) + (1800 + 800 * r() + 0.5) // 1.0
                )
            if age >= 80:
                items["transfer.elderly"] = get("transfer.elderly", 0.0) + (
                    1200.0 if age >= 90 else 720.0
                )
        health = m.health
        if health == "healthy":
            pass
        elif health == "critical":
            critical = True
        elif health == "disabled" and (hh.registered_poor or m.dibao):
            amount = 2160.0 if m.disability_grade in ("1", "2") else 960.0
            items["transfer.disability"] = get("transfer.disability", 0.0) + amount
        if m.active_military:
            items["transfer.conscript_pay"] = (12000 + 8000 * r() + 0.5) // 1.0
    for key, share, low, span, e_low, e_span in _BUSINESS:
        if r() < (share if farming else share * 0.3):
            amount = ((low + span * (r() + r()) / 2) * (1.0 if farming else 0.3) + 0.5) // 1.0
            items[key] = amount
            expenses[key] = (amount * (e_low + e_span * r()) + 0.5) // 1.0
    for key, chance, low, span in _OCCASIONAL_POOR if hh.registered_poor else _OCCASIONAL_OTHER:
        if r() < chance:
            items[key] = (low + span * r() + 0.5) // 1.0
    if hh.relocated and r() < 0.1:
        items["transfer.relocation_subsidy"] = (500 + 2500 * r() + 0.5) // 1.0
    if old and r() < 0.12:
        items["transfer.family_planning"] = 960.0 * min(old, 2)
    if ages[0] >= 60 and not able and r() < 0.7:
        items["transfer.support_from_children"] = (1000 + 7000 * (r() + r() + r()) / 3 + 0.5) // 1.0
    if hh.risks and any(x.startswith("disaster_") for x in hh.risks):
        items["transfer.disaster_relief"] = (500 + 2500 * r() + 0.5) // 1.0
    if r() < (0.08 if critical else 0.01):
        items["transfer.anti_poverty_insurance"] = (2000 + 18000 * r() + 0.5) // 1.0
    return items, expenses


def _scale_to(
    items: dict[str, float], expenses: dict[str, float], size: int, target: float
) -> None:
    """Bring net income per capita down to ``target``: earnings first, then everything."""
    net = net_per_capita(items, expenses, size) * size
    want = target * size
    if net <= want:
        return
    earned = sum(v for k, v in items.items() if k[0] in "wbp") - sum(expenses.values())
    fixed = net - earned
    if fixed < want and earned > 0:
        f = (want - fixed) / earned
        keys = [k for k in items if k[0] in "wbp"]
    else:
        f = want / net
        keys = list(items)
    for k in keys:  # keep at least 10 yuan: an item that was earned stays recorded
        items[k] = max(10.0, (items[k] * f + 0.5) // 1.0)
    for k in expenses:
        expenses[k] = (expenses[k] * f + 0.5) // 1.0


def _medical_costs(r: Callable[[], float], members: list[Member]) -> float:
    """A typical year's 合规自付医疗支出 of the household, from its members' health."""
    medical = 0.0
    for m in members:
        health = m.health
        if health == "critical":
            medical += 3000 + 37000 * r() * r()
        elif health == "chronic":
            medical += 300 + 3700 * r() * r()
        elif r() < 0.15:
            medical += 100 + 700 * r()
    return medical


def _spending(r: Callable[[], float], record: IncomeRecord, medical: float, big: bool) -> None:
    """Medical spending of the year (the typical amount, more or less), and sudden expenses."""
    record.medical_out_of_pocket = (medical * (0.6 + 0.8 * r()) + 0.5) // 1.0
    if big:
        record.sudden_expenses = (10000 + 50000 * r() * r() + 0.5) // 1.0
    elif r() < 0.03:
        record.sudden_expenses = (1000 + 5000 * r() + 0.5) // 1.0
