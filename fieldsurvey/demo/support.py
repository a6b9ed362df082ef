"""Assigned helpers (帮扶责任人) and assistance measures (帮扶措施) of a household.

Helpers are cadres of county bureaus and the township, each responsible for a handful of
households in one village, so the same names recur across a village's ledgers as they do in
the field. Helpers were reassigned when the transition period began in 2021: about a third of
households keep the earlier helper as history (with an end date). Measures are chosen from
the projects the household qualifies for (a renovation only for a renovated house, dibao only
for a dibao household …) and dated; past ones are completed, this year's in progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from random import Random

from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, Member
from fieldsurvey.demo.identity import IdAllocator
from fieldsurvey.demo.names import NameMaker
from fieldsurvey.demo.tables import DemoTables, Project, Weighted

_PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "183", "187", "189",
    "198", "199",
)
_OPTIONAL_CATEGORIES: Weighted[str] = Weighted(
    [("industry", 40), ("finance", 15), ("employment", 12), ("living_conditions", 10),
     ("infrastructure", 8), ("water", 6), ("social_assistance", 8), ("health", 6)]
)


def phone(rng: Random) -> str:
    """A synthetic mobile number: a real-looking prefix and eight random digits."""
    return rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


@dataclass(frozen=True, slots=True)
class Cadre:
    name: str
    male: bool
    unit: str
    unit_level: str
    phone: str
    id_number: str


class CadrePool:
    """The cadres assigned to one village: current ones, and the ones before 2021."""

    def __init__(
        self,
        rng: Random,
        tables: DemoTables,
        names: NameMaker,
        ids: IdAllocator,
        households: int,
        township: str,
        year: int,
    ) -> None:
        low, high = tables.cadre_households
        count = max(2, -(-households // ((low + high) // 2)))
        self.current = [self._cadre(rng, tables, names, ids, township, year) for _ in range(count)]
        self.former = [self._cadre(rng, tables, names, ids, township, year) for _ in range(max(1, count // 2))]

    @staticmethod
    def _cadre(
        rng: Random, tables: DemoTables, names: NameMaker, ids: IdAllocator, township: str, year: int
    ) -> Cadre:
        unit, level = tables.helper_units.pick(rng)
        male = rng.random() < 0.65
        birth_year = year - rng.randint(24, 58)
        area = "610728" if level in ("county", "township", "village") else "610702"
        _, id_number = ids.issue(area, birth_year, male)
        name = names.full_name(rng, names.outside_surname(rng), birth_year, male)
        return Cadre(name, male, unit.format(township=township), level, phone(rng), id_number)

    def helpers(self, rng: Random, as_of: date, new_id: Callable[[], str]) -> list[Helper]:
        out: list[Helper] = []
        start_2021 = date(2021, 3, 1).toordinal()
        if rng.random() < 0.33:  # history: the helper of the poverty-alleviation years
            c = rng.choice(self.former)
            start = date.fromordinal(rng.randint(date(2016, 1, 1).toordinal(), date(2019, 6, 30).toordinal()))
            end = date.fromordinal(rng.randint(date(2020, 12, 1).toordinal(), start_2021 - 1))
            out.append(self._helper(new_id(), c, start, end))
        latest = min(as_of.toordinal(), date(as_of.year, 1, 1).toordinal() + 180)
        for c in rng.sample(self.current, 2 if rng.random() < 0.15 and len(self.current) > 1 else 1):
            start = date.fromordinal(rng.randint(start_2021, max(start_2021, latest)))
            out.append(self._helper(new_id(), c, start, None))
        return out

    @staticmethod
    def _helper(helper_id: str, c: Cadre, start: date, end: date | None) -> Helper:
        return Helper(
            name=c.name,
            unit=c.unit,
            start_date=start,
            helper_id=helper_id,
            sex="male" if c.male else "female",
            unit_level=c.unit_level,
            phone=c.phone,
            id_number=c.id_number,
            end_date=end,
        )


@dataclass(slots=True)
class Qualifies:
    """Which conditional projects (the ``when`` of measures.json) a household qualifies for."""

    conditions: set[str]

    @classmethod
    def of(cls, hh: Household, members: list[Member], ages: list[int]) -> Qualifies:
        c: set[str] = set()
        for m, age in zip(members, ages, strict=True):
            if m.public_welfare_job:
                c.add("welfare_job")
            if m.health in ("chronic", "critical"):
                c.add("ill")
            if m.health == "critical":
                c.add("critical")
            if m.health == "disabled":
                c.add("disabled")
            s = m.schooling or ""
            if s in ("primary", "grade7", "grade8", "grade9") and 6 <= age <= 16:
                c.add("home_schooling" if m.home_schooling else "compulsory_student")
            elif s.startswith("senior"):
                c.add("senior_student")
            elif s.startswith(("vocational", "higher_vocational")):
                c.add("vocational_student")
            elif s == "college_plus":
                c.add("college_student")
            if m.dropout_reason:
                c.add("dropout")
            if m.dibao:
                c.add("dibao")
            if m.destitute_support:
                c.add("destitute")
        if hh.relocated:
            c.add("relocated")
        if hh.renovation_status in ("completed", "in_progress", "planned") and hh.renovation_year:
            c.add("renovated")
        return cls(c)


def measures(
    rng: Random,
    tables: DemoTables,
    hh: Household,
    q: Qualifies,
    as_of: date,
    dibao_amount: float,
    new_id: Callable[[], str],
) -> list[AssistanceMeasure]:
    """1–4 measures: the ones the household's situation calls for first, then common ones."""
    chosen: list[Project] = []
    musts = (
        ("relocated", "relocation"), ("destitute", "social_security"), ("dibao", "social_security"),
        ("welfare_job", "public_welfare_job"), ("renovated", "housing"), ("dropout", "compulsory_education"),
        ("home_schooling", "compulsory_education"), ("vocational_student", "other_education"),
        ("college_student", "other_education"), ("critical", "health"),
    )
    for condition, category in musts:
        if condition in q.conditions and len(chosen) < 4:
            project = _pick(rng, tables, category, q, prefer=condition)
            if project and all(p.category != category for p in chosen):
                chosen.append(project)
    target = rng.choice((1, 2, 2, 3, 3, 4))
    for _ in range(8):
        if len(chosen) >= target:
            break
        category = _OPTIONAL_CATEGORIES.pick(rng)
        project = _pick(rng, tables, category, q)
        if project and all(p.project != project.project for p in chosen):
            chosen.append(project)
    return [_measure(rng, p, hh, as_of, dibao_amount, new_id()) for p in chosen[:4]]


