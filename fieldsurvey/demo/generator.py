"""The household stream: one village after another, one household at a time.

``iter_households`` keeps nothing of the households it has yielded, so a county of a million
households costs the memory of one village (its helper pool, capped) plus the ID counters,
which are all made before the first household. Each village draws from its own random stream
seeded by (seed, village code); ID numbers, and with them the exact birth days, come from one
allocator for the whole run, which is what makes them unique county-wide.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from random import Random

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household, Member
from fieldsurvey.core.text import Text
from fieldsurvey.demo import facts
from fieldsurvey.demo.county import MARRIED_IN_AREAS, DemoCounty, VillageProfile, generate_county
from fieldsurvey.demo.family import LOCAL_AREA, FamilyBuilder, Person
from fieldsurvey.demo.identity import IdAllocator, RecordIds
from fieldsurvey.demo.income import MIGRANT_WORK, IncomePlan, incomes
from fieldsurvey.demo.members import MemberContext, MemberFactory, school_grade, school_year_of
from fieldsurvey.demo.names import NameMaker
from fieldsurvey.demo.rand import DemoRandom
from fieldsurvey.demo.shares import DEFAULT_SHARES, DemoShares
from fieldsurvey.demo.support import CADRE_CITY_AREA, CadrePool, MeasurePicker, phone
from fieldsurvey.demo.tables import Weighted, demo_tables

__all__ = ["allocate", "generate_county", "iter_households"]

MAX_HOUSEHOLDS = 5_000_000
EARLIEST_AS_OF = date(2022, 1, 1)
REGISTERED_SHARE = 0.92  # the rest are monitored (edge, sudden hardship) or ordinary households
# ethnic groups other than Han in Zhenba, which has Shaanxi's main Miao (苗族) settlements
MINORITIES: Weighted[str] = Weighted([("06", 75), ("15", 15), ("03", 10)])
MINORITY_SHARE = 0.02


@dataclass(slots=True)
class _Plan:
    """What was decided about a household before its members were drawn."""

    registered_poor: bool
    relocated: bool
    dropout: bool
    uninsured: bool
    unsafe_house: bool
    unsafe_water: bool
    under_line: bool
    sharp_fall: bool
    big_expense: bool
    departed: bool


def iter_households(
    county: DemoCounty,
    households: int,
    seed: int = 1,
    *,
    as_of: date | None = None,
    shares: DemoShares = DEFAULT_SHARES,
) -> Iterator[Household]:
    """Stream ``households`` synthetic households spread over the county's villages.

    Ages, school grades and the income years (the three calendar years before ``as_of``) are
    counted to ``as_of``, today by default: the same seed and the same ``as_of`` give the same
    households, byte for byte.
    """
    if not 0 <= households <= MAX_HOUSEHOLDS:
        raise UserError(
            Text(
                f"户数应在0–{MAX_HOUSEHOLDS}之间",
                f"the number of households must be 0–{MAX_HOUSEHOLDS}",
            )
        )
    if not county.profiles:
        raise UserError(Text("演示县没有行政村", "the demo county has no villages"))
    today = date.today()
    as_of = as_of or today
    if as_of > today:
        raise UserError(
            Text("基准日期不能晚于今天", "the reference date cannot be later than today")
        )
    if as_of < EARLIEST_AS_OF:
        raise UserError(
            Text(
                f"演示数据的基准日期不能早于{EARLIEST_AS_OF:%Y年%m月%d日}(过渡期帮扶从2021年开始)",
                f"the demo's reference date cannot be before {EARLIEST_AS_OF} (helpers of the "
                "transition period start in 2021)",
            )
        )
    return _Generator(county, seed, as_of, shares).run(households)


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders get the leftovers)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Generator:
    def __init__(self, county: DemoCounty, seed: int, as_of: date, shares: DemoShares) -> None:
        self.county = county
        self.seed = seed
        self.as_of = as_of
        self.year = as_of.year
        self.school_year = school_year_of(as_of)
        self.shares = shares
        self.tables = demo_tables()
        self.names = NameMaker(self.tables)
        areas = [LOCAL_AREA, CADRE_CITY_AREA, *(area for area, _ in MARRIED_IN_AREAS)]
        self.ids = IdAllocator(seed, as_of, areas)
        self.families = FamilyBuilder(self.names, self.year, Weighted(MARRIED_IN_AREAS))
        self.record_ids = RecordIds(seed)
        self.factory = MemberFactory(self.tables, self.record_ids)
        self.measures = MeasurePicker(self.tables, self.record_ids.next)

    def run(self, households: int) -> Iterator[Household]:
        counts = allocate(households, [p.weight for p in self.county.profiles])
        for profile, count in zip(self.county.profiles, counts, strict=True):
            if count:
                yield from self._village(profile, count)

    def _village(self, profile: VillageProfile, count: int) -> Iterator[Household]:
        rng = DemoRandom(f"demo-households:{self.seed}:{profile.code.value}")
        cadres = CadrePool(
            rng,
            self.tables,
            self.names,
            self.ids,
            count,
            profile.township_name,
            profile.name,
            self.as_of,
        )
        width = max(4, len(str(count)))
        contexts = {  # by (registered poor, single adult): the same for every household alike
            (registered, single): MemberContext(
                self.as_of,
                self.school_year,
                profile.township_name,
                profile.name,
                registered,
                single,
                False,
                False,
            )
            for registered in (False, True)
            for single in (False, True)
        }
        for seq in range(1, count + 1):
            yield self._household(
                rng, profile, f"{profile.code.value}{seq:0{width}d}", cadres, contexts
            )

    def _plan(self, rng: Random) -> _Plan:
        s = self.shares
        r = rng.random
        registered = r() < REGISTERED_SHARE
        unsafe_house = r() < s.unsafe_house
        return _Plan(  # in field order: registered, relocated, dropout, uninsured, house, water, …
            registered,
            registered and not unsafe_house and r() < s.relocated,
            r() < s.dropout,
            r() < s.uninsured,
            unsafe_house,
            r() < s.unsafe_water,
            r() < s.under_line,
            r() < s.sharp_fall,
            r() < s.big_expense,
            r() < s.departed_member,
        )

    def _household(
        self,
        rng: Random,
        profile: VillageProfile,
        number: str,
        cadres: CadrePool,
        contexts: dict[tuple[bool, bool], MemberContext],
    ) -> Household:
        plan = self._plan(rng)
        shape, people = self.families.build(rng, profile.surnames, plan.dropout, plan.departed)
        for p in people:
            p.birth_date, p.id_number = self.ids.issue(p.area, p.birth_year, p.male)
        present_people = [p for p in people if p.present]
        dropout = self._dropout_child(rng, present_people) if plan.dropout else None
        uninsured = self._uninsured_member(rng, present_people) if plan.uninsured else None
        ctx = contexts[(plan.registered_poor, shape == "single_adult")]
        members = []
        for p in people:
            if p is dropout or p is uninsured:
                member_ctx = replace(ctx, dropout=p is dropout, uninsured=p is uninsured)
            else:
                member_ctx = ctx
            members.append(self.factory.make(rng, p, member_ctx))
        if rng.random() < MINORITY_SHARE:
            self._ethnicity(rng, members)
        present = [m for m in members if m.present]
        ages = [p.age for p in present_people]
        group_index = int(rng.random() * len(profile.groups))
        hh = Household(
            household_no=number,
            division_code=profile.code,
            household_id=self.record_ids.next(),
            group=profile.groups[group_index],
            hamlet=rng.choice(profile.hamlets[group_index]),
            phone=phone(rng) if rng.random() < 0.88 else None,
            registered_poor=plan.registered_poor,
            relocated=plan.relocated,
            members=members,
        )
        hh.address = self._address(rng, profile, hh)
        if plan.registered_poor and rng.random() < 0.12:
            self._welfare_job(rng, present, ages)
        summary = facts.MemberSummary.of(present, ages)
        troubled = plan.under_line or plan.sharp_fall or plan.big_expense
        facts.classify(rng, hh, summary, troubled, self.as_of)
        dibao_people = self._protection_flags(rng, hh, present, ages)
        facts.housing(rng, hh, summary.size, plan.unsafe_house, self.year)
        facts.water(rng, hh, profile.water_short_area, plan.unsafe_water)
        facts.causes(rng, hh, summary, profile.water_short_area)
        facts.risks(rng, hh, summary, plan.unsafe_water, plan.sharp_fall)
        hh.food_secure = rng.random() < 0.998
        hh.clothing_secure = rng.random() < 0.998
        latest = self.year - 1
        years = (latest - 2, latest - 1, latest) if rng.random() < 0.8 else (latest - 1, latest)
        hh.incomes = incomes(
            rng,
            hh,
            present,
            ages,
            IncomePlan(years, plan.under_line, plan.sharp_fall, plan.big_expense),
        )
        hh.helpers = cadres.helpers(rng, self.record_ids.next)
        conditions = summary.conditions
        if hh.poverty_category == "destitute":
            conditions.add("destitute")
        if dibao_people:
            conditions.add("dibao")
        if hh.relocated:
            conditions.add("relocated")
        if hh.renovation_year:
            conditions.add("renovated")
        dibao = hh.incomes[-1].items.get("transfer.dibao", 0.0)
        hh.measures = self.measures.measures(rng, hh, conditions, self.as_of, dibao, dibao_people)
        facts.living(hh, ages, self.year, self.seed)
        return hh

    # -- choices about particular members ------------------------------------------------------

    def _dropout_child(self, rng: Random, people: list[Person]) -> Person | None:
        """A child of compulsory-school age still in grades 1–9, preferably aged 12–15."""
        candidates = []
        as_of = self.as_of
        for p in people:
            born = p.birth_date
            assert born is not None
            age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
            if 7 <= age <= 15 and 1 <= school_grade(born, self.school_year) <= 9:
                candidates.append((age >= 12, p))
        older = [p for is_older, p in candidates if is_older]
        pool = older or [p for _, p in candidates]
        return rng.choice(pool) if pool else None

    @staticmethod
    def _ethnicity(rng: Random, members: list[Member]) -> None:
        """A minority household: the head's line keeps the group, spouses from outside may not."""
        group = MINORITIES.pick(rng)
        for m in members:
            married_in = m.relation in ("10", "11", "12", "28", "38")
            if not married_in or rng.random() < 0.4:
                m.ethnicity = group

    @staticmethod
    def _uninsured_member(rng: Random, people: list[Person]) -> Person:
        """Usually a young adult working away (enrolment lapses there), else anyone."""
        away = [p for p in people if p.away]
        return rng.choice(away if away and rng.random() < 0.6 else people)

    @staticmethod
    def _welfare_job(rng: Random, present: list[Member], ages: list[int]) -> None:
        """公益岗位: a member who cannot work away gets a local public-welfare job."""
        fit = [
            m
            for m, age in zip(present, ages, strict=True)
            if 35 <= age <= 64
            and m.labour_capacity in ("weak", "ordinary")
            and m.work_status not in MIGRANT_WORK
            and not m.active_military
        ]
        if fit:
            m = rng.choice(fit)
            m.public_welfare_job, m.work_status, m.work_months = True, "in_township", 12

    @staticmethod
    def _protection_flags(
        rng: Random, hh: Household, present: list[Member], ages: list[int]
    ) -> int:
        """Dibao, destitute support, relocation and medical assistance, as the category says.

        Returns the number of members on dibao.
        """
        dibao = 0
        if hh.poverty_category == "destitute":
            for m in present:
                m.destitute_support = True
        elif hh.poverty_category == "dibao" or (not hh.registered_poor and rng.random() < 0.15):
            if rng.random() < 0.6:  # 按户施保: the whole household
                on_dibao = present
            else:  # 按人施保: those who cannot provide for themselves
                on_dibao = [
                    m
                    for m, age in zip(present, ages, strict=True)
                    if age >= 60 or m.health != "healthy" or m.labour_capacity in ("lost", "none")
                ] or present[:1]
            for m in on_dibao:
                m.dibao = True
            dibao = len(on_dibao)
        monitored = hh.monitored
        for m in present:
            m.relocated = hh.relocated
            if m.resident_medical_insurance or m.employee_medical_insurance:
                severe = m.health == "disabled" and m.disability_grade in ("1", "2")
                # 三重保障: poor people are within 医疗救助's scope (the random draw is kept
                # so the rest of a seeded village comes out as before)
                drawn = (
                    m.dibao
                    or m.destitute_support
                    or monitored
                    or severe
                    or (hh.registered_poor and rng.random() < 0.5)
                )
                m.medical_assistance = bool(drawn) or hh.registered_poor
            else:
                m.medical_assistance = False
        return dibao

    def _address(self, rng: Random, profile: VillageProfile, hh: Household) -> str:
        place = f"{self.county.full_name}{profile.township_name}"
        if hh.relocated:  # moved to the township's resettlement estate
            unit = f"{rng.randint(1, 12)}栋{rng.randint(1, 3)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
            return f"{place}易地搬迁安置小区{unit}"
        number = f"{rng.randint(1, 60)}号" if rng.random() < 0.5 else ""
        return f"{place}{profile.name}{hh.group}{hh.hamlet}{number}"
