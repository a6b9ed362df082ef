"""Past visits for the demo county, so a newcomer sees a county in mid-season.

Each household gets one or two finalized visits from the last months: the answers are what the
visit form would hold for the registry as it stands (the form engine's prefill), the findings are
written from what the assessment found, and the assessment is the real one. Households visited
long ago make the "not visited in 30/90 days" filters meaningful. These visits came from the
county's records, so they are not waiting to be synced.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import Policy, load_policy
from fieldsurvey.core.visit import FINALIZED, Visit
from fieldsurvey.forms.household_visit import HOUSEHOLD_VISIT
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.forms.prefill import prefill

# What a secretary writes after a visit, by what the assessment found (first match wins).
FINDINGS = {
    "dropout": "家中有适龄儿童失学，已与学校和镇中心校联系劝返。",
    "uninsured": "有家庭成员未参加基本医疗保险，已告知村医保专干协助补缴。",
    "unsafe_house": "住房鉴定为危房，已上报危房改造计划。",
    "unsafe_water": "饮水不达标（水量或取水距离），已报水利站解决。",
    "under_line": "家庭收入偏低，已纳入监测并研究就业帮扶。",
    "food_clothing": "吃穿存在困难，已申请临时救助。",
}
ALL_MET = (
    "两不愁三保障及饮水安全均达标，家庭生产生活正常。",
    "家庭情况稳定，务工收入正常，帮扶措施落实到位。",
    "入户核实家庭人口和收入，各项保障达标。",
)
VISITORS = ("李明华", "王志刚", "陈晓燕", "刘建军")


@dataclass(frozen=True, slots=True)
class HistoryItem:
    visits: list[Visit]
    assessment: dict
    last_visit: date


class HistoryMaker:
    """Past visits household after household, from one random stream (deterministic by seed)."""

    def __init__(
        self,
        *,
        today: date,
        seed: int = 1,
        policy: Policy | None = None,
        library: FormLibrary | None = None,
    ) -> None:
        self.today = today
        self.policy = policy or load_policy()
        self.survey = (library or FormLibrary()).survey(HOUSEHOLD_VISIT)
        self.rng = random.Random(f"history-{seed}")

    def item(self, h: Household) -> HistoryItem:
        rng, survey = self.rng, self.survey
        # Most households seen this quarter; some overdue (31–90 days), a few long overdue.
        roll = rng.random()
        days_ago = (
            rng.randint(1, 30)
            if roll < 0.6
            else rng.randint(31, 90)
            if roll < 0.9
            else rng.randint(91, 200)
        )
        last = self.today - timedelta(days=days_ago)
        dates = (
            [last] if rng.random() < 0.5 else [last - timedelta(days=rng.randint(60, 150)), last]
        )
        visits: list[Visit] = []
        assessment: dict = {}
        for visit_date in dates:
            result = assess(h, on=visit_date, policy=self.policy)
            assessment = result.to_dict()
            finding = next(
                (FINDINGS[f] for f in FINDINGS if f in result.flags), None
            ) or rng.choice(ALL_MET)
            answers = prefill(h, survey, visit_date)
            stamp = datetime.combine(visit_date, time(10, rng.randint(0, 59)))
            visitor = rng.choice(VISITORS)
            answers.update(
                {"visit_date": visit_date.isoformat(), "visitor": visitor, "findings": finding}
            )
            visits.append(
                Visit(
                    household_id=h.household_id,
                    visit_date=visit_date,
                    visitor=visitor,
                    form_id=survey.id,
                    form_version=survey.version,
                    answers=answers,
                    status=FINALIZED,
                    created_at=stamp,
                    updated_at=stamp,
                    finalized_at=stamp,
                    findings=finding,
                    assessment=assessment,
                )
            )
        return HistoryItem(visits, assessment, last)


def history_for(
    households: Iterable[Household],
    *,
    today: date,
    seed: int = 1,
    policy: Policy | None = None,
    library: FormLibrary | None = None,
) -> Iterator[tuple[Household, HistoryItem]]:
    maker = HistoryMaker(today=today, seed=seed, policy=policy, library=library)
    for h in households:
        yield h, maker.item(h)
