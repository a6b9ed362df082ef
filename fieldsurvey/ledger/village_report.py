"""The village report: every household on one table, and the village totals.

Built from one small ``HouseholdSummary`` per household, so a village of any size can be
summarised while its ledgers stream to disk without keeping the records in memory.
Poverty incidence (贫困发生率) is the people of registered poor households not yet exited (or
relapsed) over the village population; when the population is not given, the people of the
households listed stand in for it and the report says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from fieldsurvey.core.assessment_result import DIMENSION_LABELS, DIMENSIONS, FLAG_LABELS, NOT_MET
from fieldsurvey.core.policy import Policy, load_policy
from fieldsurvey.ledger.content import finalized_visits, latest_assessment
from fieldsurvey.ledger.formatting import DASH, day, label
from fieldsurvey.ledger.household_pdf import RenderResult
from fieldsurvey.ledger.layout import PageFurniture, build_pdf, data_table, field_grid, para, styles
from fieldsurvey.ledger.model import (
    DivisionNames,
    LedgerInput,
    LedgerOptions,
    content_fingerprint,
    format_fingerprint,
    qr_payload,
)

STATUSES = ("not_exited", "exited", "relapsed")
POOR_STATUSES = ("not_exited", "relapsed")


@dataclass(frozen=True, slots=True)
class HouseholdSummary:
    household_no: str
    head: str
    size: int
    registered_poor: bool
    status: str
    poverty_category: str | None
    household_type: str | None
    monitored: bool
    assessed: bool
    failing: tuple[str, ...]  # DIMENSIONS not met in the latest assessment
    flags: tuple[str, ...]  # FLAG_LABELS keys
    last_visit: date | None


def summarise(inp: LedgerInput) -> HouseholdSummary:
    h = inp.household
    visits = finalized_visits(list(inp.visits))
    assessment = latest_assessment(inp)
    return HouseholdSummary(
        household_no=h.household_no,
        head=h.head.name if h.head else DASH,
        size=h.size,
        registered_poor=h.registered_poor,
        status=h.status,
        poverty_category=h.poverty_category,
        household_type=h.household_type,
        monitored=h.monitored,
        assessed=assessment is not None,
        failing=tuple(d for d in DIMENSIONS if assessment and assessment.outcome(d) == NOT_MET),
        flags=assessment.flags if assessment else (),
        last_visit=visits[-1].visit_date if visits else None,
    )


@dataclass(frozen=True, slots=True)
class VillageTotals:
    households: int
    people: int
    households_by_status: dict[str, int]  # registered poor households only
    people_by_status: dict[str, int]
    not_registered: int  # monitored households never registered poor (no 脱贫状态)
    monitored: int
    not_assessed: int
    failing: dict[str, int]  # households not meeting each dimension
    poor_people: int
    population: int
    population_given: bool

    @property
    def relapse_rate(self) -> float | None:
        """返贫率 in percent: people of relapsed households over people of households that exited."""
        relapsed = self.people_by_status.get("relapsed", 0)
        exited = relapsed + self.people_by_status.get("exited", 0)
        return 100.0 * relapsed / exited if exited else None

    @property
    def incidence(self) -> float | None:
        """贫困发生率 in percent, or None for an empty village."""
        return 100.0 * self.poor_people / self.population if self.population else None


def village_totals(
    rows: Iterable[HouseholdSummary], population: int | None = None
) -> VillageTotals:
    rows = list(rows)
    hh: Counter[str] = Counter()
    people: Counter[str] = Counter()
    failing: Counter[str] = Counter()
    for r in rows:
        if r.registered_poor:  # 脱贫状态 applies to registered poor households only
            hh[r.status] += 1
            people[r.status] += r.size
        failing.update(r.failing)
    listed = sum(r.size for r in rows)
    return VillageTotals(
        households=len(rows),
        people=listed,
        households_by_status={s: hh[s] for s in STATUSES},
        people_by_status={s: people[s] for s in STATUSES},
        monitored=sum(1 for r in rows if r.monitored),
        not_registered=sum(1 for r in rows if not r.registered_poor),
        not_assessed=sum(1 for r in rows if not r.assessed),
        failing={d: failing[d] for d in DIMENSIONS},
        poor_people=sum(r.size for r in rows if r.registered_poor and r.status in POOR_STATUSES),
        population=population if population is not None else listed,
        population_given=population is not None,
    )


@dataclass(frozen=True, slots=True)
class VillageReportContent:
    names: DivisionNames
    village_code: str
    totals: tuple[tuple[str, str], ...]
    failing: tuple[tuple[str, str], ...]  # (dimension, households not meeting it)
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]


ROW_HEADERS = (
    "序号",
    "户编号",
    "户主",
    "人口",
    "脱贫状态",
    "贫困户属性",
    "户类型",
    "问题标记",
    "未达标项",
    "最近走访",
)
ROW_WEIGHTS = (0.5, 3.0, 1.3, 0.8, 1.1, 1.5, 1.5, 1.9, 1.6, 1.5)


def report_content(
    summaries: Sequence[HouseholdSummary],
    names: DivisionNames,
    village_code: str,
    population: int | None = None,
    policy: Policy | None = None,
) -> VillageReportContent:
    t = village_totals(summaries, population)
    target = (policy or load_policy()).relapse_rate_target(village_code)
    status_zh = {s: label("status", s) for s in STATUSES}
    totals = [
        ("总户数", f"{t.households} 户"),
        ("总人口（列表内）", f"{t.people} 人"),
        *[
            (
                f"{status_zh[s]}户数 / 人数",
                f"{t.households_by_status[s]} 户 / {t.people_by_status[s]} 人",
            )
            for s in STATUSES
        ],
        ("非建档立卡监测户", f"{t.not_registered} 户"),
        ("监测对象", f"{t.monitored} 户"),
        ("尚未评估", f"{t.not_assessed} 户"),
        ("贫困发生率", f"{t.incidence:.2f}%" if t.incidence is not None else DASH),
        ("返贫率", _relapse(t.relapse_rate, target.value if target else None)),
    ]
    failing = tuple((DIMENSION_LABELS[d].zh, f"{t.failing[d]} 户") for d in DIMENSIONS)
    rows = tuple(
        (
            str(i),
            r.household_no,
            r.head,
            str(r.size),
            label("status", r.status) if r.registered_poor else DASH,
            label("poverty_category", r.poverty_category),
            label("household_type", r.household_type),
            "、".join(
                (["监测对象"] if r.monitored else [])
                + [FLAG_LABELS[f].zh if f in FLAG_LABELS else f for f in r.flags]
            )
            or DASH,
            "、".join(DIMENSION_LABELS[d].zh for d in r.failing)
            or ("未评估" if not r.assessed else DASH),
            day(r.last_visit),
        )
        for i, r in enumerate(summaries, 1)
    )
    basis = (
        f"全村人口 {t.population} 人"
        if t.population_given
        else f"列表内 {t.population} 人（未提供全村人口，以列表内人口计算）"
    )
    notes = (
        f"贫困发生率 = 未脱贫及返贫的建档立卡人口 {t.poor_people} 人 ÷ {basis}",
        "未达标项依据每户最近一次评估；未评估的户不计入未达标户数。",
        f"返贫率 = 返贫户人口 {t.people_by_status['relapsed']} 人 ÷ 已脱贫及返贫户人口 "
        f"{t.people_by_status['exited'] + t.people_by_status['relapsed']} 人"
        + (f";目标为控制在{target.value:g}%以内" if target else ""),
    )
    return VillageReportContent(names, village_code, tuple(totals), failing, rows, notes)


def _relapse(rate: float | None, target: float | None) -> str:
    if rate is None:
        return DASH
    if target is None:
        return f"{rate:.2f}%"
    return f"{rate:.2f}%（目标<{target:g}%,{'达到' if rate < target else '未达到'}）"


def render_village_report(
    content: VillageReportContent, options: LedgerOptions, out: BinaryIO
) -> RenderResult:
    fingerprint = content_fingerprint(content)
    generated = (options.generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    title = f"{content.names.village} 建档立卡户汇总表"
    furniture = PageFurniture(
        header_left=f"村级汇总 · {content.names.place}",
        header_right=f"村代码 {content.village_code}",
        generated=generated,
        fingerprint_text=format_fingerprint(fingerprint),
        qr_payload=qr_payload(content.village_code, fingerprint, kind="FSREPORT"),
    )
    st = styles()
    flow: list[Any] = [
        para(title, st.subtitle),
        Spacer(1, 4 * mm),
        para("一、村级汇总", st.heading),
        field_grid(content.totals),
        Spacer(1, 2 * mm),
        para("二、两不愁三保障及饮水、收入未达标户数", st.heading),
        field_grid(content.failing),
        Spacer(1, 2 * mm),
        *[para(n, st.note) for n in content.notes],
        para("三、户情一览", st.heading),
        data_table(ROW_HEADERS, content.rows, ROW_WEIGHTS, right=(3,)),
    ]
    pages = build_pdf(
        out,
        flow,
        furniture,
        title=title,
        subject=f"村级汇总 {content.names.place}",
        author=content.names.county,
        keywords=f"fingerprint:{fingerprint}",
    )
    return RenderResult(pages, fingerprint)
