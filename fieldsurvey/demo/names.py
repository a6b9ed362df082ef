"""Chinese names: surnames clustered by village, given names by sex and birth cohort.

A village in the Daba mountains is dominated by a few lineages (张家湾 is mostly 张), while
wives come from elsewhere; a 1950s woman is 桂英 or 秀兰 and her granddaughter 子涵. The tables
come from ``resources/demo/`` (see its README for sources); this module only draws from them.
"""

from __future__ import annotations

from collections.abc import Collection
from random import Random

from fieldsurvey.demo.tables import DemoTables


class NameMaker:
    """Draws names; stateless apart from the tables, so one instance serves a whole run."""

    def __init__(self, tables: DemoTables) -> None:
        self._tables = tables
        self._national = tables.national_surnames
        self._regional = tables.regional_surnames
        self._cohorts = {year: tables.cohort(year) for year in range(1900, 2101)}

    def local_surname(self, rng: Random, dominant: tuple[tuple[str, float], ...]) -> str:
        """A surname as found in a village: ``dominant`` holds (surname, cumulative share)."""
        r = rng.random()
        for surname, upto in dominant:
            if r < upto:
                return surname
        return self._regional.pick(rng)

    def outside_surname(self, rng: Random) -> str:
        """Someone who married in: surnames of the wider region, not the village's lineages."""
        return self._regional.pick(rng) if rng.random() < 0.7 else self._national.pick(rng)

    def given_name(self, rng: Random, birth_year: int, male: bool) -> str:
        cohort = self._cohorts.get(birth_year) or self._tables.cohort(birth_year)
        if rng.random() < cohort.single_share:
            return (cohort.male_single if male else cohort.female_single).pick(rng)
        return (cohort.male if male else cohort.female).pick(rng)

    def full_name(
        self, rng: Random, surname: str, birth_year: int, male: bool, taken: Collection[str] = ()
    ) -> str:
        """A full name not already in ``taken`` (siblings are not given the same name)."""
        cohort = self._cohorts.get(birth_year) or self._tables.cohort(birth_year)
        for _ in range(6):
            if rng.random() < cohort.single_share:
                name = surname + (cohort.male_single if male else cohort.female_single).pick(rng)
            else:
                name = surname + (cohort.male if male else cohort.female).pick(rng)
            if name not in taken:
                break
        return name
