"""Every policy value cites a public document; the numbers the seeds give are in the tables with
their meaning and reach the county's reports; unverified values go to county staff, not to the
households' ledgers.

The scan reads every ``source`` and ``note`` of ``resources/policy/*.json`` (the shipped folder)
and refuses the project's internal files ("domain reference §2", "seed 001", REFERENCE.md …).
The dashboard runs in process on a county server holding four exited and one relapsed household
of the Zhenba test village, once with the shipped tables (Shaanxi has no relapse target) and once
with a county table that adopts Chongqing's 0.5%.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey.core.policy import (
    POLICY_DIR_ENV,
    clear_policy_cache,
    load_policy,
    shipped_policy_dir,
)
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.dashboard.counts import dashboard, relapse, unverified_policy
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync.batch import batch_payload, seal_batch
from tests.support.factories import household
from tests.support.server import COUNTY, VILLAGE_A, enroll_secretary, init_county, roster

# The project's own files and their ways of being cited; none may stand as a value's source.
INTERNAL = re.compile(
    r"domain reference|REFERENCE(\.md)?|GLOSSARY|STYLE\.md|seeds?\s*/?\s*0\d\d|seed \d|§|\.\./shared|"
    r"shared/|not in the reference|the reference (lists|marks|gives|says)",
    re.IGNORECASE,
)
# A public document: a title in 《》, or a standard's code (T/CHES 18-2018, GB/T 2260).
PUBLIC = re.compile(r"《[^》]+》|\b(GB|GB/T|T/CHES)\s?[\d.]+-\d{4}")


def provenance(node: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, key, text) of every source and note in a table."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("source", "note") and isinstance(value, str):
                yield path, key, value
            else:
                yield from provenance(value, f"{path}.{key}" if path else key)


def test_every_policy_value_cites_a_public_document_never_an_internal_file() -> None:
    tables = sorted(shipped_policy_dir().glob("*.json"))
    assert len(tables) >= 13
    seen = 0
    for table in tables:
        data = json.loads(table.read_text(encoding="utf-8"))
        assert not INTERNAL.search(data.get("description", "")), table.name
        for path, key, text in provenance(data):
            seen += 1
            assert not INTERNAL.search(text), (
                f"{table.name}:{path}.{key} cites an internal file: {text}"
            )
            if key == "source":
                assert PUBLIC.search(text), f"{table.name}:{path} names no public document: {text}"
    assert seen > 100
    # and the loaded values: every one names a public document
    for entry in load_policy().entries:
        assert PUBLIC.search(entry.source) and not INTERNAL.search(entry.source), entry.key


def test_the_scan_catches_the_ways_an_internal_file_was_cited() -> None:
    for bad in (
        "domain reference §2: 工资性收入",
        "seed 001 (镇巴 577 standard)",
        "see REFERENCE.md §4",
        "not in the domain reference: chosen",
        "../shared/seeds/003",
    ):
        assert INTERNAL.search(bad), bad
    assert not INTERNAL.search(
        "中共中央办公厅、国务院办公厅《关于建立贫困退出机制的意见》（厅字〔2016〕16号）二.（二）"
    )


def test_a_value_only_an_internal_note_supported_is_unverified_and_names_what_settles_it() -> None:
    policy = load_policy()
    hubei = policy.monitoring_threshold("420100", 2023)
    assert hubei is not None and hubei.value == 7600 and hubei.verified is False
    assert "湖北省乡村振兴局" in (hubei.note or "")
    for ratio in policy.cost_ratios.ratios.values():
        assert ratio.verified is False and "settle" in (ratio.note or "")
    entry = policy.school.entry_age
    assert entry.verified and "义务教育法" in entry.source and "第十一条" in entry.source


def test_the_seeds_numbers_are_in_the_tables_with_their_meaning() -> None:
    policy = load_policy()
    qinghai = {y: policy.income_target("632123", y) for y in range(2015, 2021)}
    assert {y: t.value for y, t in qinghai.items() if t} == {
        2016: 3316,
        2017: 3532,
        2018: 3762,
        2019: 4000,
    }
    assert "青海省" in qinghai[2016].source and "二.(二)" in qinghai[2016].source  # type: ignore[union-attr]
    assert policy.income_target("610728", 2017) is None  # another province set no such target here
    chongqing = policy.relapse_rate_target("500101")
    assert chongqing is not None and chongqing.value == 0.5 and "0.5%以内" in chongqing.source
    assert policy.relapse_rate_target("610728") is None
    for name, meaning in (
        ("income_targets", "Targets (not poverty lines)"),
        ("relapse_rate", "A target (not a line)"),
        ("medical_reimbursement", "Targets (not lines)"),
    ):
        data = json.loads((shipped_policy_dir() / f"{name}.json").read_text(encoding="utf-8"))
        assert data["description"].startswith(meaning) and data["unit"]
    assert (policy.dibao_phase_out.months.value, policy.dibao_phase_out.months_disabled.value) == (
        12,
        18,
    )  # type: ignore[union-attr]


def test_relapse_rate_against_the_target() -> None:
    policy = load_policy()
    counts = {"status_people.exited": 995, "status_people.relapsed": 5}
    r = relapse(policy, "500101001001", counts)
    assert (r["relapse_rate_percent"], r["relapse_target_percent"], r["meets_relapse_target"]) == (
        0.5,
        0.5,
        False,
    )
    r = relapse(policy, "500101001001", {"status_people.exited": 996, "status_people.relapsed": 4})
    assert (r["relapse_rate_percent"], r["meets_relapse_target"]) == (0.4, True)
    r = relapse(policy, "610728101001", counts)
    assert (r["relapse_rate_percent"], r["relapse_target_percent"], r["meets_relapse_target"]) == (
        0.5,
        None,
        None,
    )
    assert relapse(policy, "500101001001", {})["relapse_rate_percent"] is None  # nobody exited yet


@pytest.fixture
def county(tmp_path: Path) -> Iterator[ServerDir]:
    sd = init_county(tmp_path / "county")
    import_roster(sd, "test", {**roster(1), "households": []})
    identity = enroll_secretary(sd, "sec", [VILLAGE_A])
    records = []
    for i, status in enumerate(("exited", "exited", "exited", "exited", "relapsed")):
        h = household(no=f"61072810100191{i:02d}", village=VILLAGE_A, person_index=i + 40)
        h.status = status
        records.append({"kind": "household.create", "household": household_to_dict(h)})
    ingest(sd, seal_batch(identity, batch_payload(identity, records, base_cursor=None)), via="file")
    try:
        yield sd
    finally:
        sd.close()


def board(sd: ServerDir, role: str = "county_staff") -> dict[str, Any]:
    who = Principal("staff-id", "staff", role, None)
    with sd.transaction() as s:
        return dashboard(s, who, None)


def test_the_dashboard_shows_the_relapse_rate_and_the_unverified_values(
    county: ServerDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(POLICY_DIR_ENV, raising=False)
    clear_policy_cache()
    d = board(county)
    village = next(v for v in d["incidence"] if v["village_code"] == VILLAGE_A)
    # four people in each household: 4 relapsed of 20 who exited
    assert (
        village["relapsed_people"],
        village["exited_people"],
        village["relapse_rate_percent"],
    ) == (4, 20, 20.0)
    assert (
        village["relapse_target_percent"] is None and d["relapse"]["relapse_rate_percent"] == 20.0
    )
    keys = {u["key"] for u in d["unverified_policy"]}
    assert (
        "monitoring_threshold:thresholds.610000.2025" in keys
        and "village_exit_standard:incidence_below_percent.610000" in keys
    )
    assert not any(
        ".340000." in k or ".420000." in k or ".450000" in k for k in keys
    )  # other provinces' values
    assert all(u["note"] for u in d["unverified_policy"])
    assert unverified_policy(load_policy(), COUNTY) == d["unverified_policy"]
    # a county adopting Chongqing's target sees its villages measured against it
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "relapse_rate.json").write_text(
        json.dumps(
            {
                "relapse_rate_below_percent": {
                    "610728": {
                        "value": 0.5,
                        "source": "镇巴县乡村振兴局《关于巩固拓展脱贫攻坚成果的实施方案》（示例）返贫率控制在0.5%以内",
                    }
                }
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv(POLICY_DIR_ENV, str(folder))
    clear_policy_cache()
    try:
        d = board(county)
    finally:
        monkeypatch.delenv(POLICY_DIR_ENV)
        clear_policy_cache()
    village = next(v for v in d["incidence"] if v["village_code"] == VILLAGE_A)
    assert (village["relapse_target_percent"], village["meets_relapse_target"]) == (0.5, False)
    assert d["relapse"]["meets_relapse_target"] is False


def test_policy_check_lists_each_unverified_value_with_what_settles_it() -> None:
    environ = {k: v for k, v in os.environ.items() if k != POLICY_DIR_ENV}
    out = subprocess.run(
        [sys.executable, "-m", "fieldsurvey", "policy", "check"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environ,
        timeout=60,
        check=True,
    ).stdout
    policy = load_policy()
    listed = re.findall(r"未核实 UNVERIFIED (\S+) = ", out)
    assert listed == [e.key for e in policy.unverified()] and len(listed) == len(
        policy.unverified()
    )
    assert "poverty_line:lines.2019 = 3218" in out and "中国农村贫困监测报告2020" in out


def test_the_village_report_gives_the_relapse_rate_against_the_target() -> None:
    from fieldsurvey.ledger.model import DivisionNames
    from fieldsurvey.ledger.village_report import HouseholdSummary, report_content

    def row(no: str, status: str, size: int) -> HouseholdSummary:
        return HouseholdSummary(
            no, "户主", size, True, status, "general", "exited", False, True, (), (), None
        )

    rows = [
        row("1", "exited", 4),
        row("2", "exited", 4),
        row("3", "exited", 4),
        row("4", "exited", 4),
        row("5", "relapsed", 4),
    ]
    names = DivisionNames("某区县", "某镇", "某村")
    chongqing = dict(report_content(rows, names, "500101001001").totals)
    assert chongqing["返贫率"] == "20.00%（目标<0.5%,未达到）"
    shaanxi = report_content(rows, names, "610728101001")
    assert dict(shaanxi.totals)["返贫率"] == "20.00%"  # no target set for Shaanxi: the rate alone
    assert "返贫率 = 返贫户人口 4 人 ÷ 已脱贫及返贫户人口 20 人" in shaanxi.notes
