"""Every reason's wording, member and fact on hand-built households, and the edges of each rule.

Mutation testing (docs/assessment.md) showed which branches and texts no test pinned down: a
serving soldier listed before an uninsured member, the division's own threshold, a household of
size 0, income without wages, ages 15/16 and 65/66, birth dates at today and 1880. Each scenario
below changes ``good()`` (everything met) in one way; ``EXPECTED`` holds what a secretary reads
for it — every reason in both languages with the member (by position) and the fact it rests on,
the risk flags and the problem flags. Dimensions a scenario leaves alone must read exactly as
in ``good``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey.core.assessment import assess, summarise
from fieldsurvey.core.assessment_result import Assessment, DimensionResult
from fieldsurvey.core.dimensions import combine
from fieldsurvey.core.household import Helper, Household, IncomeRecord
from fieldsurvey.core.ids import IdNumberError, make_id_number, mask_id_number, parse_id_number
from fieldsurvey.core.income import income_breakdown, present_on
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.rules import check_county, check_household
from fieldsurvey.core.validation import ERROR, WARNING
from fieldsurvey.core.visit import MemberChange
from fieldsurvey.core.water import judge_water
from tests.core.test_assessment import ON, born, child, good, income, person


# -- scenarios ---------------------------------------------------------------------------------
def s_good(h):
    pass


def s_food_no_housing_c(h):
    h.food_secure, h.clothing_secure, h.housing_grade = False, None, "C"


def s_clothing_no_house_none(h):
    h.food_secure, h.clothing_secure, h.housing_grade = None, False, "none"


def s_housing_d(h):
    h.housing_grade = "D"


def s_housing_b(h):
    h.housing_grade = "B"


def s_housing_unrecorded(h):
    h.housing_grade = None


def s_soldier_before_uninsured(h):
    h.members[0].active_military = True
    h.members[0].resident_medical_insurance = False
    h.members[1].resident_medical_insurance = h.members[1].employee_medical_insurance = False


def s_insurance_unrecorded(h):
    h.members[1].resident_medical_insurance = None
    h.members[2].critical_illness_insurance = None


def s_no_members(h):
    h.members = []


def s_moved_out_uninsured(h):
    h.members[1].resident_medical_insurance = False
    h.members[1].present = False


def s_employee_insured(h):
    h.members[0].resident_medical_insurance = False
    h.members[0].employee_medical_insurance = True
    h.members[0].critical_illness_insurance = False


def s_under_threshold(h):
    h.incomes = [income(2024, 5000)]


def s_at_threshold(h):
    h.incomes = [income(2024, 6000)]


def s_national_line_2019(h):
    h.incomes = [income(2019, 3300)]


def s_national_line_2019_under(h):
    h.incomes = [income(2019, 3218)]


def s_old_record(h):
    h.incomes = [income(2022, 9000)]


def s_no_income(h):
    h.incomes = []


def s_size_zero(h):
    h.members = []
    h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 5000}, {}, household_size=0)]


def s_no_wages(h):
    h.incomes = [
        IncomeRecord(
            2024, {"transfer.dibao": 6000, "business.crops": 12000}, {"business.crops": 3000}
        )
    ]


def s_excluded_unknown(h):
    h.incomes = [
        IncomeRecord(
            2024,
            {"wage.migrant_work": 30000, "transfer.condolence": 500, "gift.red_envelope": 800},
            {"mystery": 100},
        )
    ]


def s_drop(h):
    h.incomes = [income(2023, 10000), income(2024, 6900)]


def s_drop_edge(h):
    h.incomes = [income(2023, 10000), income(2024, 7000)]


def s_medical_amount(h):
    h.incomes[-1].medical_out_of_pocket = 10001


def s_medical_amount_edge(h):
    h.incomes[-1].medical_out_of_pocket = 10000


def s_medical_share(h):
    h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 9000}, {}, medical_out_of_pocket=4501)]


def s_medical_share_edge(h):
    h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 9000}, {}, medical_out_of_pocket=4500)]


def s_medical_no_income(h):
    h.incomes = [IncomeRecord(2024, {}, {}, medical_out_of_pocket=50)]


def s_sudden_no_income(h):
    h.incomes = [IncomeRecord(2024, {}, {}, sudden_expenses=50)]


def s_no_labour(h):
    h.members[0].labour_capacity = "weak"
    h.members[1].labour_capacity = "lost"


def s_labour_unrecorded(h):
    h.members[0].labour_capacity = "weak"
    h.members[1].labour_capacity = None


def s_labour_at_65(h):
    h.members[0].labour_capacity = "weak"
    h.members[1].labour_capacity = "weak"
    h.members.append(person("51", "male", born(65), labour_capacity="ordinary"))


def s_labour_at_66(h):
    h.members[0].labour_capacity = "weak"
    h.members[1].labour_capacity = "weak"
    h.members.append(person("51", "male", born(66), labour_capacity="ordinary"))


def s_labour_at_16(h):
    h.members[0].labour_capacity = "weak"
    h.members[1].labour_capacity = "weak"
    h.members.append(
        person("21", "male", born(16), labour_capacity="skilled", schooling="not_student")
    )


def s_labour_at_15(h):
    h.members[0].labour_capacity = "weak"
    h.members[1].labour_capacity = "weak"
    h.members.append(person("21", "male", born(15), labour_capacity="skilled", schooling="grade9"))


def s_dropout_with_reason(h):
    child(h, 13, schooling="not_student", dropout_reason="厌学")


def s_unrecorded_schooling(h):
    child(h, 8, schooling=None)


def s_unknown_schooling_code(h):
    child(h, 8, schooling="grade_x")


def s_child_turning_6_in_october(h):
    child(h, 6, month=10, schooling="not_student")


def s_child_16(h):
    child(h, 16, schooling="not_student")


def s_relation_unknown(h):
    h.members[2].relation = "zz"


def s_dropout_left_grade_7_no_reason(h):
    child(h, 14, schooling="not_student", completed_grade=7)


SCENARIO_NAMES = [n[2:] for n in list(globals()) if n.startswith("s_")]

# Reasons several scenarios share, as ``observed`` reads them.
NO_SCHOOL_AGE_CHILD = (
    "met",
    [
        (
            "家中没有义务教育年龄（6–15岁）的儿童",
            "no child of compulsory-school age (6–15) in the household",
            None,
            None,
        )
    ],
)
FOUR_INSURED = (
    "met",
    [
        (
            "4名成员的基本医疗保险（居民医保或职工医保）、大病保险、医疗救助均已落实",
            "4 member(s) are covered by basic medical insurance (resident or employee), critical "
            "illness insurance, medical assistance",
            None,
            None,
        )
    ],
)
INCOME_7500 = (
    "met",
    [
        (
            "2024年人均纯收入7500.00元，高于2024年防返贫监测标准6000元",
            "net income per capita in 2024 is 7500.00 yuan and is above the 2024 monitoring "
            "threshold of 6000 yuan",
            None,
            "incomes",
        )
    ],
)
NO_MEMBERS_RECORDED = ("unknown", [("户内没有成员记录", "no members recorded", None, "members")])
SIZE_ZERO = (
    "unknown",
    [
        (
            "家庭人口为0,无法计算人均纯收入",
            "household size is 0: no per-capita income",
            None,
            "household_size",
        )
    ],
)
NO_LABOUR = (
    "no_labour",
    "家中没有16–65岁的劳动力",
    "no labourer aged 16–65 in the household",
    None,
)


def income_below(per_capita: str) -> tuple[str, list[tuple[Any, ...]]]:
    """The income dimension failing at ``per_capita`` yuan (2024, the 6000 yuan threshold)."""
    return (
        "not_met",
        [
            (
                f"2024年人均纯收入{per_capita}元，低于2024年防返贫监测标准6000元",
                f"net income per capita in 2024 is {per_capita} yuan and is below the 2024 "
                "monitoring threshold of 6000 yuan",
                None,
                "incomes",
            )
        ],
    )


def under_threshold(per_capita: str) -> tuple[Any, ...]:
    """The risk of ``per_capita`` yuan under the 6000 yuan monitoring threshold."""
    return (
        "under_monitoring_threshold",
        f"人均纯收入{per_capita}元低于监测标准6000元",
        f"net income per capita {per_capita} yuan is under the monitoring threshold of 6000 yuan",
        None,
    )


# What each scenario reads (generated once from the code, then checked by hand line by line).
EXPECTED = {
    "good": {
        "dimensions": {
            "food": (
                "met",
                [("走访人判定不愁吃", "the visitor judged food security met", None, "food_secure")],
            ),
            "clothing": (
                "met",
                [
                    (
                        "走访人判定不愁穿",
                        "the visitor judged clothing security met",
                        None,
                        "clothing_secure",
                    )
                ],
            ),
            "education": (
                "met",
                [
                    (
                        "成员3（子，10岁）在校（小学）",
                        "member 3 (son, age 10) is enrolled (primary school)",
                        3,
                        "schooling",
                    )
                ],
            ),
            "medical": (
                "met",
                [
                    (
                        "3名成员的基本医疗保险（居民医保或职工医保）、大病保险、医疗救助均已落实",
                        "3 member(s) are covered by basic medical insurance "
                        "(resident or employee), critical illness insurance, "
                        "medical assistance",
                        None,
                        None,
                    )
                ],
            ),
            "housing": (
                "met",
                [("住房为A级，安全", "the house is grade A: safe", None, "housing_grade")],
            ),
            "water": (
                "met",
                [
                    (
                        "人均日供水量60升，标准为不低于35升",
                        "60 L per person per day; the standard is at least 35 L",
                        None,
                        "water_quantity_lpd",
                    ),
                    ("水质达标", "water quality is acceptable", None, "water_quality_ok"),
                    ("自来水入户（院）", "water is piped into the yard", None, "water_piped"),
                    (
                        "全年停水0天，标准为不超过36天",
                        "0 days without supply in the year; at most 36 allowed",
                        None,
                        "water_outage_days",
                    ),
                ],
            ),
            "income": (
                "met",
                [
                    (
                        "2024年人均纯收入10000.00元，高于2024年防返贫监测标准6000元",
                        "net income per capita in 2024 is 10000.00 yuan and is above "
                        "the 2024 monitoring threshold of 6000 yuan",
                        None,
                        "incomes",
                    )
                ],
            ),
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "food_no_housing_c": {
        "dimensions": {
            "food": (
                "not_met",
                [
                    (
                        "走访人判定未达到不愁吃",
                        "the visitor judged food security not met",
                        None,
                        "food_secure",
                    )
                ],
            ),
            "clothing": (
                "unknown",
                [
                    (
                        "未记录是否不愁穿",
                        "clothing security was not recorded",
                        None,
                        "clothing_secure",
                    )
                ],
            ),
            "housing": (
                "not_met",
                [("住房为C级危房", "the house is grade C: dangerous", None, "housing_grade")],
            ),
        },
        "risks": [("unsafe_house", "住房为C级危房", "the house is grade C: dangerous", None)],
        "flags": ["unsafe_house", "food_clothing"],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "clothing_no_house_none": {
        "dimensions": {
            "food": (
                "unknown",
                [("未记录是否不愁吃", "food security was not recorded", None, "food_secure")],
            ),
            "clothing": (
                "not_met",
                [
                    (
                        "走访人判定未达到不愁穿",
                        "the visitor judged clothing security not met",
                        None,
                        "clothing_secure",
                    )
                ],
            ),
            "housing": ("not_met", [("无房", "the household has no house", None, "housing_grade")]),
        },
        "risks": [("unsafe_house", "无房", "the household has no house", None)],
        "flags": ["unsafe_house", "food_clothing"],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "housing_d": {
        "dimensions": {
            "housing": (
                "not_met",
                [("住房为D级危房", "the house is grade D: dangerous", None, "housing_grade")],
            )
        },
        "risks": [("unsafe_house", "住房为D级危房", "the house is grade D: dangerous", None)],
        "flags": ["unsafe_house"],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "housing_b": {
        "dimensions": {
            "housing": (
                "met",
                [("住房为B级，安全", "the house is grade B: safe", None, "housing_grade")],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "housing_unrecorded": {
        "dimensions": {
            "housing": (
                "unknown",
                [
                    (
                        "未记录房屋安全等级",
                        "the housing grade was not recorded",
                        None,
                        "housing_grade",
                    )
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "soldier_before_uninsured": {
        "dimensions": {
            "medical": (
                "not_met",
                [
                    (
                        "成员2（配偶，38岁）未参加基本医疗保险（居民医保或职工医保）",
                        "member 2 (spouse, age 38) has no basic "
                        "medical insurance (resident or "
                        "employee)",
                        2,
                        "resident_medical_insurance",
                    ),
                    (
                        "成员1（户主，40岁）为现役军人，享受军人医疗保障",
                        "member 1 (head of household, age 40) "
                        "is serving in the military, covered by "
                        "military care",
                        1,
                        "active_military",
                    ),
                    (
                        "1名成员的基本医疗保险（居民医保或职工医保）、大病保险、医疗救助均已落实",
                        "1 member(s) are covered by basic "
                        "medical insurance (resident or "
                        "employee), critical illness insurance, "
                        "medical assistance",
                        None,
                        None,
                    ),
                ],
            )
        },
        "risks": [
            (
                "uninsured",
                "成员2（配偶，38岁）未参加基本医疗保险",
                "member 2 (spouse, age 38) has no basic medical insurance",
                2,
            )
        ],
        "flags": ["uninsured"],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "insurance_unrecorded": {
        "dimensions": {
            "medical": (
                "unknown",
                [
                    (
                        "成员2（配偶，38岁）未记录是否参加基本医疗保险（居民医保或职工医保）",
                        "member 2 (spouse, age 38): basic medical "
                        "insurance (resident or employee) was not "
                        "recorded",
                        2,
                        "resident_medical_insurance",
                    ),
                    (
                        "成员3（子，10岁）未记录是否参加大病保险",
                        "member 3 (son, age 10): critical illness insurance was not recorded",
                        3,
                        "critical_illness_insurance",
                    ),
                    (
                        "1名成员的基本医疗保险（居民医保或职工医保）、大病保险、医疗救助均已落实",
                        "1 member(s) are covered by basic medical "
                        "insurance (resident or employee), critical "
                        "illness insurance, medical assistance",
                        None,
                        None,
                    ),
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "no_members": {
        "dimensions": {
            "education": NO_SCHOOL_AGE_CHILD,
            "medical": NO_MEMBERS_RECORDED,
            "income": SIZE_ZERO,
        },
        "risks": [NO_LABOUR],
        "flags": [],
        "exit_eligible": False,
        "per_capita": None,
        "policy_year": 2024,
    },
    "moved_out_uninsured": {
        "dimensions": {
            "medical": (
                "met",
                [
                    (
                        "2名成员的基本医疗保险（居民医保或职工医保）、大病保险、医疗救助均已落实",
                        "2 member(s) are covered by basic medical "
                        "insurance (resident or employee), critical "
                        "illness insurance, medical assistance",
                        None,
                        None,
                    )
                ],
            ),
            "income": (
                "met",
                [
                    (
                        "2024年人均纯收入15000.00元，高于2024年防返贫监测标准6000元",
                        "net income per capita in 2024 is 15000.00 "
                        "yuan and is above the 2024 monitoring "
                        "threshold of 6000 yuan",
                        None,
                        "incomes",
                    )
                ],
            ),
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 15000.0,
        "policy_year": 2024,
    },
    "employee_insured": {
        "dimensions": {},
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "under_threshold": {
        "dimensions": {"income": income_below("5000.00")},
        "risks": [under_threshold("5000.00")],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 5000.0,
        "policy_year": 2024,
    },
    "at_threshold": {
        "dimensions": {
            "income": (
                "not_met",
                [
                    (
                        "2024年人均纯收入6000.00元，仅等于，未超过2024年防返贫监测标准6000元",
                        "net income per capita in 2024 is 6000.00 yuan and "
                        "only equals, not above, the 2024 monitoring "
                        "threshold of 6000 yuan",
                        None,
                        "incomes",
                    )
                ],
            )
        },
        "risks": [],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 6000.0,
        "policy_year": 2024,
    },
    "national_line_2019": {
        "dimensions": {
            "income": (
                "met",
                [
                    (
                        "2019年人均纯收入3300.00元，高于2019年国家扶贫标准3218元",
                        "net income per capita in 2019 is 3300.00 yuan "
                        "and is above the 2019 national poverty line "
                        "of 3218 yuan",
                        None,
                        "incomes",
                    ),
                    (
                        "没有2024年的收入记录，使用2019年的记录",
                        "no income record for 2024: the 2019 record is used",
                        None,
                        "incomes",
                    ),
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 3300.0,
        "policy_year": 2019,
    },
    "national_line_2019_under": {
        "dimensions": {
            "income": (
                "not_met",
                [
                    (
                        "2019年人均纯收入3218.00元，仅等于，未超过2019年国家扶贫标准3218元",
                        "net income per capita in 2019 is "
                        "3218.00 yuan and only equals, not "
                        "above, the 2019 national poverty line "
                        "of 3218 yuan",
                        None,
                        "incomes",
                    ),
                    (
                        "没有2024年的收入记录，使用2019年的记录",
                        "no income record for 2024: the 2019 record is used",
                        None,
                        "incomes",
                    ),
                ],
            )
        },
        "risks": [],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 3218.0,
        "policy_year": 2019,
    },
    "old_record": {
        "dimensions": {
            "income": (
                "met",
                [
                    (
                        "2022年人均纯收入9000.00元，高于2022年防返贫监测标准6000元",
                        "net income per capita in 2022 is 9000.00 yuan and is "
                        "above the 2022 monitoring threshold of 6000 yuan",
                        None,
                        "incomes",
                    ),
                    (
                        "没有2024年的收入记录，使用2022年的记录",
                        "no income record for 2024: the 2022 record is used",
                        None,
                        "incomes",
                    ),
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 9000.0,
        "policy_year": 2022,
    },
    "no_income": {
        "dimensions": {
            "income": ("unknown", [("未记录收入", "no income has been recorded", None, "incomes")])
        },
        "risks": [],
        "flags": [],
        "exit_eligible": False,
        "per_capita": None,
        "policy_year": 2024,
    },
    "size_zero": {
        "dimensions": {
            "education": NO_SCHOOL_AGE_CHILD,
            "medical": NO_MEMBERS_RECORDED,
            "income": SIZE_ZERO,
        },
        "risks": [NO_LABOUR],
        "flags": [],
        "exit_eligible": False,
        "per_capita": None,
        "policy_year": 2024,
    },
    "no_wages": {
        "dimensions": {"income": income_below("5000.00")},
        "risks": [under_threshold("5000.00")],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 5000.0,
        "policy_year": 2024,
    },
    "excluded_unknown": {
        "dimensions": {
            "income": (
                "met",
                [
                    (
                        "2024年人均纯收入10000.00元，高于2024年防返贫监测标准6000元",
                        "net income per capita in 2024 is 10000.00 yuan "
                        "and is above the 2024 monitoring threshold of "
                        "6000 yuan",
                        None,
                        "incomes",
                    ),
                    (
                        "慰问金（500元）按政策不计入纯收入",
                        "condolence payments (500 yuan) is not counted by policy",
                        None,
                        "items.transfer.condolence",
                    ),
                    (
                        "未知收入项目gift.red_envelope（800元）未计入",
                        "unknown income item gift.red_envelope (800 yuan) is not counted",
                        None,
                        "gift.red_envelope",
                    ),
                    (
                        "未知收入项目expenses:mystery（100元）未计入",
                        "unknown income item expenses:mystery (100 yuan) is not counted",
                        None,
                        "expenses:mystery",
                    ),
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "drop": {
        "dimensions": {
            "income": (
                "met",
                [
                    (
                        "2024年人均纯收入6900.00元，高于2024年防返贫监测标准6000元",
                        "net income per capita in 2024 is 6900.00 yuan and is above "
                        "the 2024 monitoring threshold of 6000 yuan",
                        None,
                        "incomes",
                    )
                ],
            )
        },
        "risks": [
            (
                "income_drop",
                "人均纯收入由2023年10000.00元（3人）降至2024年6900.00元（3人），降幅31%（超过30%）",
                "net income per capita fell from 10000.00 yuan in 2023 (3 people) to 6900.00 "
                "yuan in 2024 (3 people), by 31% (over 30%)",
                None,
            )
        ],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 6900.0,
        "policy_year": 2024,
    },
    "drop_edge": {
        "dimensions": {
            "income": (
                "met",
                [
                    (
                        "2024年人均纯收入7000.00元，高于2024年防返贫监测标准6000元",
                        "net income per capita in 2024 is 7000.00 yuan and is "
                        "above the 2024 monitoring threshold of 6000 yuan",
                        None,
                        "incomes",
                    )
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 7000.0,
        "policy_year": 2024,
    },
    "medical_amount": {
        "dimensions": {},
        "risks": [
            (
                "medical_burden",
                "合规自付医疗支出10001元，超过10000元",
                "out-of-pocket medical spending of 10001 yuan, over 10000 yuan",
                None,
            )
        ],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "medical_amount_edge": {
        "dimensions": {},
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "medical_share": {
        "dimensions": {"income": income_below("3000.00")},
        "risks": [
            under_threshold("3000.00"),
            (
                "medical_burden",
                "合规自付医疗支出4501元，超过家庭纯收入的50%",
                "out-of-pocket medical spending of 4501 yuan, over 50% of the "
                "household's net income",
                None,
            ),
        ],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 3000.0,
        "policy_year": 2024,
    },
    "medical_share_edge": {
        "dimensions": {"income": income_below("3000.00")},
        "risks": [under_threshold("3000.00")],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 3000.0,
        "policy_year": 2024,
    },
    "medical_no_income": {
        "dimensions": {"income": income_below("0.00")},
        "risks": [
            under_threshold("0.00"),
            (
                "medical_burden",
                "合规自付医疗支出50元，超过家庭纯收入的50%",
                "out-of-pocket medical spending of 50 yuan, over 50% of the household's net income",
                None,
            ),
        ],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 0.0,
        "policy_year": 2024,
    },
    "sudden_no_income": {
        "dimensions": {"income": income_below("0.00")},
        "risks": [
            under_threshold("0.00"),
            (
                "sudden_expense",
                "2024年突发大额支出（非医疗）50元，超过家庭纯收入的50%，支出骤增",
                "a sudden non-medical expense of 50 yuan in 2024, over 50% of the "
                "household's net income: expenses rose sharply",
                None,
            ),
        ],
        "flags": ["under_line"],
        "exit_eligible": False,
        "per_capita": 0.0,
        "policy_year": 2024,
    },
    "no_labour": {
        "dimensions": {},
        "risks": [NO_LABOUR],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "labour_unrecorded": {
        "dimensions": {},
        "risks": [
            (
                "no_labour",
                "16–65岁成员的劳动能力未记录完整，未能确认家中有劳动力",
                "labour capacity of members aged 16–65 is not fully recorded: no "
                "labourer confirmed",
                None,
            )
        ],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "labour_at_65": {
        "dimensions": {
            "medical": FOUR_INSURED,
            "income": INCOME_7500,
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 7500.0,
        "policy_year": 2024,
    },
    "labour_at_66": {
        "dimensions": {
            "medical": FOUR_INSURED,
            "income": INCOME_7500,
        },
        "risks": [NO_LABOUR],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 7500.0,
        "policy_year": 2024,
    },
    "labour_at_16": {
        "dimensions": {
            "medical": FOUR_INSURED,
            "income": INCOME_7500,
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 7500.0,
        "policy_year": 2024,
    },
    "labour_at_15": {
        "dimensions": {
            "education": (
                "met",
                [
                    (
                        "成员3（子，10岁）在校（小学）",
                        "member 3 (son, age 10) is enrolled (primary school)",
                        3,
                        "schooling",
                    ),
                    (
                        "成员4（独生子，15岁）在校（九年级）",
                        "member 4 (only son, age 15) is enrolled (grade 9)",
                        4,
                        "schooling",
                    ),
                ],
            ),
            "medical": FOUR_INSURED,
            "income": INCOME_7500,
        },
        "risks": [NO_LABOUR],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 7500.0,
        "policy_year": 2024,
    },
    "dropout_with_reason": {
        "dimensions": {
            "education": (
                "not_met",
                [
                    (
                        "成员3（子，13岁）处于义务教育年龄但未在校，失学辍学（原因：厌学）",
                        "member 3 (son, age 13) is of "
                        "compulsory-school age but not enrolled: "
                        "dropout (reason: 厌学)",
                        3,
                        "schooling",
                    )
                ],
            )
        },
        "risks": [
            (
                "dropout",
                "成员3（子，13岁）处于义务教育年龄但未在校，失学辍学（原因：厌学）",
                "member 3 (son, age 13) is of compulsory-school age but not "
                "enrolled: dropout (reason: 厌学)",
                3,
            )
        ],
        "flags": ["dropout"],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "unrecorded_schooling": {
        "dimensions": {
            "education": (
                "unknown",
                [
                    (
                        "成员3（子，8岁）未记录在校生状况",
                        "member 3 (son, age 8): schooling was not recorded",
                        3,
                        "schooling",
                    )
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "unknown_schooling_code": {
        "dimensions": {
            "education": (
                "met",
                [
                    (
                        "成员3（子，8岁）在校（grade_x）",
                        "member 3 (son, age 8) is enrolled (grade_x)",
                        3,
                        "schooling",
                    )
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "child_turning_6_in_october": {
        "dimensions": {"education": NO_SCHOOL_AGE_CHILD},
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "child_16": {
        "dimensions": {"education": NO_SCHOOL_AGE_CHILD},
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "relation_unknown": {
        "dimensions": {
            "education": (
                "met",
                [
                    (
                        "成员3（关系未知，10岁）在校（小学）",
                        "member 3 (relationship unknown, age 10) is enrolled (primary school)",
                        3,
                        "schooling",
                    )
                ],
            )
        },
        "risks": [],
        "flags": [],
        "exit_eligible": True,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
    "dropout_left_grade_7_no_reason": {
        "dimensions": {
            "education": (
                "not_met",
                [
                    (
                        "成员3（子，14岁）处于义务教育年龄但未在校，完成7年级后离校，失学辍学（未记录原因）",
                        "member 3 (son, age 14) is of "
                        "compulsory-school age but not "
                        "enrolled after completing "
                        "grade 7: dropout (no reason "
                        "recorded)",
                        3,
                        "schooling",
                    )
                ],
            )
        },
        "risks": [
            (
                "dropout",
                "成员3（子，14岁）处于义务教育年龄但未在校，完成7年级后离校，失学辍学（未记录原因）",
                "member 3 (son, age 14) is of compulsory-school age "
                "but not enrolled after completing grade 7: dropout "
                "(no reason recorded)",
                3,
            )
        ],
        "flags": ["dropout"],
        "exit_eligible": False,
        "per_capita": 10000.0,
        "policy_year": 2024,
    },
}


def observed(h: Household) -> dict[str, Any]:
    a = assess(h, on=ON)
    assert a.household_id == h.household_id and a.assessed_on == ON
    assert all(r.dimension == d for d, r in a.dimensions.items())
    ids = {m.member_id: i for i, m in enumerate(h.members, start=1)}

    def dims() -> dict[str, tuple[str, list[tuple[str, str, int | None, str | None]]]]:
        return {
            d: (
                r.outcome,
                [(x.text.zh, x.text.en, ids.get(x.member_id), x.fact) for x in r.reasons],
            )  # type: ignore[arg-type]
            for d, r in a.dimensions.items()
        }

    return {
        "dimensions": dims(),
        "risks": [(f.code, f.text.zh, f.text.en, ids.get(f.member_id)) for f in a.risk_flags],  # type: ignore[arg-type]
        "flags": list(a.flags),
        "exit_eligible": a.exit_eligible,
        "per_capita": a.net_income_per_capita,
        "policy_year": a.policy_year,
    }


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_each_scenario_reads_exactly_as_expected(name: str) -> None:
    h = good()
    globals()["s_" + name](h)
    got = observed(h)
    want = EXPECTED[name]
    baseline = EXPECTED["good"]["dimensions"]
    for d, result in got["dimensions"].items():
        assert result == want["dimensions"].get(d, baseline[d]), d
    assert {k: v for k, v in got.items() if k != "dimensions"} == {
        k: v for k, v in want.items() if k != "dimensions"
    }


# -- drinking water (T/CHES 18-2018) -------------------------------------------------------------

WATER_CASES: list[tuple[str, dict[str, Any]]] = [
    ("good", {}),
    ("short area 25", {"water_short_area": True, "water_quantity_lpd": 25}),
    ("short area 19", {"water_short_area": True, "water_quantity_lpd": 19}),
    (
        "nothing",
        {
            "water_quantity_lpd": None,
            "water_quality_ok": None,
            "water_piped": None,
            "water_outage_days": None,
        },
    ),
    (
        "far",
        {
            "water_piped": False,
            "water_trip_minutes": 30,
            "water_distance_h_m": 900,
            "water_distance_v_m": 100,
            "water_quantity_lpd": 34,
            "water_quality_ok": False,
            "water_outage_days": 37,
        },
    ),
    (
        "edges",
        {
            "water_piped": False,
            "water_trip_minutes": 20,
            "water_quantity_lpd": 35,
            "water_outage_days": 36,
        },
    ),
    ("h ok", {"water_piped": False, "water_trip_minutes": 21, "water_distance_h_m": 800}),
    ("v ok", {"water_piped": None, "water_distance_h_m": 801, "water_distance_v_m": 80}),
    ("not piped nothing", {"water_piped": False}),
]
# The water reasons most cases share, as ``assess`` words them.
SIXTY_LITRES = (
    "人均日供水量60升，标准为不低于35升",
    "60 L per person per day; the standard is at least 35 L",
    "water_quantity_lpd",
)
QUALITY_OK = ("水质达标", "water quality is acceptable", "water_quality_ok")
PIPED = ("自来水入户（院）", "water is piped into the yard", "water_piped")
NO_OUTAGE = (
    "全年停水0天，标准为不超过36天",
    "0 days without supply in the year; at most 36 allowed",
    "water_outage_days",
)
WATER_EXPECTED = [
    # good
    (
        "met",
        [
            SIXTY_LITRES,
            QUALITY_OK,
            PIPED,
            NO_OUTAGE,
        ],
    ),
    # short area 25
    (
        "met",
        [
            (
                "人均日供水量25升，缺水地区标准为不低于20升",
                "25 L per person per day; the water-short area standard is at least 20 L",
                "water_quantity_lpd",
            ),
            QUALITY_OK,
            PIPED,
            NO_OUTAGE,
        ],
    ),
    # short area 19
    (
        "not_met",
        [
            (
                "人均日供水量19升，缺水地区标准为不低于20升",
                "19 L per person per day; the water-short area standard is at least 20 L",
                "water_quantity_lpd",
            ),
            QUALITY_OK,
            PIPED,
            NO_OUTAGE,
        ],
    ),
    # nothing
    (
        "unknown",
        [
            (
                "未记录人均日供水量",
                "the daily water quantity per person was not recorded",
                "water_quantity_lpd",
            ),
            ("未记录水质是否达标", "water quality was not recorded", "water_quality_ok"),
            (
                "未记录是否自来水入户及取水时间或距离",
                "neither piped supply nor the time or distance to fetch water was recorded",
                "water_piped",
            ),
            (
                "未记录全年停水天数",
                "days without supply in the year were not recorded",
                "water_outage_days",
            ),
        ],
    ),
    # far
    (
        "not_met",
        [
            (
                "人均日供水量34升，标准为不低于35升",
                "34 L per person per day; the standard is at least 35 L",
                "water_quantity_lpd",
            ),
            ("水质不达标", "water quality is not acceptable", "water_quality_ok"),
            (
                "取水不方便：取水往返30分钟（标准不超过20分钟）；取水水平距离900米（标准不超过800米）；取水垂直距离100米（标准不超过80米）",
                "not convenient: a trip to fetch water takes 30 min (at most 20); horizontal "
                "distance 900 m (at most 800); vertical distance 100 m (at most 80)",
                "water_trip_minutes",
            ),
            (
                "全年停水37天，标准为不超过36天",
                "37 days without supply in the year; at most 36 allowed",
                "water_outage_days",
            ),
        ],
    ),
    # edges
    (
        "met",
        [
            (
                "人均日供水量35升，标准为不低于35升",
                "35 L per person per day; the standard is at least 35 L",
                "water_quantity_lpd",
            ),
            QUALITY_OK,
            (
                "取水方便：取水往返20分钟（标准不超过20分钟）",
                "convenient: a trip to fetch water takes 20 min (at most 20)",
                "water_trip_minutes",
            ),
            (
                "全年停水36天，标准为不超过36天",
                "36 days without supply in the year; at most 36 allowed",
                "water_outage_days",
            ),
        ],
    ),
    # h ok
    (
        "met",
        [
            SIXTY_LITRES,
            QUALITY_OK,
            (
                "取水方便：取水水平距离800米（标准不超过800米）",
                "convenient: horizontal distance 800 m (at most 800)",
                "water_distance_h_m",
            ),
            NO_OUTAGE,
        ],
    ),
    # v ok
    (
        "met",
        [
            SIXTY_LITRES,
            QUALITY_OK,
            (
                "取水方便：取水垂直距离80米（标准不超过80米）",
                "convenient: vertical distance 80 m (at most 80)",
                "water_distance_v_m",
            ),
            NO_OUTAGE,
        ],
    ),
    # not piped nothing
    (
        "unknown",
        [
            (
                "未记录是否自来水入户及取水时间或距离",
                "neither piped supply nor the time or distance to fetch water was recorded",
                "water_trip_minutes",
            ),
            SIXTY_LITRES,
            QUALITY_OK,
            NO_OUTAGE,
        ],
    ),
]


@pytest.mark.parametrize(
    ("case", "expected"),
    list(zip(WATER_CASES, WATER_EXPECTED, strict=True)),
    ids=[c[0] for c in WATER_CASES],
)
def test_water_reasons(
    case: tuple[str, dict[str, Any]], expected: tuple[str, list[tuple[str, str, str]]]
) -> None:
    h = good()
    for k, v in case[1].items():
        setattr(h, k, v)
    result = judge_water(h, load_policy())
    assert (result.outcome, [(r.text.zh, r.text.en, r.fact) for r in result.reasons]) == expected
    assert all(r.member_id is None for r in result.reasons)


# -- the branches the mutation run found unreached -----------------------------------------------


def county_tables(tmp_path: Path, tables: dict[str, dict[str, Any]]) -> Path:
    folder = tmp_path / "county"
    folder.mkdir(exist_ok=True)
    for name, table in tables.items():
        (folder / f"{name}.json").write_text(
            json.dumps(table, ensure_ascii=False), encoding="utf-8"
        )
    return folder


def uninsured_soldier() -> Household:
    h = good()
    h.members[0].active_military = True
    h.members[0].resident_medical_insurance = h.members[0].employee_medical_insurance = False
    return h


def test_the_soldier_exemption_keeps_a_serving_member_off_the_uninsured_flag() -> None:
    a = assess(uninsured_soldier(), on=ON)
    assert a.outcome("medical") == "met" and "uninsured" not in a.flags
    assert not [f for f in a.risk_flags if f.code == "uninsured"]


def test_without_the_exemption_the_soldier_is_uninsured_like_anyone(tmp_path: Path) -> None:
    folder = county_tables(
        tmp_path,
        {"medical": {"exempt_active_military": {"value": False, "source": "县医保局 2024"}}},
    )
    h = uninsured_soldier()
    a = assess(h, on=ON, policy=load_policy(overrides_dir=folder))
    assert a.outcome("medical") == "not_met" and "uninsured" in a.flags
    assert [(f.text.zh, f.member_id) for f in a.risk_flags if f.code == "uninsured"] == [
        ("成员1（户主，40岁）未参加基本医疗保险", h.members[0].member_id)
    ]
    assert a.dimensions["medical"].reasons[0].fact == "resident_medical_insurance"


def test_the_divisions_own_threshold_is_the_one_the_risk_flags_use(tmp_path: Path) -> None:
    folder = county_tables(
        tmp_path,
        {
            "monitoring_threshold": {
                "thresholds": {
                    "610728": {
                        "2024": {"value": 12000, "source": "镇巴县乡村振兴局 2024年监测标准"}
                    }
                }
            }
        },
    )
    a = assess(good(), on=ON, policy=load_policy(overrides_dir=folder))
    assert a.monitoring_threshold == 12000.0
    assert [(f.code, f.text.zh) for f in a.risk_flags] == [
        ("under_monitoring_threshold", "人均纯收入10000.00元低于监测标准12000元")
    ]
    assert [r.text.zh for r in a.dimensions["income"].reasons] == [
        "2024年人均纯收入10000.00元，低于2024年防返贫监测标准12000元",
        "该收入标准来自本县政策表",
    ]


def test_a_helper_who_is_the_households_own_member_is_an_error() -> None:
    h = good()
    h.helpers = [
        Helper("帮扶人", "县农业农村局", date(2021, 3, 1), id_number=h.members[1].id_number.lower())
    ]
    problems = [p for p in check_household(h, ON) if p.field == "helpers"]
    assert [(p.level, p.text.zh, p.text.en) for p in problems] == [
        (
            ERROR,
            "第1位帮扶责任人是建档立卡贫困人口，不能担任帮扶责任人",
            "helper 1 is a registered poor person and cannot be a helper",
        )
    ]
    # the county check reports it once, not again as "poor elsewhere"
    assert [p.field for p in check_county([h], ON)[h.household_id]].count("helpers") == 1


def test_a_helper_poor_in_another_household_is_found_by_the_county_check() -> None:
    h, other = good(), good()
    other.household_id = "other"
    other.members[0].id_number = (
        other.members[0].id_number[:6] + other.members[0].id_number[8:17]
    )  # 15-digit
    h.helpers = [
        Helper(
            "帮扶人",
            "县农业农村局",
            date(2021, 3, 1),
            id_number=make_id_number(
                "610728",
                other.members[0].birth_date,
                int(other.members[0].id_number[-3:]),
                other.members[0].sex,
            ),
        )
    ]
    assert not [p for p in check_household(h, ON) if p.field == "helpers"]
    found = check_county([h, other], ON)
    assert [p.text.zh for p in found[h.household_id] if p.field == "helpers"] == [
        "第1位帮扶责任人是建档立卡贫困人口，不能担任帮扶责任人"
    ]


@pytest.mark.parametrize(("age", "warned"), [(15, False), (16, True), (65, True), (66, False)])
def test_destitute_labour_rule_at_its_ages(age: int, warned: bool) -> None:
    h = good()
    h.poverty_category = "destitute"
    h.members = [
        person("02", "male", born(age), labour_capacity="ordinary", schooling="not_student")
    ]
    problems = [
        p for p in check_household(h, ON) if p.field == "labour_capacity" and p.level == WARNING
    ]
    expected = [
        (
            WARNING,
            "特困供养户不应有16–65岁有劳动能力的成员",
            "a destitute-support household should have no member aged 16–65 able to work",
            1,
            h.members[0].member_id,
        )
    ]
    assert [(p.level, p.text.zh, p.text.en, p.member_index, p.member_id) for p in problems] == (
        expected if warned else []
    )


def test_weak_labour_in_a_destitute_household_is_not_warned() -> None:
    h = good()
    h.poverty_category = "destitute"
    for m in h.members[:2]:
        m.labour_capacity = "weak"
    assert not [p for p in check_household(h, ON) if p.field == "labour_capacity"]


def test_income_with_no_wages_while_a_member_works_is_a_warning() -> None:
    h = good()
    h.incomes = [IncomeRecord(2024, {"transfer.dibao": 6000}, {})]
    problems = [p for p in check_household(h, ON) if p.field == "incomes"]
    assert [(p.level, p.text.zh, p.text.en) for p in problems] == [
        (
            WARNING,
            "有务工成员，但2024年没有工资性收入",
            "a member works but there is no wage income in 2024",
        )
    ]
    b = income_breakdown(h.incomes[0], h, load_policy())
    assert b.components == {"wage": 0.0, "business": 0.0, "property": 0.0, "transfer": 6000.0}


def test_wages_with_nobody_working_is_a_warning_and_an_old_record_is_read() -> None:
    h = good()
    h.members[0].work_status, h.members[0].work_months = None, None
    h.incomes = [income(2022, 9000), income(2025, 1)]  # 2025 is after ON: never read
    problems = [p for p in check_household(h, ON) if p.field == "incomes"]
    assert [p.text.zh for p in problems] == ["2022年有工资性收入，但没有务工成员"]
    h.members[1].public_welfare_job = True
    assert not [p for p in check_household(h, ON) if p.field == "incomes"]
    h.members[1].public_welfare_job, h.members[1].work_months = False, 3
    assert not [p for p in check_household(h, ON) if p.field == "incomes"]


def test_no_income_record_raises_no_wage_warning() -> None:
    h = good()
    h.incomes = []
    assert not [p for p in check_household(h, ON) if p.field == "incomes"]


def test_a_record_of_size_0_falls_back_to_the_present_members() -> None:
    h = good()
    record = IncomeRecord(2024, {"wage.migrant_work": 9000}, {}, household_size=0)
    assert income_breakdown(record, h, load_policy()).household_size == 3
    assert (
        income_breakdown(
            IncomeRecord(2024, {}, {}, household_size=2), h, load_policy()
        ).household_size
        == 2
    )


def test_the_breakdown_serialises_what_was_left_out() -> None:
    h = good()
    record = IncomeRecord(
        2024,
        {"wage.migrant_work": 1000, "business.crops": 500, "transfer.condolence": 50, "odd": 7},
        {"business.livestock": 20, "weird": 3},
    )
    d = income_breakdown(record, h, load_policy()).to_dict()
    assert d == {
        "year": 2024,
        "components": {"wage": 1000.0, "business": 500.0, "property": 0.0, "transfer": 0.0},
        "business_expenses": 20.0,
        "household_size": 3,
        "net_income": 1480.0,
        "net_income_per_capita": 493.33,
        "estimated_expenses": {},
        "estimate_ratios": {},
        "unrecorded_expenses": ["business.crops"],
        "excluded": {"transfer.condolence": 50.0},
        "unknown_items": {"odd": 7.0, "expenses:weird": 3.0},
    }


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (date.today(), True),
        (date.today() + timedelta(days=1), False),
        (date(1880, 1, 1), True),
        (date(1879, 12, 31), False),
    ],
)
def test_birth_dates_at_today_and_1880(birth: date, ok: bool) -> None:
    number = make_id_number("610728", birth, 12, "female")
    if ok:
        assert parse_id_number(number).birth_date == birth
    else:
        with pytest.raises(IdNumberError) as e:
            parse_id_number(number)
        assert e.value.text.zh == "身份证号中的出生日期不合理"
        assert e.value.text.en == "the birth date inside the ID number is implausible"
        assert e.value.code == "bad_id_number"


def test_a_birth_date_that_does_not_exist() -> None:
    first17 = "61072819880230012"
    with pytest.raises(IdNumberError) as e:
        parse_id_number(first17 + "0")
    assert (e.value.text.zh, e.value.text.en) == (
        "身份证号中的出生日期不存在",
        "the birth date inside the ID number does not exist",
    )


def test_id_messages_word_each_rule() -> None:
    cases = {
        "12345": (
            "身份证号应为18位（或旧式15位）",
            "an ID number has 18 characters (or 15 for old ones)",
        ),
        "61072819880229012": (
            "身份证号应为18位（或旧式15位）",
            "an ID number has 18 characters (or 15 for old ones)",
        ),
        "61072888022901A": ("15位身份证号必须全为数字", "a 15-digit ID number must be all digits"),
    }
    for raw, text in cases.items():
        with pytest.raises(IdNumberError) as e:
            parse_id_number(raw)
        assert (e.value.text.zh, e.value.text.en) == text
    good_number = make_id_number("610728", date(1988, 2, 29), 12, "female")
    wrong = good_number[:-1] + ("0" if good_number[-1] != "0" else "1")
    with pytest.raises(IdNumberError) as e:
        parse_id_number(wrong)
    assert e.value.text.zh == "身份证号校验位不正确，请核对是否录错"
    assert e.value.text.en == "the ID number's check character is wrong: please re-check it"


def test_masking_short_values_hides_everything() -> None:
    assert mask_id_number("1234567890") == "**********"
    assert mask_id_number("12345678901") == "123456*8901"


def test_generated_numbers_cover_the_sequence_ends() -> None:
    for seq, sex in ((999, "female"), (998, "male"), (0, "male"), (1, "female")):
        info = parse_id_number(make_id_number("610728", date(1990, 1, 1), seq, sex))
        assert info.sex == sex


def test_summary_counts_outcomes_flags_and_risks() -> None:
    a, b = good(), good()
    s_food_no_housing_c(b)
    s_dropout_with_reason(b)
    summary = summarise([assess(a, on=ON), assess(b, on=ON), assess(b, on=ON)])
    assert (summary.total, summary.exit_eligible) == (3, 1)
    assert (
        summary.failing("housing") == 2
        and summary.unknown("clothing") == 2
        and summary.failing("water") == 0
    )
    assert summary.unknown("nothing") == 0 and summary.failing("nothing") == 0
    assert summary.flags == {"unsafe_house": 2, "food_clothing": 2, "dropout": 2}
    assert summary.risks == {"unsafe_house": 2, "dropout": 2}
    assert summary.outcomes["food"] == {"met": 1, "not_met": 2, "unknown": 0}


def test_an_assessment_survives_its_dict_form_with_reasons_and_risks() -> None:
    h = good()
    s_dropout_with_reason(h)
    a = assess(h, on=ON)
    assert Assessment.from_dict(json.loads(json.dumps(a.to_dict()))) == a


def test_an_unsafe_water_dimension_raises_the_water_risk() -> None:
    h = good()
    h.water_quality_ok = False
    a = assess(h, on=ON)
    assert [(f.code, f.text.zh, f.text.en) for f in a.risk_flags] == [
        ("unsafe_water", "饮水不安全", "drinking water is not safe")
    ]
    assert a.flags == ("unsafe_water",)


def test_an_explicit_previous_record_is_divided_by_its_own_size() -> None:
    h = good()
    a = assess(
        h,
        on=ON,
        previous_income=IncomeRecord(2023, {"wage.migrant_work": 60000}, {}, household_size=4),
    )
    assert [f.text.zh for f in a.risk_flags] == [
        "人均纯收入由2023年15000.00元（4人）降至2024年10000.00元（3人），降幅33%（超过30%）"
    ]


def test_a_previous_year_with_no_income_raises_no_drop() -> None:
    h = good()
    h.incomes = [IncomeRecord(2023, {}, {}), income(2024, 10)]
    assert not [f for f in assess(h, on=ON).risk_flags if f.code == "income_drop"]


# -- income breakdown details and each year's household ------------------------------------------


def breakdown_of(
    items: dict[str, float],
    expenses: dict[str, float],
    *,
    ratios: bool = False,
    tmp_path: Path | None = None,
    size: int | None = None,
):  # type: ignore[no-untyped-def]
    policy = load_policy()
    if ratios:
        assert tmp_path is not None
        policy = load_policy(
            overrides_dir=county_tables(
                tmp_path,
                {
                    "business_cost_ratios": {
                        "enabled": {"value": True, "source": "县乡村振兴局 收入核算口径 2024"}
                    }
                },
            )
        )
    return income_breakdown(
        IncomeRecord(2024, items, expenses, household_size=size), good(), policy
    )


def test_a_record_of_one_person_is_divided_by_one() -> None:
    assert breakdown_of({"wage.local": 5000}, {}, size=1).net_income_per_capita == 5000.0


def test_each_business_item_without_its_expense_is_listed_whatever_comes_before() -> None:
    b = breakdown_of(
        {"business.crops": 3000, "business.livestock": 2000, "business.other": 1},
        {"business.crops": 500},
    )
    assert b.unrecorded_expenses == ("business.livestock", "business.other")
    assert b.business_expenses == 500.0
    only_later = breakdown_of({"business.forestry_fruit": 800}, {})
    assert only_later.unrecorded_expenses == ("business.forestry_fruit",)


def test_estimates_are_rounded_to_fen_and_added_up(tmp_path: Path) -> None:
    b = breakdown_of(
        {"business.crops": 1234.567, "business.livestock": 1000.005},
        {},
        ratios=True,
        tmp_path=tmp_path,
    )
    assert b.estimated_expenses == {"business.crops": 493.83, "business.livestock": 400.0}
    assert b.estimate_ratios == {"business.crops": 0.4, "business.livestock": 0.4}
    assert b.business_expenses == 893.83
    exact = breakdown_of(
        {"business.crops": 100}, {"business.crops": 10.123, "business.livestock": 0.004}
    )
    assert exact.business_expenses == 10.13


def test_the_size_of_a_year_follows_members_who_left_and_came_back() -> None:
    h = good()
    wife = h.members[1]
    wife.present = True  # left in 2022, came back in 2024
    out_2022 = MemberChange(h.household_id, wife.member_id, "other_out", date(2022, 6, 1))
    back_2024 = MemberChange(h.household_id, wife.member_id, "other_in", date(2024, 2, 1))
    changes = [back_2024, out_2022]  # not in date order

    def size(year: int) -> int:
        return income_breakdown(
            IncomeRecord(year, {"wage.local": 1}), h, load_policy(), changes
        ).household_size

    assert (size(2021), size(2022), size(2023), size(2024)) == (3, 2, 2, 3)


def test_a_change_on_the_last_day_of_the_year_counts_for_that_year_and_an_unknown_reason_joins() -> (
    None
):
    h = good()
    son = h.members[2]
    son.present = False

    def present(on: date, member_id: str, reason: str, changed: date) -> bool:
        return present_on(son, on, [MemberChange(h.household_id, member_id, reason, changed)])

    assert present(date(2023, 12, 31), son.member_id, "death", date(2023, 12, 31)) is False
    assert present(date(2023, 12, 30), son.member_id, "death", date(2023, 12, 31)) is True
    assert present(date(2023, 12, 31), son.member_id, "no_such_reason", date(2023, 1, 1)) is True
    assert present(date(2023, 12, 31), "someone else", "death", date(2020, 1, 1)) is False


# -- education: each special case in both languages, with the member and the fact ------------------

EDUCATION_CASES = [
    (
        "preschool",
        7,
        {"schooling": "preschool"},
        "not_met",
        [
            (
                "成员3（子，7岁）已到义务教育年龄仍在学前教育，未接受义务教育",
                "member 3 (son, age 7) is of compulsory-school age but still in pre-school: not in "
                "compulsory education",
                "schooling",
            ),
        ],
    ),
    (
        "grade 9 done",
        14,
        {"schooling": "not_student", "education": "junior_secondary", "completed_grade": 9},
        "met",
        [
            (
                "成员3（子，14岁）已完成九年级，义务教育已完成",
                "member 3 (son, age 14) has completed grade 9: compulsory education finished",
                "completed_grade",
            ),
        ],
    ),
    (
        "grade unknown",
        15,
        {"schooling": "not_student", "education": "junior_secondary"},
        "unknown",
        [
            (
                "成员3（子，15岁）不在校，文化程度为初中及以上，但未记录完成的最高年级，无法确认是否完成义务教育",
                "member 3 (son, age 15) is not in school with junior secondary education or above, "
                "but the highest grade completed is not recorded: compulsory education may not be finished",
                "completed_grade",
            ),
        ],
    ),
    (
        "exempt, health unrecorded",
        12,
        {"schooling": "not_student", "schooling_exempt": True, "health": None},
        "unknown",
        [
            (
                "成员3（子，12岁）记录了送教上门或因身体原因免于就学，但未记录健康状况，无法确认",
                "member 3 (son, age 12): home schooling or a health exemption is recorded but "
                "health is not, so it cannot be confirmed",
                "health",
            ),
        ],
    ),
    (
        "exempt, disabled",
        12,
        {"schooling": "not_student", "schooling_exempt": True, "health": "disabled"},
        "met",
        [
            (
                "成员3（子，12岁）经评估因身体原因不能就学，不计为失学辍学",
                "member 3 (son, age 12) is assessed as unable to attend school for health reasons: not a dropout",
                "schooling_exempt",
            ),
        ],
    ),
    (
        "home-schooled, critical",
        12,
        {"schooling": "primary", "home_schooling": True, "health": "critical"},
        "met",
        [
            (
                "成员3（子，12岁）接受送教上门，视同在校",
                "member 3 (son, age 12) is home-schooled, which counts as enrolled",
                "home_schooling",
            ),
        ],
    ),
    (
        "home-schooled, healthy, enrolled",
        12,
        {"schooling": "primary", "home_schooling": True, "health": "healthy"},
        "met",
        [
            (
                "成员3（子，12岁）在校（小学）；送教上门仅适用于残疾或重病儿童，该儿童不符合，不予认定",
                "member 3 (son, age 12) is enrolled (primary school); home schooling applies to "
                "disabled or seriously ill children only and is not accepted for this child",
                "home_schooling",
            ),
        ],
    ),
    (
        "exempt, healthy, enrolled",
        12,
        {"schooling": "grade7", "schooling_exempt": True, "health": "healthy"},
        "met",
        [
            (
                "成员3（子，12岁）在校（七年级）；因身体原因免于就学仅适用于残疾或重病儿童，该儿童不符合，不予认定",
                "member 3 (son, age 12) is enrolled (grade 7); the health exemption applies to "
                "disabled or seriously ill children only and is not accepted for this child",
                "schooling_exempt",
            ),
        ],
    ),
    (
        "exempt, healthy, out of school",
        12,
        {"schooling": "not_student", "schooling_exempt": True, "health": "healthy"},
        "not_met",
        [
            (
                "成员3（子，12岁）处于义务教育年龄但未在校，失学辍学（未记录原因）；因身体原因免于就学仅适用于残疾或重病儿童，该儿童不符合，不予认定",
                "member 3 (son, age 12) is of compulsory-school age but not enrolled: dropout (no "
                "reason recorded); the health exemption applies to disabled or seriously ill "
                "children only and is not accepted for this child",
                "schooling",
            ),
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "age", "facts", "outcome", "reasons"),
    EDUCATION_CASES,
    ids=[c[0] for c in EDUCATION_CASES],
)
def test_education_special_cases_word_their_reasons(
    name: str, age: int, facts: dict[str, Any], outcome: str, reasons: list[tuple[str, str, str]]
) -> None:
    h = good()
    kid = child(h, age, **facts)
    result = assess(h, on=ON).dimensions["education"]
    assert result.outcome == outcome
    assert [(r.text.zh, r.text.en, r.fact) for r in result.reasons] == reasons
    assert all(r.member_id == kid.member_id for r in result.reasons)


def test_no_findings_at_all_is_unknown() -> None:
    assert combine("medical", []) == DimensionResult("medical", "unknown", ())


def test_a_carried_forward_threshold_and_a_missing_line_are_worded() -> None:
    h = good()
    h.incomes = [income(2027, 10000)]
    a = assess(h, on=date(2027, 5, 1))
    assert [(r.text.zh, r.text.en, r.fact) for r in a.dimensions["income"].reasons] == [
        (
            "2027年人均纯收入10000.00元，高于2025年防返贫监测标准6000元",
            "net income per capita in 2027 is 10000.00 yuan and is above the 2025 monitoring threshold of 6000 yuan",
            "incomes",
        ),
        (
            "2027年没有监测标准，沿用2025年标准",
            "no threshold for 2027: the 2025 threshold is carried forward",
            None,
        ),
    ]
    assert (a.poverty_line, a.monitoring_threshold, a.risk_flags) == (None, 6000.0, ())
    h.incomes = [income(2008, 10000)]
    a = assess(h, on=date(2008, 12, 1))
    assert [(r.text.zh, r.text.en, r.fact) for r in a.dimensions["income"].reasons] == [
        (
            "政策表中没有2008年适用的收入标准",
            "the policy tables have no income line for 2008",
            "incomes",
        )
    ]
    assert (a.poverty_line, a.monitoring_threshold) == (None, None)


def test_a_county_line_says_where_it_comes_from_in_english_too(tmp_path: Path) -> None:
    folder = county_tables(
        tmp_path,
        {
            "monitoring_threshold": {
                "thresholds": {
                    "610728": {"2024": {"value": 9000, "source": "镇巴县乡村振兴局 2024年监测标准"}}
                }
            }
        },
    )
    a = assess(good(), on=ON, policy=load_policy(overrides_dir=folder))
    assert [(r.text.en, r.fact) for r in a.dimensions["income"].reasons] == [
        (
            "net income per capita in 2024 is 10000.00 yuan and is above the 2024 monitoring threshold of 9000 yuan",
            "incomes",
        ),
        ("this line comes from the county's own policy table", None),
    ]
    assert a.risk_flags == ()


def test_a_sudden_expense_of_exactly_the_amount_is_not_over_it() -> None:
    h = good()  # net income 30000: half is 15000
    h.incomes[-1].sudden_expenses = 10000
    assert not [f for f in assess(h, on=ON).risk_flags if f.code == "sudden_expense"]
    h.incomes[-1].sudden_expenses = 10000.5
    assert [f.code for f in assess(h, on=ON).risk_flags] == ["sudden_expense"]


def test_the_unrecorded_cost_note_in_english() -> None:
    h = good()
    h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 30000, "business.livestock": 6000}, {})]
    notes = [
        r
        for r in assess(h, on=ON).dimensions["income"].reasons
        if r.fact == "expenses.business.livestock"
    ]
    assert [(r.text.en, r.member_id) for r in notes] == [
        (
            "livestock farming has income but no expense recorded: counted as 0, so net income may be "
            "overstated; the expense is to be completed",
            None,
        )
    ]
