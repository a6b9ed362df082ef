"""Synthetic households for the ledger benchmark and tests: made-up names, generated IDs.

Nothing here describes a real person: names are drawn from short lists of common characters
and ID numbers come from ``make_id_number`` with valid check characters. The shapes cover what
the layout must survive: a normal family, 15 members, 30 visits, very long names and long
lists of measures.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from fieldsurvey.core.assessment_result import (
    DIMENSIONS,
    MET,
    NOT_MET,
    Assessment,
    DimensionResult,
    Reason,
    RiskFlag,
)
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.core.text import Text
from fieldsurvey.core.visit import FINALIZED, Visit
from fieldsurvey.ledger.model import DivisionNames, LedgerInput

AREA = "610728"  # 镇巴县 in the bundled GB/T 2260 snapshot
VILLAGE = DivisionCode(f"{AREA}101201")
NAMES = DivisionNames("陕西省汉中市镇巴县", "泾洋街道", "样例村")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "明华建国秀英志强桂兰海燕德福春梅小军玉珍永红"
RELATIONS = ("10", "20", "30", "50", "40", "70", "21", "32", "41", "97")
CAUSES = ("illness", "disability", "schooling", "lack_labour", "lack_funds", "lack_skills")


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(
        rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
    )


def make_household(
    seed: int,
    *,
    members: int = 4,
    measures: int = 4,
    long_names: bool = False,
    household_no: str | None = None,
) -> Household:
    rng = random.Random(seed)
    surname = rng.choice(SURNAMES)
    people: list[Member] = []
    for i in range(members):
        sex = "male" if (i % 2 == 0) else "female"
        born = date(1950 + rng.randrange(65), rng.randrange(1, 13), rng.randrange(1, 29))
        name = _name(rng, surname if i != 1 else None)
        if long_names:
            name = name + "·" + "阿卜杜热合曼买买提艾力"[: 4 + i % 8]
        student = 6 <= 2024 - born.year <= 15
        people.append(
            Member(
                name=name,
                id_number=make_id_number(AREA, born, seed * 7 + i, sex),
                relation="02" if i == 0 else RELATIONS[(i - 1) % len(RELATIONS)],
                sex=sex,
                birth_date=born,
                education=rng.choice(
                    ("primary", "junior_secondary", "senior_secondary", "illiterate")
                ),
                schooling="primary" if student else "not_student",
                school_name="泾洋镇中心小学" if student else None,
                health=rng.choice(("healthy", "healthy", "chronic", "disabled")),
                labour_capacity=rng.choice(("ordinary", "weak", "none")),
                work_status=rng.choice((None, "out_province", "in_township")),
                work_months=rng.choice((None, 6, 10)),
                resident_medical_insurance=rng.random() > 0.1,
                critical_illness_insurance=True,
                medical_assistance=rng.random() > 0.5,
                resident_pension=rng.random() > 0.3,
                family_doctor=True,
                dibao=rng.random() > 0.8,
            )
        )
    helpers = [
        Helper(
            _name(rng),
            "镇巴县农业农村局产业发展股",
            date(2016, 3, 1),
            sex="male",
            unit_level="county",
            phone="13800000001",
            end_date=date(2019, 12, 31),
        ),
        Helper(
            _name(rng),
            "泾洋街道办事处" + ("乡村振兴工作站驻村工作队" if long_names else ""),
            date(2020, 1, 1),
            sex="female",
            unit_level="township",
            phone="13900000002",
        ),
    ]
    cats = (
        "industry",
        "employment",
        "finance",
        "health",
        "compulsory_education",
        "housing",
        "water",
    )
    plan = [
        AssistanceMeasure(
            category=cats[j % len(cats)],
            project=(
                "发展中药材种植项目（天麻、魔芋、茶叶）及配套技术培训与产销对接服务"
                if long_names
                else f"产业扶持项目{j + 1}"
            ),
            year=2016 + j % 8,
            scale=f"{2 + j % 5} 亩",
            funds=1000.0 * (1 + j % 6),
            deadline=date(2016 + j % 8, 12, 31),
            status=("completed", "in_progress", "planned")[j % 3],
            result="年增收约 1,500 元，已稳定脱贫" if j % 3 == 0 else None,
        )
        for j in range(measures)
    ]
    incomes = [
        IncomeRecord(
            year=y,
            items={
                "wage.migrant_work": 18000.0 + 800 * k + rng.randrange(3000) * members // 4,
                "wage.public_welfare_job": 3600.0,
                "business.crops": 2400.0 + rng.randrange(500),
                "business.livestock": 1800.0,
                "property.dividend": 300.0,
                "transfer.condolence": 200.0,
                "transfer.dibao": 1200.0,
                "transfer.pension": 1236.0,
                "transfer.eco_compensation": 420.0,
            },
            expenses={"business.crops": 900.0, "business.livestock": 700.0},
        )
        for k, y in enumerate(range(2021, 2024))
    ]
    if people:  # the head's hospital stay of the last year: 81.7% reimbursed against Zhenba's 80%
        incomes[-1].medical_costs = {
            people[0].member_id: {"hospital": 12000.0, "hospital_reimbursed": 9800.0}
        }
    return Household(
        household_no=household_no or f"61072810120{seed:07d}",
        division_code=VILLAGE,
        group="三组",
        hamlet="王家湾",
        address="12 号",
        phone="13712345678",
        poverty_category=("general", "dibao", "destitute")[seed % 3],
        status=("exited", "not_exited", "relapsed", "exited")[seed % 4],
        exit_year=2019,
        household_type=("exited", "unstable", "edge", "ordinary")[seed % 4],
        main_poverty_cause=CAUSES[seed % len(CAUSES)],
        other_poverty_causes=["lack_skills", "lack_funds"],
        risks=["illness", "unstable_employment"],
        food_secure=True,
        clothing_secure=True,
        housing_grade=("A", "B", "C", "A")[seed % 4],
        housing_structure="brick_concrete",
        housing_area=96.5,
        house_built_year=2008,
        renovation_status="completed",
        renovation_year=2018,
        water_source="purified_tap",
        water_quantity_lpd=45.0,
        water_quality_ok=True,
        water_piped=True,
        water_outage_days=3,
        electricity=True,
        broadcast_tv=True,
        access_road="cement",
        road_distance_km=0.5,
        cooking_fuel="firewood",
        farmland_mu=3.5,
        irrigated_land_mu=1.2,
        forest_land_mu=8.0,
        cooperative_member=seed % 2 == 0,
        dibao_phase_out=seed % 3 == 1,
        dibao_phase_out_start=date(2023, 7, 1) if seed % 3 == 1 else None,
        dibao_phase_out_months=12 if seed % 3 == 1 else None,
        destitute_support_mode="dispersed" if seed % 3 == 2 else None,
        members=people,
        helpers=helpers,
        measures=plan,
        incomes=incomes,
    )


def make_assessment(household: Household, on: date = date(2024, 3, 15)) -> Assessment:
    failing = {"housing"} if household.housing_grade in ("C", "D") else set()
    dims = {
        d: DimensionResult(
            d,
            NOT_MET if d in failing else MET,
            (Reason(Text("房屋为C级危房", "house graded C"), fact="housing_grade"),)
            if d in failing
            else (),
        )
        for d in DIMENSIONS
    }
    first = household.members[0].member_id if household.members else None
    return Assessment(
        household_id=household.household_id,
        assessed_on=on,
        policy_year=2023,
        dimensions=dims,
        exit_eligible=not failing,
        risk_flags=(RiskFlag("medical_burden", Text("医疗支出较大", "high medical costs"), first),),
        net_income_per_capita=7321.5,
        poverty_line=None,
        monitoring_threshold=6000.0,
        flags=("unsafe_house",) if failing else (),
    )


def make_visits(household: Household, count: int = 3, *, long_text: bool = False) -> list[Visit]:
    start = datetime(2022, 1, 10, 9, 0)
    visits = []
    for i in range(count):
        when = start + timedelta(days=23 * i)
        findings = f"第{i + 1}次走访：家中生产生活正常，务工收入稳定，了解医保缴费情况并宣讲政策。"
        if long_text:
            findings *= 4
        visits.append(
            Visit(
                household_id=household.household_id,
                visit_date=when.date(),
                visitor=("李书记", "王干部", "张帮扶人")[i % 3],
                form_id="visit",
                form_version="1",
                status=FINALIZED,
                finalized_at=when,
                findings=findings,
            )
        )
    visits[-1].assessment = make_assessment(household).to_dict()
    visits.append(
        Visit(
            household.household_id,
            date(2024, 4, 1),
            "草稿人",
            "visit",
            "1",
            findings="草稿不应打印",
        )
    )
    return visits


def make_input(seed: int, **kwargs: object) -> LedgerInput:
    visits = int(kwargs.pop("visits", 3))  # type: ignore[call-overload]
    household = make_household(seed, **kwargs)  # type: ignore[arg-type]
    return LedgerInput(household, make_visits(household, visits), NAMES)
