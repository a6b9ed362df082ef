"""The data items the policy documents ask for travel from the visit form to the ledger and the
county's exports, the reimbursement rate is checked against the division's target, and a helper
changed during a visit reaches the household as a roster change does.

One synthetic household of the Zhenba test village is visited on 2025-06-15: the secretary
records its living conditions (通生活用电, 广播电视户户通, 入户路, fuel, land, cooperative), the
dibao phase-out, the renovation target group and subsidy, a son's wish to work and training, the
grandmother left behind, the head's hospital costs and reimbursement, and that the helper was
changed. The finalized visit updates the household; the household's ledger is rendered and read
back from the PDF; the household and the visit go to an in-process county server in a signed
batch, and the county's CSV exports are read back.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldsurvey.core.household import Household, IncomeRecord
from fieldsurvey.core.policy import clear_policy_cache, load_policy
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.core.reimbursement import below_target, reimbursements
from fieldsurvey.core.visit import FINALIZED
from fieldsurvey.forms.household_visit import finalize_visit, start_visit
from fieldsurvey.forms.session import FormSession
from fieldsurvey.ledger.household_pdf import render_household
from fieldsurvey.ledger.model import DivisionNames, LedgerInput, LedgerOptions
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.exports.tables import Exporter, csv_chunks
from fieldsurvey.server.households.filters import HouseholdFilter
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.store import Store
from fieldsurvey.sync.batch import batch_payload, seal_batch
from tests.support.factories import household
from tests.support.server import VILLAGE_A, enroll_secretary, init_county, roster

VISIT_DAY = date(2025, 6, 15)
NAMES = DivisionNames("镇巴县", "泾洋街道", "示范村")


def fill_visit(s: FormSession, h: Household) -> None:
    """Everything the shipped visit requires of the factory household, and the new items."""
    head, spouse, daughter, grandma = (m.member_id for m in h.members)
    for key, level in (
        (head, "junior_secondary"),
        (spouse, "primary"),
        (daughter, "primary"),
        (grandma, "illiterate"),
    ):
        s.set_value(f"members[{key}]/education", level)
        for fact in ("employee_medical_insurance", "medical_assistance", "family_doctor"):
            s.set_value(f"medical[{key}]/{fact}", fact == "medical_assistance")
    s.set_value(f"medical[{head}]/chronic_disease_card", True)
    s.set_value(f"compulsory_children[{daughter}]/school_name", "示范村小学")
    # 生产生活条件
    s.set_value("electricity", True)
    s.set_value("broadcast_tv", False)
    s.set_value("access_road", "gravel")
    s.set_value("road_distance_km", 1.2)
    s.set_value("cooking_fuel", "firewood")
    s.set_value("farmland_mu", 3.5)
    s.set_value("irrigated_land_mu", 1.0)
    s.set_value("forest_land_mu", 12)
    s.set_value("cooperative_member", True)
    # 低保渐退: the period is proposed from the policy table (no disabled member: 12 months)
    s.set_value("dibao_phase_out", True)
    s.set_value("dibao_phase_out_start", "2025-03-01")
    # members: the spouse is out of work and wants work and training; grandma is left behind
    s.set_value(f"members[{spouse}]/wants_work", True)
    s.set_value(f"members[{spouse}]/wants_training", True)
    s.set_value(f"members[{spouse}]/training_received", False)
    s.set_value(f"members[{grandma}]/left_behind", "elderly")
    # the head's hospital stay this year: 10,000 yuan, 7,500 reimbursed (75%, Zhenba's target 80%)
    s.set_value(f"medical[{head}]/hospital_costs", 10000)
    s.set_value(f"medical[{head}]/hospital_reimbursed", 7500)
    # the house is being repaired under the renovation programme
    s.set_value("renovation_status", "in_progress")
    s.set_value("renovation_year", 2025)
    s.set_value("renovation_target_group", "registered_poor")
    s.set_value("renovation_subsidy", 20000)
    # the helper was changed
    s.set_value("helper_confirmation", "changed")
    s.set_value("helper_name", "孙丽华")
    s.set_value("helper_sex", "female")
    s.set_value("helper_unit", "县人社局")
    s.set_value("helper_unit_level", "county")
    s.set_value("helper_phone", "13900000002")
    s.set_value("helper_start_date", "2025-05-01")
    s.set_value("visitor", "刘书记")
    s.set_value("household_confirmed", True)
    s.set_value("confirmed_by", "王建国")


@pytest.fixture
def visited() -> tuple[Household, Household, object]:
    before = household()
    s = start_visit(before, today=VISIT_DAY)
    assert s.answers()["helper_current"] == "赵文军（县农业农村局）"
    assert "dibao_phase_out_months" not in s.answers()  # asked only in the phase-out period
    fill_visit(s, before)
    assert s.answers()["dibao_phase_out_months"] == 12  # proposed from dibao_phase_out.json
    done = finalize_visit(s, before)
    return before, done.household, done


def test_the_visit_sets_every_new_item_on_the_household(visited) -> None:  # type: ignore[no-untyped-def]
    before, h, _ = visited
    assert (h.electricity, h.broadcast_tv, h.access_road, h.road_distance_km, h.cooking_fuel) == (
        True,
        False,
        "gravel",
        1.2,
        "firewood",
    )
    assert (h.farmland_mu, h.irrigated_land_mu, h.forest_land_mu, h.cooperative_member) == (
        3.5,
        1.0,
        12.0,
        True,
    )
    assert (h.dibao_phase_out, h.dibao_phase_out_start, h.dibao_phase_out_months) == (
        True,
        date(2025, 3, 1),
        12,
    )
    assert h.dibao_phase_out_end() == date(2026, 2, 28)
    assert (h.renovation_target_group, h.renovation_subsidy) == ("registered_poor", 20000.0)
    spouse, grandma = h.members[1], h.members[3]
    assert (spouse.wants_work, spouse.wants_training, spouse.training_received) == (
        True,
        True,
        False,
    )
    assert grandma.left_behind == "elderly" and spouse.left_behind is None
    income = h.income_for(2025)
    assert income is not None
    assert income.medical_costs == {
        h.members[0].member_id: {"hospital": 10000.0, "hospital_reimbursed": 7500.0}
    }
    assert income.items == before.income_for(2025).items  # type: ignore[union-attr]  # the rest of the year kept


def test_a_helper_changed_during_the_visit_reaches_the_household_and_the_store(
    visited,
    tmp_path: Path,
    fast_kdf: dict,  # type: ignore[no-untyped-def]
) -> None:
    before, h, done = visited
    old, new = h.helpers
    assert (old.name, old.start_date, old.end_date) == (
        "赵文军",
        date(2021, 3, 1),
        date(2025, 4, 30),
    )
    assert (new.name, new.sex, new.unit, new.unit_level, new.phone) == (
        "孙丽华",
        "female",
        "县人社局",
        "county",
        "13900000002",
    )
    assert (new.start_date, new.end_date, new.confirmed_on) == (date(2025, 5, 1), None, VISIT_DAY)
    assert [x.name for x in h.current_helpers()] == ["孙丽华"]
    store, _ = Store.create(tmp_path / "village", "correct horse battery staple 7", kdf=fast_kdf)
    with store:
        store.households.add(before)
        draft = store.visits.save_draft(done.visit)  # type: ignore[attr-defined]
        store.visits.finalize(draft, h, done.assessment.to_dict())  # type: ignore[attr-defined]
        saved = store.households.get(h.household_id)
        assert saved is not None and [(x.name, x.end_date) for x in saved.helpers] == [
            ("赵文军", date(2025, 4, 30)),
            ("孙丽华", None),
        ]
        assert saved.income_for(2025).medical_costs == h.income_for(2025).medical_costs  # type: ignore[union-attr]
        # the change waits in the outbox for the next sync, as field edits of the helper records
        edits = {
            (e.record_type, e.record_id, e.op, e.field): e.new_value
            for e in store.outbox.pending_edits()
            if e.record_type == "helper"
        }
        assert edits[("helper", old.helper_id, "update", "end_date")] == "2025-04-30"
        created = [
            v for (kind, rid, op, _f), v in edits.items() if rid == new.helper_id and op == "create"
        ]
        assert (
            created and created[0]["name"] == "孙丽华" and created[0]["start_date"] == "2025-05-01"
        )


def test_a_confirmed_helper_is_kept_with_the_day_it_was_confirmed() -> None:
    h = household()
    s = start_visit(h, today=VISIT_DAY)
    fill_visit(s, h)
    s.set_value("helper_confirmation", "confirmed")
    after = finalize_visit(s, h).household
    assert [(x.name, x.end_date, x.confirmed_on) for x in after.helpers] == [
        ("赵文军", None, VISIT_DAY)
    ]


def pdf_text(path: Path) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_the_ledger_prints_the_new_items_and_the_reimbursement_against_the_target(
    visited,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    _, h, done = visited
    visit = done.visit
    visit.status, visit.finalized_at = FINALIZED, datetime(2025, 6, 15, 11)
    path = tmp_path / "ledger.pdf"
    with path.open("wb") as out:
        render_household(
            LedgerInput(h, [visit], NAMES, done.assessment),
            LedgerOptions(generated_at=datetime(2025, 6, 16)),
            out,
        )
    text = pdf_text(path)
    for shown in (
        "二、生产生活条件",
        "通生活用电是",
        "广播电视户户通否",
        "入户路类型砂石路",
        "距村主干路1.2公里",
        "主要燃料类型柴草",
        "加入农民专业合作社是",
        "耕地面积3.5亩",
        "林地面积12亩",
        "低保渐退是，2025-03-01起12个月（至2026-02-28）",
        "留守老人",
        "改造对象：建档立卡贫困户",
        "改造补助：20,000.00元",
        "孙丽华",
        "已调整",
    ):
        assert shown in text, shown
    # 王建国, 2025, inpatient: 10,000 costs, 7,500 reimbursed, 75.0% against Zhenba's 80%
    assert "2025年王建国住院10,000.007,500.0075.0%80%未达到80%目标" in text
    # no disclaimer about unverified policy values on a page the household signs
    assert "核实" not in text.replace("走访核实", "") and "unverified" not in text


def test_reimbursement_rates_meet_or_miss_the_target_of_the_division(tmp_path: Path) -> None:
    policy = load_policy()
    h = household()
    head, spouse = h.members[0].member_id, h.members[1].member_id
    h.incomes = [
        IncomeRecord(
            2025,
            medical_costs={
                head: {"hospital": 10000.0, "hospital_reimbursed": 7500.0},
                spouse: {
                    "hospital": 5000.0,
                    "hospital_reimbursed": 4000.0,
                    "outpatient": 1000.0,
                    "outpatient_reimbursed": 850.0,
                },
            },
        )
    ]
    found = {(r.member_id, r.kind): r for r in reimbursements(h, policy)}
    assert set(found) == {(head, "hospital"), (spouse, "hospital"), (spouse, "outpatient")}
    assert found[head, "hospital"].rate == 0.75 and found[head, "hospital"].meets_target is False
    assert (
        found[spouse, "hospital"].rate == 0.8 and found[spouse, "hospital"].meets_target is True
    )  # 80% is met
    assert found[spouse, "hospital"].target.value == 0.8  # type: ignore[union-attr]
    assert "镇脱贫发〔2019〕9号" in found[spouse, "hospital"].target.source  # type: ignore[union-attr]
    # Zhenba sets no chronic outpatient target: the rate is shown without a verdict
    assert found[spouse, "outpatient"].meets_target is None
    assert found[spouse, "outpatient"].verdict().zh == "本地未设目标"
    assert [r.member_id for r in below_target(h, policy)] == [head]
    # in Guangxi the targets are 90% inpatient and 80% chronic outpatient
    from fieldsurvey.core.divisions import DivisionCode

    h.division_code = DivisionCode("450102001001")
    gx = {(r.member_id, r.kind): r.meets_target for r in reimbursements(h, policy)}
    assert gx == {
        (head, "hospital"): False,
        (spouse, "hospital"): False,
        (spouse, "outpatient"): True,
    }
    # a county corrects its target in its own table
    folder = tmp_path / "county"
    folder.mkdir()
    (folder / "medical_reimbursement.json").write_text(
        json.dumps(
            {
                "hospital": {
                    "450102": {
                        "value": 0.75,
                        "source": "南宁市兴宁区医疗保障局 2025 年县域内住院报销目标（示例）",
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    county = load_policy(folder)
    assert {
        r.member_id for r in reimbursements(h, county) if r.kind == "hospital" and r.meets_target
    } == {head, spouse}
    clear_policy_cache()


def exported(sd: ServerDir, kind: str) -> list[dict[str, str]]:
    staff = Principal("staff-id", "staff", "county_staff", None)
    raw = b"".join(csv_chunks(Exporter(sd, staff, kind, HouseholdFilter(), "zh"))).decode(
        "utf-8-sig"
    )
    return list(csv.DictReader(io.StringIO(raw)))


def test_the_countys_exports_hold_the_new_items(visited, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, h, done = visited
    h.household_no = "6107281010019101"
    h.division_code = type(h.division_code)(VILLAGE_A)
    visit = done.visit
    visit.status, visit.finalized_at = FINALIZED, datetime(2025, 6, 15, 11)
    visit.assessment = done.assessment.to_dict()
    sd = init_county(tmp_path / "county")
    import_roster(sd, "test", {**roster(1), "households": []})
    identity = enroll_secretary(sd, "sec", [VILLAGE_A])
    payload = batch_payload(
        identity,
        [
            {"kind": "household.create", "household": household_to_dict(h)},
            {"kind": "visit", "visit": visit_to_dict(visit)},
        ],
        base_cursor=None,
    )
    ingest(sd, seal_batch(identity, payload), via="file")
    try:
        households = exported(sd, "households")
        row = next(r for r in households if r["户编号"] == h.household_no)
        assert (
            row["通生活用电"],
            row["广播电视户户通"],
            row["入户路类型"],
            row["主要燃料类型"],
        ) == ("是", "否", "砂石路", "柴草")
        assert (row["耕地面积（亩）"], row["林地面积（亩）"], row["加入农民专业合作社"]) == (
            "3.5",
            "12.0",
            "是",
        )
        assert (row["低保渐退"], row["渐退开始日期"], row["渐退期限（月）"]) == (
            "是",
            "2025-03-01",
            "12",
        )
        assert (row["危房改造对象类别"], row["危房改造补助（元）"]) == ("建档立卡贫困户", "20000.0")
        members = {r["姓名"]: r for r in exported(sd, "members")}
        assert members["张桂英"]["留守情况"] == "留守老人"
        assert (
            members["李秀兰"]["就业意愿"],
            members["李秀兰"]["培训意愿"],
            members["李秀兰"]["本年参加培训"],
        ) == ("是", "是", "否")
        costs = exported(sd, "medical_costs")
        assert [
            (
                r["年度"],
                r["姓名"],
                r["类别"],
                r["合规费用（元）"],
                r["已报销（元）"],
                r["实际报销比例"],
                r["目标"],
                r["结果"],
            )
            for r in costs
        ] == [("2025", "王建国", "住院", "10000.0", "7500.0", "0.75", "0.8", "未达到80%目标")]
    finally:
        sd.close()


def test_the_county_household_view_names_members_below_the_reimbursement_target(
    visited, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from fieldsurvey.ui import i18n
    from fieldsurvey.ui.county.household_detail import HouseholdDetail

    # English throughout (the stub's tr gives the English source): the code label must follow,
    # whatever language an earlier test of the session left set
    monkeypatch.setitem(i18n._state, "language", "en")

    class Stub:
        @staticmethod
        def tr(text: str) -> str:
            return text

    _, h, _ = visited
    record = household_to_dict(h)
    assert HouseholdDetail._reimbursement_facts(Stub(), record) == [  # type: ignore[arg-type]
        "2025 王建国 inpatient reimbursed 75.0%, below the 80% target"
    ]
    h.income_for(2025).medical_costs[h.members[0].member_id]["hospital_reimbursed"] = 8000.0  # type: ignore[union-attr]
    assert HouseholdDetail._reimbursement_facts(Stub(), household_to_dict(h)) == []  # type: ignore[arg-type]


def test_the_record_checks_refuse_codes_the_new_lists_do_not_hold() -> None:
    from fieldsurvey.core.validation import validate_household

    h = household()
    h.access_road, h.cooking_fuel, h.dibao_phase_out_months = "highway", "clean", 99
    h.members[3].left_behind, h.members[1].non_compulsory_aid = "elderly", ["yulu_plan", "lottery"]
    found = {(p.field, p.member_index) for p in validate_household(h)}
    assert found == {
        ("access_road", None),
        ("dibao_phase_out_months", None),
        ("non_compulsory_aid", 2),
    }
