"""What the dashboard routes answer: counts per measure for a scope and its children, poverty
incidence per village, relapse, targets, unverified policy values, and villages' populations.
Measures are named (``households``, ``status.exited``, ``fails.water`` …); ``filters`` maps each
to the household-list filter that shows the households it counts.
"""

from __future__ import annotations

from typing import Any, Literal

from fieldsurvey.api.county import Answer


class Scope(Answer):
    code: str
    level: Literal["county", "township", "village"]
    name: str


class CountsRow(Answer):
    code: str
    name: str
    counts: dict[str, int]


class Relapse(Answer):
    relapsed_people: int
    exited_people: int
    relapse_rate_percent: float | None
    relapse_target_percent: float | None
    relapse_target_source: str | None
    meets_relapse_target: bool | None


class Incidence(Relapse):
    """Poverty incidence of a village against the village exit standard."""

    village_code: str
    village: str
    poor_people: int
    population: int
    population_source: Literal["county", "roster"]
    population_note: str | None
    rate_percent: float | None
    standard_percent: float | None
    standard_source: str | None
    standard_verified: bool | None
    meets_standard: bool | None
    filter: dict[str, Any]


class IncomeTarget(Answer):
    year: int
    value: float
    source: str


class UnverifiedPolicy(Answer):
    key: str
    value: Any
    source: str | None
    note: str | None
    county_table: bool
    table: str
    table_zh: str
    table_en: str


class SecretarySeries(Answer):
    username: str
    display_name: str | None
    counts: list[int]


class BatchesPerWeek(Answer):
    weeks: list[str]
    series: list[SecretarySeries]


class Dashboard(Answer):
    as_of: str
    scope: Scope
    measures: list[str]
    filters: dict[str, dict[str, Any]]
    total: dict[str, int]
    rows: list[CountsRow]
    incidence: list[Incidence]
    relapse: Relapse
    income_target: IncomeTarget | None
    unverified_policy: list[UnverifiedPolicy]
    batches_per_week: BatchesPerWeek | None


class Population(Answer):
    """A village with the rural population the county stated (or none) and the roster's people."""

    village_code: str
    village: str
    roster_people: int
    rural_population: int | None
    source: str | None
    updated_by: str | None
    updated_at: str | None


class PopulationSet(Answer):
    village_code: str
    rural_population: int | None


class Reassessed(Answer):
    households: int
    on: str
