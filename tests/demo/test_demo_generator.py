"""The synthetic demo county: shape, determinism, validity and realism of what it generates.

Households are checked with the project's real validation, data-quality rules and assessment,
so a demo household that a first secretary would find odd (a 14-year-old in senior school, a
cause of illness where nobody is ill) fails here, not in front of a trainee.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import tracemalloc
from collections import Counter
from datetime import date
from itertools import islice

import pytest

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.codes import code_list
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.ids import (
    area_code_known,
    make_id_number,
    parse_disability_cert,
    parse_id_number,
)
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.resources import load_json
from fieldsurvey.core.rules import check_household
from fieldsurvey.core.validation import ERROR, validate_household
from fieldsurvey.demo import DemoShares, allocate, generate_county, iter_households
from fieldsurvey.demo.county import MARRIED_IN_AREAS
from fieldsurvey.demo.identity import IdAllocator
from fieldsurvey.demo.income import EXCLUDED_ITEMS, net_per_capita
from fieldsurvey.demo.members import school_grade, school_year_of

ON = date(2026, 11, 1)  # the reference day of every generated county here
SAMPLE = 3000
SPOUSES = {"10", "11", "12"}
OWN_CHILDREN = {str(c) for c in range(20, 40)} - {"28", "38"}  # sons and daughters, not in-laws
GRANDCHILDREN = {"40", "41", "42", "43", "44", "49"}
PARENTS = {"51", "52", "53", "54"}


@pytest.fixture(scope="module")
def county():  # type: ignore[no-untyped-def]
    return generate_county(seed=7, households=SAMPLE)


@pytest.fixture(scope="module")
def households(county) -> list[Household]:  # type: ignore[no-untyped-def]
    return list(iter_households(county, SAMPLE, seed=7, as_of=ON))


def fingerprint(h: Household) -> dict:
    return dataclasses.asdict(h)


# -- the county --------------------------------------------------------------------------------


def test_default_county_is_zhenba_with_three_townships_of_three_to_five_villages() -> None:
    county = generate_county(seed=1)
    assert county.county_code == "610728"
    assert county.county_name == "镇巴县"
    assert county.full_name == "陕西省汉中市镇巴县"
    townships = [d for d in county.divisions if d.code.level == "township"]
    villages = [d for d in county.divisions if d.code.level == "village"]
    assert len(townships) == 3
    per_township = Counter(v.code.township for v in villages)
    assert all(3 <= n <= 5 for n in per_township.values())
    assert [v.code for v in villages] == county.villages


def test_divisions_link_to_their_parents_with_valid_codes() -> None:
    county = generate_county(seed=2, households=20_000)
    by_code = {d.code.value: d for d in county.divisions}
    assert len(by_code) == len(county.divisions)
    assert len({d.name for d in county.divisions}) == len(county.divisions)  # names unique too
    top = [d for d in county.divisions if d.parent is None]
    assert [d.code.value for d in top] == ["610728000000"]
    for d in county.divisions:
        assert DivisionCode.parse(d.code.value) == d.code
        if d.parent is not None:
            parent = by_code[d.parent]
            assert parent.code.contains(d.code) and parent.code != d.code
            assert {"township": "county", "village": "township"}[d.code.level] == parent.code.level
    for v in county.villages:
        assert 201 <= int(v.value[9:]) <= 299
        assert v.value[6:9] >= "100"


def test_more_households_bring_more_villages_of_150_to_400_households() -> None:
    county = generate_county(seed=3, households=50_000)
    assert 150 <= 50_000 / len(county.villages) <= 400
    sizes = Counter(v.township for v in county.villages).values()
    assert all(1 <= n <= 12 for n in sizes)
    assert len(generate_county(seed=3, villages=7).villages) == 7


def test_village_has_groups_hamlets_and_dominant_surnames(county) -> None:  # type: ignore[no-untyped-def]
    for p in county.profiles:
        assert 4 <= len(p.groups) <= 8 and p.groups[0] == "一组"
        assert all(hamlets for hamlets in p.hamlets)
        assert 1 <= len(p.surnames) <= 4
        assert 0.25 <= p.surnames[-1][1] <= 0.8  # cumulative share of the dominant lineages


def test_bad_arguments_are_refused_in_both_languages(county) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError):
        iter_households(county, -1)
    with pytest.raises(UserError) as e:
        iter_households(county, 10, as_of=date.today().replace(year=date.today().year + 1))
    assert e.value.text.zh and e.value.text.en
    with pytest.raises(UserError):
        iter_households(
            county, 10, as_of=date(2021, 6, 30)
        )  # before the transition period's helpers
    with pytest.raises(UserError):
        DemoShares(dropout=1.5)
    with pytest.raises(UserError):
        generate_county(villages=0)


def test_allocate_splits_exactly_in_proportion() -> None:
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert allocate(0, [2, 5]) == [0, 0]
    counts = allocate(1000, [0.5, 1.0, 1.5])
    assert sum(counts) == 1000 and counts == sorted(counts)


# -- determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_households(county) -> None:  # type: ignore[no-untyped-def]
    first = [fingerprint(h) for h in iter_households(county, 400, seed=11, as_of=ON)]
    again = [
        fingerprint(h)
        for h in iter_households(generate_county(seed=7, households=SAMPLE), 400, seed=11, as_of=ON)
    ]
    assert first == again


FINGERPRINT_SCRIPT = """
import dataclasses, hashlib
from datetime import date
from fieldsurvey.demo import generate_county, iter_households
county = generate_county(seed=5, households=300)
text = repr([dataclasses.asdict(h) for h in iter_households(county, 150, seed=5, as_of=date(2026, 11, 1))])
print(hashlib.sha256(text.encode()).hexdigest())
"""


def test_output_does_not_depend_on_the_process_or_its_hash_seed() -> None:
    digests = set()
    for hash_seed in ("1", "987654"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", FINGERPRINT_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1 and len(next(iter(digests))) == 64


def test_different_seeds_give_different_households(county) -> None:  # type: ignore[no-untyped-def]
    a = [fingerprint(h) for h in iter_households(county, 200, seed=1, as_of=ON)]
    b = [fingerprint(h) for h in iter_households(county, 200, seed=2, as_of=ON)]
    assert a != b
    names_a = {m["name"] for h in a for m in h["members"]}
    names_b = {m["name"] for h in b for m in h["members"]}
    assert len(names_a & names_b) < len(names_a) // 2
    assert generate_county(seed=1).divisions != generate_county(seed=2).divisions


def test_household_numbers_and_record_ids_are_unique(households) -> None:  # type: ignore[no-untyped-def]
    numbers = [h.household_no for h in households]
    assert len(set(numbers)) == len(numbers)
    for h in households:
        assert len(h.household_no) == 16 and h.household_no.startswith(h.division_code.value)
    ids = [h.household_id for h in households]
    ids += [m.member_id for h in households for m in h.members]
    ids += [x.helper_id for h in households for x in h.helpers]
    ids += [x.measure_id for h in households for x in h.measures]
    assert len(set(ids)) == len(ids)


# -- validity ------------------------------------------------------------------------------------


def test_every_household_passes_validation_and_the_data_quality_rules(households) -> None:  # type: ignore[no-untyped-def]
    errors = Counter()
    for h in households:
        for p in validate_household(h) + check_household(h, ON):
            if p.level == ERROR:
                errors[(p.field, p.text.en)] += 1
    assert not errors, errors.most_common(5)


def test_every_coded_value_is_in_its_code_list(households) -> None:  # type: ignore[no-untyped-def]
    def check(list_name: str, values: list[str | None]) -> None:
        codes = code_list(list_name)
        bad = {v for v in values if v is not None and v not in codes}
        assert not bad, (list_name, bad)

    members = [m for h in households for m in h.members]
    check("education", [m.education for m in members])
    check("political_status", [m.political_status for m in members])
    check("disability_category", [m.disability_category for m in members])
    check("disability_grade", [m.disability_grade for m in members])
    check("ethnicity", [m.ethnicity for m in members])
    check("risk", [r for h in households for r in h.risks])
    check(
        "poverty_cause",
        [c for h in households for c in [h.main_poverty_cause, *h.other_poverty_causes]],
    )
    check("risk_cleared_method", [h.risk_cleared_method for h in households])
    check("helper_unit_level", [x.unit_level for h in households for x in h.helpers])
    check("assistance_category", [x.category for h in households for x in h.measures])
    check("measure_status", [x.status for h in households for x in h.measures])
    check("renovation_status", [h.renovation_status for h in households])


def test_id_numbers_are_valid_unique_and_agree_with_the_member(households) -> None:  # type: ignore[no-untyped-def]
    seen: set[str] = set()
    areas = Counter()
    allowed_areas = {"610728", *(a for a, _ in MARRIED_IN_AREAS)}
    for h in households:
        for m in h.members:
            info = parse_id_number(m.id_number)
            assert info.id_number == m.id_number
            assert info.birth_date == m.birth_date and info.sex == m.sex
            assert (
                make_id_number(info.area_code, m.birth_date, int(m.id_number[14:17]), m.sex)
                == m.id_number
            )
            assert m.id_number not in seen
            seen.add(m.id_number)
            areas[info.area_code] += 1
            assert info.area_code in allowed_areas and area_code_known(info.area_code)
            assert info.area_code.startswith("61")  # Shaanxi: the county or its neighbours
            if m.disability_cert_no:
                cert = parse_disability_cert(m.disability_cert_no)
                assert cert.id_info.id_number == m.id_number
                assert (str(cert.category), str(cert.grade)) == (
                    m.disability_category,
                    m.disability_grade,
                )
    assert areas["610728"] / sum(areas.values()) > 0.85  # mostly local
    assert len(areas) >= 4  # and some spouses from neighbouring counties
    cadres = {x.id_number for h in households for x in h.helpers}
    assert not cadres & seen  # no helper is a member of a household
    for number in cadres:
        assert parse_id_number(number or "")


def test_id_allocator_stays_unique_when_a_year_fills_up() -> None:
    ids = IdAllocator(seed=5, as_of=date(2026, 1, 3))  # only 3 days of 2026 so far
    issued = [ids.issue("610728", 2026, True) for _ in range(3 * 499 + 20)]
    numbers = [n for _, n in issued]
    assert len(set(numbers)) == len(numbers)
    assert all(born <= date(2026, 1, 3) for born, _ in issued)
    assert sum(born.year == 2025 for born, _ in issued) == 20  # the overflow went a year back
    for born, number in issued:
        info = parse_id_number(number)
        assert info.birth_date == born and info.sex == "male"


# -- people and relationships ------------------------------------------------------------------------


def test_one_head_and_plausible_relationships(households) -> None:  # type: ignore[no-untyped-def]
    for h in households:
        present = h.present_members
        assert 1 <= len(present) <= 8
        heads = [m for m in present if m.relation == "02"]
        assert len(heads) == 1 and h.members[0] is heads[0]
        head = heads[0]
        for m in h.members:
            gap = m.birth_date.year - head.birth_date.year
            if m.relation in SPOUSES:
                assert m.sex != head.sex and abs(gap) <= 10
            elif m.relation in OWN_CHILDREN:
                assert 18 <= gap <= 40, (m.relation, gap)
            elif m.relation in GRANDCHILDREN:
                assert 36 <= gap <= 80, (m.relation, gap)
            elif m.relation in PARENTS:
                assert 18 <= -gap <= 40, (m.relation, gap)
            elif m.relation in ("28", "38"):  # son- or daughter-in-law: the generation below
                assert 10 <= gap <= 50
        spouses = [m for m in present if m.relation in SPOUSES]
        assert len(spouses) <= 1


def test_names_follow_sex_generation_and_village_lineages(households) -> None:  # type: ignore[no-untyped-def]
    given = load_json("demo", "given_names.json")["cohorts"]
    oldest, youngest = given[0], given[-1]
    old_female = {n for n, _ in oldest["female"] + oldest["female_single"]}
    young_names = {n for n, _ in youngest["male"] + youngest["female"]}
    women_born_early = [
        m for h in households for m in h.members if m.sex == "female" and m.birth_date.year <= 1959
    ]
    assert women_born_early
    assert all(m.name[1:] in old_female for m in women_born_early)
    born_late = [m for h in households for m in h.members if m.birth_date.year >= 2015]
    assert sum(m.name[1:] in young_names for m in born_late) / len(born_late) > 0.8
    # children mostly take the father's surname
    same = total = 0
    for h in households:
        father = next(
            (m for m in h.present_members if m.relation in ("02", "11") and m.sex == "male"), None
        )
        for m in h.present_members:
            if father and m.relation in OWN_CHILDREN and h.head is father:
                total += 1
                same += m.name[0] == father.name[0]
    assert same / total > 0.95
    # a village's heads cluster in a few lineages
    by_village: dict[str, Counter] = {}
    for h in households:
        by_village.setdefault(h.division_code.value, Counter())[h.members[0].name[0]] += 1
    for counts in by_village.values():
        top3 = sum(n for _, n in counts.most_common(3))
        assert top3 / sum(counts.values()) > 0.3


def test_household_sizes_are_those_of_a_mountain_county(households) -> None:  # type: ignore[no-untyped-def]
    sizes = [h.size for h in households]
    assert 3.0 <= statistics.mean(sizes) <= 4.0
    counts = Counter(sizes)
    assert counts[1] / len(sizes) > 0.08  # elderly or disabled people living alone
    assert max(sizes) <= 8
    left_behind = [
        h
        for h in households
        if any(m.relation in GRANDCHILDREN for m in h.present_members)
        and not any(m.relation in OWN_CHILDREN | {"28", "38"} for m in h.present_members)
    ]
    assert left_behind  # grandparents raising grandchildren alone


def test_schooling_matches_age_and_compulsory_children_are_accounted_for(households) -> None:  # type: ignore[no-untyped-def]
    school_year = school_year_of(ON)
    stages = {"primary": range(1, 7), "grade7": [7], "grade8": [8], "grade9": [9]}
    home = exempt = 0
    for h in households:
        for m in h.present_members:
            grade = school_grade(m.birth_date, school_year)
            if m.schooling in stages:
                assert grade in stages[m.schooling], (m.schooling, grade)
            if 1 <= grade <= 9 and m.age(ON) <= 15:
                enrolled = m.schooling in stages
                assert enrolled or m.dropout_reason or m.schooling_exempt, m.schooling
            if m.dropout_reason:
                assert m.schooling == "not_student" and 6 <= m.age(ON) <= 15
            if m.home_schooling or m.schooling_exempt:
                assert m.health == "disabled"
                home += bool(m.home_schooling)
                exempt += m.schooling_exempt
    assert home + exempt >= 1


def test_labour_work_and_insurance_follow_age_and_health(households) -> None:  # type: ignore[no-untyped-def]
    insured = total = 0
    for h in households:
        for m in h.present_members:
            age = m.age(ON)
            if age < 16:
                assert m.labour_capacity is None and m.work_status is None
            if m.health == "disabled" and m.disability_grade in ("1", "2") and age >= 16:
                assert m.labour_capacity in ("lost", "none")
            if m.work_status is not None:
                assert 1 <= (m.work_months or 0) <= 12
                assert m.labour_capacity in ("ordinary", "skilled", "weak")
            total += 1
            insured += bool(m.basic_insured)
    assert 0.98 < insured / total < 1.0


def test_categories_flags_causes_and_risks_agree_with_the_members(households) -> None:  # type: ignore[no-untyped-def]
    for h in households:
        present = h.present_members
        ages = [m.age(ON) for m in present]
        ill = any(m.health in ("chronic", "critical") for m in present)
        disabled = any(m.health == "disabled" for m in present)
        students = any(
            m.schooling not in (None, "not_student", "preschool") or m.home_schooling
            for m in present
        )
        latest = h.latest_income()
        assert latest is not None
        if h.poverty_category == "destitute":
            assert all(m.destitute_support for m in present)
            assert latest.items.get("transfer.destitute", 0) > 0
            assert not any(
                16 <= a <= 65 and m.labour_capacity in ("ordinary", "skilled")
                for m, a in zip(present, ages, strict=True)
            )
        elif h.poverty_category == "dibao":
            assert any(m.dibao for m in present) and latest.items.get("transfer.dibao", 0) > 0
        elif h.poverty_category == "general":
            assert not any(m.dibao or m.destitute_support for m in present)
        if not h.registered_poor:
            assert h.poverty_category is None and h.main_poverty_cause is None
            assert h.household_type in ("edge", "sudden_hardship", "ordinary")
        assert len(h.risks) <= 5 and len(h.other_poverty_causes) <= 2
        assert ("illness" in h.risks) <= ill and ("disability" in h.risks) <= disabled
        assert ("schooling" in h.risks) <= students
        if h.risks:
            assert h.household_type in ("unstable", "edge", "sudden_hardship")
        if h.risk_cleared:
            assert h.risk_cleared_method and h.risk_cleared_date and h.risk_cleared_date <= ON
        if h.status == "exited":
            assert h.exit_year and 2014 <= h.exit_year <= 2020
        if h.relocated:
            assert h.housing_grade == "A" and all(m.relocated for m in present)
            assert any(x.category == "relocation" for x in h.measures)
        assert all(m.relocated == h.relocated for m in present)


def test_helpers_and_measures_have_history_and_dates(households) -> None:  # type: ignore[no-untyped-def]
    with_history = 0
    for h in households:
        current = [x for x in h.helpers if x.end_date is None]
        assert 1 <= len(current) <= 2
        for x in h.helpers:
            assert x.name and x.unit and x.phone and x.start_date <= ON
            if x.end_date is not None:
                with_history += 1
                assert x.start_date < x.end_date < min(c.start_date for c in current)
        assert 1 <= len(h.measures) <= 4
        for m in h.measures:
            assert m.project and m.year and 2014 <= m.year <= ON.year + 1
            assert (m.status == "planned") == (m.year > ON.year)
            assert m.status != "in_progress" or m.year == ON.year
    assert 0.2 < with_history / len(households) < 0.45


# -- incomes -----------------------------------------------------------------------------------------


def test_income_items_are_those_of_the_policy_table(households) -> None:  # type: ignore[no-untyped-def]
    known = set(load_json("policy", "income_items.json")["items"])
    business = {k for k in known if k.startswith("business.")}
    assert known >= EXCLUDED_ITEMS
    for h in households:
        years = [r.year for r in h.incomes]
        assert years in ([2023, 2024, 2025], [2024, 2025])
        for r in h.incomes:
            assert set(r.items) <= known, set(r.items) - known
            assert set(r.expenses) <= business
            assert all(v >= 0 for v in r.items.values()) and all(
                v >= 0 for v in r.expenses.values()
            )
            assert r.medical_out_of_pocket is not None and r.medical_out_of_pocket >= 0


def test_incomes_are_plausible_with_a_small_share_under_the_line(households) -> None:  # type: ignore[no-untyped-def]
    per_capita = [
        net_per_capita(h.incomes[-1].items, h.incomes[-1].expenses, h.size) for h in households
    ]
    assert 8_000 <= statistics.median(per_capita) <= 20_000
    quartiles = statistics.quantiles(per_capita, n=4)
    assert quartiles[0] >= 7_000 and quartiles[2] <= 25_000
    under = sum(x < 6_000 for x in per_capita) / len(per_capita)
    assert 0.025 <= under <= 0.065
    falls = 0
    for h in households:
        if len(h.incomes) >= 2:
            before = net_per_capita(h.incomes[-2].items, h.incomes[-2].expenses, h.size)
            now = net_per_capita(h.incomes[-1].items, h.incomes[-1].expenses, h.size)
            falls += now < 0.7 * before
    assert 0.01 <= falls / len(households) <= 0.06


def test_allowances_follow_the_members(households) -> None:  # type: ignore[no-untyped-def]
    for h in households:
        items = h.incomes[-1].items
        present = h.present_members
        if any(m.dibao for m in present):
            assert items.get("transfer.dibao", 0) > 0
        if any(m.age(ON) >= 60 and m.resident_pension for m in present):
            assert items.get("transfer.pension", 0) > 0
        if items.get("transfer.conscript_pay"):
            assert any(m.active_military for m in present)
        if items.get("wage.public_welfare_job"):
            assert any(m.public_welfare_job for m in present)


# -- the problems the demo is for ------------------------------------------------------------------


def test_each_kind_of_problem_appears_in_a_small_share_of_households(households) -> None:  # type: ignore[no-untyped-def]
    policy = load_policy()
    flags = Counter()
    for h in households:
        flags.update(assess(h, on=ON, policy=policy).flags)
    share = {
        k: flags[k] / len(households)
        for k in ("dropout", "uninsured", "unsafe_house", "unsafe_water", "under_line")
    }
    for kind in ("dropout", "uninsured", "unsafe_house", "unsafe_water"):
        assert 0.004 <= share[kind] <= 0.035, share
    assert 0.025 <= share["under_line"] <= 0.065, share
    assert flags["food_clothing"] / len(households) < 0.01


def test_shares_are_parameters(county) -> None:  # type: ignore[no-untyped-def]
    policy = load_policy()
    many = DemoShares(dropout=0.3, unsafe_house=0.3, under_line=0.0, sharp_fall=0.0)
    flags = Counter()
    sample = list(iter_households(county, 600, seed=5, as_of=ON, shares=many))
    for h in sample:
        flags.update(assess(h, on=ON, policy=policy).flags)
    assert flags["unsafe_house"] / len(sample) > 0.2
    assert flags["dropout"] / len(sample) > 0.15
    assert flags["under_line"] / len(sample) < 0.01


@pytest.mark.slow
def test_streaming_memory_does_not_grow_with_the_count(county) -> None:  # type: ignore[no-untyped-def]
    def peak(n: int) -> int:
        stream = iter_households(county, n, seed=9, as_of=ON)
        next(stream)  # caches and code lists loaded before measuring
        tracemalloc.start()
        for _ in stream:
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(20_000)
    assert large < 3 * small, (small, large)


def test_streaming_yields_households_one_at_a_time(county) -> None:  # type: ignore[no-untyped-def]
    first = list(islice(iter_households(county, 1_000_000, seed=4, as_of=ON), 5))
    assert len(first) == 5 and all(isinstance(h, Household) for h in first)
