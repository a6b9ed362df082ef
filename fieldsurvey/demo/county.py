"""The demo county: the real county code 610728 (镇巴县) with invented townships and villages.

The county code is real so that everything keyed by GB/T 2260 (ID number areas, the county
name, permissions by division) works as in the field; the townships and villages below it are
invented, with 12-digit statistical codes in the usual ranges (towns from 100, villages from
201), so no real village is ever shown with made-up households.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from random import Random

from fieldsurvey.core.divisions import Division, DivisionCode, county_full_name, county_name
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.demo.rand import DemoRandom
from fieldsurvey.demo.tables import DemoTables, demo_tables

DEMO_COUNTY_CODE = "610728"
HOUSEHOLDS_PER_VILLAGE = 250  # registered and monitored households of a typical village
MAX_VILLAGES = 3_000  # keeps township codes within 100–799
# Spouses who married in from outside the county come from 镇巴县's neighbours in Shaanxi:
# 西乡, 南郑, 城固 and 洋县 in Hanzhong, 紫阳 in Ankang (all in the bundled GB/T 2260 snapshot).
MARRIED_IN_AREAS: tuple[tuple[str, float], ...] = (
    ("610724", 4),
    ("610721", 3),
    ("610722", 2),
    ("610723", 1),
    ("610924", 2),
)


@dataclass(frozen=True, slots=True)
class VillageProfile:
    """What the household generator needs to know about one village."""

    code: DivisionCode
    name: str
    township_code: DivisionCode
    township_name: str
    groups: tuple[str, ...]  # 村民小组: "一组" …
    hamlets: tuple[tuple[str, ...], ...]  # 自然村 of each group
    surnames: tuple[tuple[str, float], ...]  # dominant lineages with cumulative share
    water_short_area: bool
    weight: float  # relative number of households


@dataclass
class DemoCounty:
    county_code: str  # 6 digits, e.g. "610728"
    county_name: str
    divisions: list[Division]  # the county, its townships, its villages, parents linked
    villages: list[DivisionCode]
    full_name: str = ""  # "陕西省汉中市镇巴县", for addresses
    seed: int = 1
    profiles: list[VillageProfile] = field(default_factory=list)

    def profile(self, village: DivisionCode) -> VillageProfile:
        return next(p for p in self.profiles if p.code == village)


def generate_county(
    seed: int = 1, villages: int | None = None, households: int = 600
) -> DemoCounty:
    """Build the county's divisions, sized for ``households`` unless ``villages`` is given.

    Small counts get 3 townships of 3–5 villages, so the demo shows a real hierarchy; larger
    ones get one village per ~250 households and townships of 5–12 villages.
    """
    if households < 0:
        raise UserError(Text("户数不能为负数", "the number of households cannot be negative"))
    if villages is not None and not 1 <= villages <= MAX_VILLAGES:
        raise UserError(
            Text(
                f"行政村数应在1–{MAX_VILLAGES}之间",
                f"the number of villages must be 1–{MAX_VILLAGES}",
            )
        )
    rng = DemoRandom(f"demo-county:{seed}")
    tables = demo_tables()
    per_township = _township_sizes(rng, villages, households)
    name = county_name(DEMO_COUNTY_CODE) or "镇巴县"
    county_code = DivisionCode(DEMO_COUNTY_CODE + "000000")
    divisions = [Division(county_code, name, None)]
    township_names = _township_names(rng, tables, len(per_township))
    village_names = _village_names(rng, tables, sum(per_township))
    profiles: list[VillageProfile] = []
    for t, (size, t_name) in enumerate(zip(per_township, township_names, strict=True)):
        t_code = DivisionCode(f"{DEMO_COUNTY_CODE}{100 + t:03d}000")
        divisions.append(Division(t_code, t_name, county_code.value))
        for v in range(size):
            v_code = DivisionCode(f"{t_code.township}{201 + v:03d}")
            v_name = village_names[len(profiles)]
            divisions.append(Division(v_code, v_name, t_code.value))
            profiles.append(_village_profile(rng, tables, v_code, v_name, t_code, t_name))
    return DemoCounty(
        county_code=DEMO_COUNTY_CODE,
        county_name=name,
        divisions=divisions,
        villages=[p.code for p in profiles],
        full_name=county_full_name(DEMO_COUNTY_CODE) or name,
        seed=seed,
        profiles=profiles,
    )


def _township_sizes(rng: Random, villages: int | None, households: int) -> list[int]:
    if villages is None:
        sizes = [rng.randint(3, 5) for _ in range(3)]
        wanted = min(MAX_VILLAGES, round(households / HOUSEHOLDS_PER_VILLAGE))
        if wanted <= sum(sizes):
            return sizes
        villages = wanted
    if villages <= 5:
        return [villages]
    if villages <= 15:
        base, extra = divmod(villages, 3)
        return [base + (1 if i < extra else 0) for i in range(3)]
    sizes = []
    left = villages
    while left > 0:
        size = min(left, rng.randint(5, 12))
        sizes.append(size)
        left -= size
    return sizes


def _township_names(rng: Random, tables: DemoTables, count: int) -> list[str]:
    names = list(tables.township_names)
    rng.shuffle(names)
    if count > len(names):
        extra = [f + g for f in tables.village_first for g in tables.village_landform]
        rng.shuffle(extra)
        names += [n for n in extra if n not in names]
    if count > len(names):
        raise UserError(
            Text("乡镇数量超出演示数据的名称范围", "too many townships for the demo name list")
        )
    return [n + "镇" for n in names[:count]]


def _village_names(rng: Random, tables: DemoTables, count: int) -> list[str]:
    names = [f + g for f in tables.village_first for g in tables.village_landform if f != g]
    rng.shuffle(names)
    if count > len(names):
        names += [f"{a}{b}" for b in ("上", "下") for a in list(names)]
    if count > len(names):
        raise UserError(
            Text("行政村数量超出演示数据的名称范围", "too many villages for the demo name list")
        )
    return [n + "村" for n in names[:count]]


def _village_profile(
    rng: Random,
    tables: DemoTables,
    code: DivisionCode,
    name: str,
    township_code: DivisionCode,
    township_name: str,
) -> VillageProfile:
    dominant: list[tuple[str, float]] = []
    total = 0.0
    for _ in range(rng.randint(2, 4)):
        surname = tables.regional_surnames.pick(rng)
        if any(s == surname for s, _ in dominant):
            continue
        share = rng.uniform(0.25, 0.35) if not dominant else rng.uniform(0.06, 0.15)
        total += share
        dominant.append((surname, total))
    n_groups = rng.randint(4, min(8, len(tables.group_numerals)))
    groups = tuple(f"{tables.group_numerals[i]}组" for i in range(n_groups))
    used: set[str] = set()
    hamlets: list[tuple[str, ...]] = []
    for _ in groups:
        names: list[str] = []
        wanted = rng.randint(1, 2)
        for _ in range(20):
            hamlet = _hamlet_name(rng, tables, dominant)
            if hamlet not in used:
                used.add(hamlet)
                names.append(hamlet)
                if len(names) == wanted:
                    break
        if not names:  # twenty draws collided: take the first name still free
            free = (
                d + x
                for d in tables.hamlet_descriptors
                for x in tables.hamlet_suffixes
                if d + x not in used
            )
            names.append(next(free))
            used.add(names[0])
        hamlets.append(tuple(names))
    return VillageProfile(
        code=code,
        name=name,
        township_code=township_code,
        township_name=township_name,
        groups=groups,
        hamlets=tuple(hamlets),
        surnames=tuple(dominant),
        water_short_area=rng.random() < 0.12,
        weight=math.exp(rng.gauss(0.0, 0.3)),
    )


def _hamlet_name(rng: Random, tables: DemoTables, dominant: list[tuple[str, float]]) -> str:
    """张家湾 after a lineage, or 石板沟 after the land; never a doubled word like 大田田."""
    suffix = rng.choice(tables.hamlet_suffixes)
    if dominant and rng.random() < 0.45:
        return f"{rng.choice(dominant)[0]}家{suffix}"
    descriptor = rng.choice(tables.hamlet_descriptors)
    while descriptor[-1] == suffix[0]:
        suffix = rng.choice(tables.hamlet_suffixes)
    return descriptor + suffix