def _pick(rng: Random, tables: DemoTables, category: str, q: Qualifies, prefer: str | None = None) -> Project | None:
    options = [p for p in tables.projects.get(category, ()) if p.when is None or p.when in q.conditions]
    preferred = [p for p in options if p.when == prefer]
    pool = preferred or options
    return rng.choice(pool) if pool else None


def _measure(
    rng: Random, p: Project, hh: Household, as_of: date, dibao_amount: float, measure_id: str
) -> AssistanceMeasure:
    if p.when == "renovated" and hh.renovation_year:
        year = hh.renovation_year
    elif p.when == "relocated":
        year = hh.house_built_year or rng.randint(2016, 2020)
    elif p.category in ("social_security", "public_welfare_job", "other_education", "compulsory_education"):
        year = as_of.year - 1 if rng.random() < 0.5 else as_of.year
    else:
        year = rng.randint(2016, as_of.year + (1 if rng.random() < 0.1 else 0))
    if p.project == "农村低保" and dibao_amount:
        funds: float | None = dibao_amount
    else:
        low, high = p.funds
        funds = float(round(rng.uniform(low, high), -2)) if high else None
    if year < as_of.year:
        status = "completed" if rng.random() < 0.96 else "cancelled"
    elif year == as_of.year:
        status = "in_progress"
    else:
        status = "planned"
    result = None
    if status == "completed":
        result = "已兑现" if p.category in ("social_security", "public_welfare_job") else "已完成,户认可"
    return AssistanceMeasure(
        category=p.category,
        project=p.project,
        measure_id=measure_id,
        year=year,
        scale=p.scale.format(n=rng.randint(*p.n)),
        funds=funds,
        deadline=date(year, 12, 31),
        status=status,
        result=result,
    )
