"""Lookup tables the generator draws from, built once from ``resources/demo/``.

Drawing 100,000 households must stay fast, so every weighted choice is precomputed here as a
cumulative table picked with one ``random()`` and a bisection; nothing is parsed or sorted per
household. The data files carry where their contents come from.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from random import Random
from typing import Any, Generic, TypeVar

from fieldsurvey.core.resources import load_json

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice among fixed items, picked in O(log n) from one uniform draw."""

    __slots__ = ("items", "_cum")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items: list[T] = []
        weights: list[float] = []
        for item, weight in pairs:
            if weight < 0:
                raise ValueError("weights must not be negative")
            if weight > 0:
                items.append(item)
                weights.append(float(weight))
        if not items:
            raise ValueError("a weighted table needs at least one item with a positive weight")
        self.items: tuple[T, ...] = tuple(items)
        total = sum(weights)
        # cumulative shares; the last is above 1 so that any random() in [0, 1) finds an item
        self._cum = [c / total for c in accumulate(weights)]
        self._cum[-1] = 2.0

    def pick(self, rng: Random) -> T:
        return self.items[bisect_right(self._cum, rng.random())]

    def __len__(self) -> int:
        return len(self.items)


def weighted(mapping: dict[T, float]) -> Weighted[T]:
    return Weighted(mapping.items())


def triangular_ints(low: int, high: int, mode: float) -> Weighted[int]:
    """Whole numbers in [low, high) shaped like ``random.triangular(low, high, mode)``.

    One table lookup replaces the square root and arithmetic of a triangular draw, which the
    generator makes several times per household.
    """

    def density(x: float) -> float:
        if x <= mode:
            return (x - low) / (mode - low) if mode > low else 1.0
        return (high - x) / (high - mode) if high > mode else 1.0

    return Weighted((n, density(n + 0.5)) for n in range(low, high))


@dataclass(frozen=True, slots=True)
class NameCohort:
    """Given names of people born up to ``until`` (inclusive)."""

    until: int
    single_share: float
    male: Weighted[str]
    female: Weighted[str]
    male_single: Weighted[str]
    female_single: Weighted[str]


@dataclass(frozen=True, slots=True)
class Project:
    category: str
    project: str
    funds: tuple[int, int]
    scale: str
    n: tuple[int, int]
    when: str | None


@dataclass(frozen=True, slots=True)
class DemoTables:
    national_surnames: Weighted[str]
    regional_surnames: Weighted[str]
    cohorts: tuple[NameCohort, ...]
    cohort_until: tuple[int, ...]
    township_names: tuple[str, ...]
    village_first: tuple[str, ...]
    village_landform: tuple[str, ...]
    hamlet_descriptors: tuple[str, ...]
    hamlet_suffixes: tuple[str, ...]
    group_numerals: tuple[str, ...]
    schools: dict[str, Any]
    dropout_reasons: Weighted[str]
    helper_units: Weighted[tuple[str, str]]
    cadre_households: tuple[int, int]
    projects: dict[str, tuple[Project, ...]]

    def cohort(self, birth_year: int) -> NameCohort:
        i = bisect_right(self.cohort_until, birth_year - 1)
        return self.cohorts[min(i, len(self.cohorts) - 1)]


def _pairs(raw: Sequence[Sequence[Any]]) -> list[tuple[str, float]]:
    return [(str(name), float(weight)) for name, weight in raw]


@cache
def demo_tables() -> DemoTables:
    surnames = load_json("demo", "surnames.json")
    national = _pairs(surnames["items"])
    boost = dict(_pairs(surnames["regional"]))
    regional = {name: share for name, share in national}
    for name, extra in boost.items():
        regional[name] = regional.get(name, 0.0) + extra

    names = load_json("demo", "given_names.json")
    cohorts = tuple(
        NameCohort(
            int(c["until"]),
            float(c["single_share"]),
            Weighted(_pairs(c["male"])),
            Weighted(_pairs(c["female"])),
            Weighted(_pairs(c["male_single"])),
            Weighted(_pairs(c["female_single"])),
        )
        for c in sorted(names["cohorts"], key=lambda c: c["until"])
    )

    places = load_json("demo", "places.json")
    schools = load_json("demo", "schools.json")
    helpers = load_json("demo", "helpers.json")
    measures = load_json("demo", "measures.json")
    projects = {
        category: tuple(
            Project(
                category,
                p["project"],
                (int(p["funds"][0]), int(p["funds"][1])),
                p["scale"],
                (int(p["n"][0]), int(p["n"][1])),
                p.get("when"),
            )
            for p in items
        )
        for category, items in measures["projects"].items()
    }
    low, high = helpers["cadre_households"]
    return DemoTables(
        national_surnames=Weighted(national),
        regional_surnames=weighted(regional),
        cohorts=cohorts,
        cohort_until=tuple(c.until for c in cohorts),
        township_names=tuple(places["township_names"]),
        village_first=tuple(places["village_first"]),
        village_landform=tuple(places["village_landform"]),
        hamlet_descriptors=tuple(places["hamlet_descriptors"]),
        hamlet_suffixes=tuple(places["hamlet_suffixes"]),
        group_numerals=tuple(places["group_numerals"]),
        schools=schools,
        dropout_reasons=Weighted(_pairs(schools["dropout_reasons"])),
        helper_units=Weighted(((unit, level), float(w)) for unit, level, w in helpers["units"]),
        cadre_households=(int(low), int(high)),
        projects=projects,
    )
