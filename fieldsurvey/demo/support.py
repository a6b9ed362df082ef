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

from fieldsurvey.core.household import AssistanceMeasure, Helper, Household
from fieldsurvey.demo.identity import IdAllocator
from fieldsurvey.demo.names import NameMaker
from fieldsurvey.demo.tables import DemoTables, Project, Weighted

_PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "183",
    "187",
    "189",
    "198",
    "199",
)
_OPTIONAL_CATEGORIES: Weighted[str] = Weighted(
    [
        ("industry", 40),
        ("finance", 15),
        ("employment", 12),
        ("living_conditions", 10),
        ("infrastructure", 8),
        ("water", 6),
        ("social_assistance", 8),
        ("health", 8),
        ("compulsory_education", 6),
        ("other_education", 4),
    ]
)


def phone(rng: Random) -> str:
    """A synthetic mobile number: a real-looking prefix and eight random digits."""
    return rng.choice(_PHONE_PREFIXES) + f"{int(rng.random() * 100_000_000):08d}"


@dataclass(slots=True)
class Cadre:
    name: str
    male: bool
    unit: str
    unit_level: str
    phone: str
    id_number: str


CADRE_CITY_AREA = "610702"  # 汉台区, the city seat, for cadres of city and provincial units
# a village's pool stops growing here (an oversized village shares its cadres more widely), so
# the pool, the only per-village state, stays small whatever the number of households
MAX_CADRES = 120
_HISTORY_START = (date(2016, 1, 1).toordinal(), date(2019, 6, 30).toordinal())
_HISTORY_END = (date(2020, 12, 1).toordinal(), date(2021, 2, 28).toordinal())
_TRANSITION = date(2021, 3, 1).toordinal()  # helpers were reassigned as the transition began


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
        village: str,
        as_of: date,
    ) -> None:
        low, high = tables.cadre_households
        count = min(MAX_CADRES, max(2, -(-households // ((low + high) // 2))))
        year = as_of.year
        where = (township, village)
        self.current = [self._cadre(rng, tables, names, ids, where, year) for _ in range(count)]
        self.former = [
            self._cadre(rng, tables, names, ids, where, year) for _ in range(max(1, count // 3))
        ]
        self._latest_start = max(
            _TRANSITION, min(as_of.toordinal(), date(year, 1, 1).toordinal() + 180)
        )

    @staticmethod
    def _cadre(
        rng: Random,
        tables: DemoTables,
        names: NameMaker,
        ids: IdAllocator,
        where: tuple[str, str],
        year: int,
    ) -> Cadre:
        unit, level = tables.helper_units.pick(rng)
        male = rng.random() < 0.65
        birth_year = year - rng.randint(24, 58)
        area = "610728" if level in ("county", "township", "village") else CADRE_CITY_AREA
        _, id_number = ids.issue(area, birth_year, male)
        name = names.full_name(rng, names.outside_surname(rng), birth_year, male)
        unit = unit.format(township=where[0], village=where[1])
        return Cadre(name, male, unit, level, phone(rng), id_number)

    def helpers(self, rng: Random, new_id: Callable[[], str]) -> list[Helper]:
        """One current helper (two for some households), and the earlier one for about a third."""
        r = rng.random
        out: list[Helper] = []
        if r() < 0.33:  # history: the helper of the poverty-alleviation years
            c = self.former[int(r() * len(self.former))]
            low, high = _HISTORY_START
            start = date.fromordinal(low + int(r() * (high - low)))
            low, high = _HISTORY_END
            out.append(_helper(new_id(), c, start, date.fromordinal(low + int(r() * (high - low)))))
        current = self.current
        first = int(r() * len(current))
        span = self._latest_start - _TRANSITION + 1
        out.append(
            _helper(new_id(), current[first], date.fromordinal(_TRANSITION + int(r() * span)), None)
        )
        if r() < 0.15:
            second = (first + 1 + int(r() * (len(current) - 1))) % len(current)
            out.append(
                _helper(
                    new_id(), current[second], date.fromordinal(_TRANSITION + int(r() * span)), None
                )
            )
        return out


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


# a situation of the household → the category of measure it calls for, most pressing first
_CALLED_FOR = (
    ("relocated", "relocation"),
    ("destitute", "social_security"),
    ("dibao", "social_security"),
    ("welfare_job", "public_welfare_job"),
    ("renovated", "housing"),
    ("dropout", "compulsory_education"),
    ("home_schooling", "compulsory_education"),
    ("vocational_student", "other_education"),
    ("college_student", "other_education"),
    ("critical", "health"),
)
_CALLING = frozenset(condition for condition, _ in _CALLED_FOR)
_COUNTS = (1, 1, 2, 2, 3, 4)  # measures a household has in all, including those called for


class MeasurePicker:
    """Chooses and dates a household's measures; the project lists are indexed once."""

    def __init__(self, tables: DemoTables, new_id: Callable[[], str]) -> None:
        self._new_id = new_id
        self._open: dict[str, tuple[Project, ...]] = {}
        self._when: dict[tuple[str, str], tuple[Project, ...]] = {}
        self._conditional: dict[str, tuple[Project, ...]] = {}
        for category, projects in tables.projects.items():
            self._open[category] = tuple(p for p in projects if p.when is None)
            self._conditional[category] = tuple(p for p in projects if p.when is not None)
            for p in projects:
                if p.when is not None:
                    self._when[(category, p.when)] = self._when.get((category, p.when), ()) + (p,)

    def measures(
        self,
        rng: Random,
        hh: Household,
        conditions: set[str],
        as_of: date,
        dibao_amount: float,
        dibao_people: int = 0,
    ) -> list[AssistanceMeasure]:
        """1–4 measures: the ones the household's situation calls for first, then common ones."""
        r = rng.random
        chosen: list[Project] = []
        categories: set[str] = set()
        for condition, category in _CALLED_FOR if not conditions.isdisjoint(_CALLING) else ():
            if condition in conditions and category not in categories:
                options = self._when.get((category, condition))
                if options:
                    chosen.append(options[int(r() * len(options))])
                    categories.add(category)
        target = _COUNTS[int(r() * 6)]
        for _ in range(6):
            if len(chosen) >= target:
                break
            category = _OPTIONAL_CATEGORIES.pick(rng)
            if category in categories or (category in _PRODUCTIVE and "able" not in conditions):
                continue
            options = self._open[category]
            conditional = self._conditional[category]
            if conditional:
                options += tuple(p for p in conditional if p.when in conditions)
            if not options:
                continue
            project = options[int(r() * len(options))]
            chosen.append(project)
            categories.add(category)
        if not chosen:  # every draw was a production measure for a household that cannot work
            options = self._open["health"]
            chosen.append(options[int(r() * len(options))])
        return [self._measure(r, p, hh, as_of, dibao_amount, dibao_people) for p in chosen[:4]]

    def _measure(
        self,
        r: Callable[[], float],
        p: Project,
        hh: Household,
        as_of: date,
        dibao_amount: float,
        dibao_people: int,
    ) -> AssistanceMeasure:
        this_year = as_of.year
        when = p.when
        if when == "renovated" and hh.renovation_year:
            year = hh.renovation_year
        elif when == "relocated":
            year = hh.house_built_year or 2018
        elif p.category in _YEARLY:
            year = this_year - 1 if r() < 0.5 else this_year
        else:
            year = 2016 + int(r() * (this_year - 2016 + (1 if r() < 0.1 else 0) + 1))
        if p.project == "农村低保" and dibao_amount:
            funds: float | None = dibao_amount
        else:
            low, high = p.funds
            funds = (low + (high - low) * r()) // 100 * 100.0 if high else None  # whole hundreds
        result = None
        if year < this_year:
            optional = when is None and p.category not in _YEARLY
            status = "cancelled" if optional and r() < 0.04 else "completed"
            if status == "completed":
                result = "已兑现" if p.category in _PAID else "已完成,户认可"
        else:
            status = "in_progress" if year == this_year else "planned"
        n_low, n_high = p.n
        n = (
            dibao_people
            if p.when == "dibao" and dibao_people
            else n_low + int(r() * (n_high - n_low + 1))
        )
        return AssistanceMeasure(
            category=p.category,
            project=p.project,
            measure_id=self._new_id(),
            year=year,
            scale=p.scale.format(n=n),
            funds=funds,
            deadline=date(year, 12, 31),
            status=status,
            result=result,
        )


_PRODUCTIVE = frozenset({"industry", "employment", "finance"})  # need someone able to work
_YEARLY = frozenset(
    {"social_security", "public_welfare_job", "other_education", "compulsory_education"}
)
_PAID = frozenset({"social_security", "public_welfare_job"})
