"""``fieldsurvey ledger`` against a real encrypted store, run as a user runs it.

The command runs in this process (``run_in_process``: pipes, environment, exit status as a
process sees them); the ``--jobs`` run starts a real one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldsurvey.core.divisions import Division, DivisionCode
from fieldsurvey.core.ids import mask_id_number
from fieldsurvey.core.visit import Visit
from fieldsurvey.ledger.samples import VILLAGE, make_assessment, make_household
from fieldsurvey.store import Store
from tests.support.server import run_in_process

PASS = "台账打印测试用的密码短语"
ROOT = Path(__file__).parents[2]
CODE = VILLAGE.value


def run(*args: str, process: bool = False) -> subprocess.CompletedProcess[str]:
    """``fieldsurvey ledger ARGS`` with the passphrase in the environment; in this process unless
    ``process`` (the ``--jobs`` run, whose workers are processes of their own, gets a real one)."""
    env = {"FIELDSURVEY_PASSPHRASE": PASS}
    if not process:
        return run_in_process("ledger", *args, env=env, drop_env="FIELDSURVEY_", cwd=ROOT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDSURVEY_")} | env
    return subprocess.run(
        [sys.executable, "-m", "fieldsurvey", "ledger", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def text_of(path: Path) -> str:
    return "".join("".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.fixture
def store_dir(tmp_path: Path, fast_kdf: dict) -> Path:
    d = tmp_path / "store"
    store, _ = Store.create(d, PASS, kdf=fast_kdf)
    with store:
        store.set_county("610728", "镇巴县")
        store.divisions.add_many(
            [
                Division(DivisionCode("610728000000"), "镇巴县", None),
                Division(DivisionCode("610728101000"), "泾洋街道", "610728000000"),
                Division(DivisionCode(CODE), "楮河村", "610728101000"),
            ]
        )
        households = [make_household(seed) for seed in range(4)]
        store.households.add_many(households)
        for h in households:
            for i, day in enumerate((5, 20)):
                visit = Visit(
                    h.household_id,
                    date(2024, 3, day),
                    "李书记",
                    "visit",
                    "1",
                    findings=f"第{i + 1}次走访发现：生活正常",
                )
                store.visits.finalize(visit, None, make_assessment(h).to_dict())
        store.visits.save_draft(
            Visit(
                households[0].household_id,
                date(2024, 4, 1),
                "李书记",
                "visit",
                "1",
                findings="未提交的草稿",
            )
        )
    return d


def household_nos(store_dir: Path) -> list[str]:
    with Store.open(store_dir, passphrase=PASS) as store:
        return [s.household_no for s in store.households.summaries()]


def test_prints_one_household_from_the_store(store_dir: Path, tmp_path: Path) -> None:
    no = household_nos(store_dir)[1]
    out = tmp_path / "one.pdf"
    result = run("--data-dir", str(store_dir), "--household", no, "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = text_of(out)
    with Store.open(store_dir, passphrase=PASS) as store:
        household = store.households.get_by_no(no)
    assert household is not None
    for m in household.members:
        assert m.name in text and m.id_number in text
    assert "镇巴县" in text and "泾洋街道" in text and "楮河村" in text
    assert "第1次走访发现：生活正常" in text and "未提交的草稿" not in text
    pages = len(PdfReader(out).pages)
    assert f"第1页共{pages}页" in text
    assert (PdfReader(out).metadata or {}).get("/Author") == "镇巴县"


def test_public_copy_into_a_folder(store_dir: Path, tmp_path: Path) -> None:
    no = household_nos(store_dir)[0]
    result = run(
        "--data-dir", str(store_dir), "--household", no, "--out", str(tmp_path), "--mask-ids"
    )
    assert result.returncode == 0, result.stderr
    text = text_of(tmp_path / f"{no}-公示.pdf")
    with Store.open(store_dir, passphrase=PASS) as store:
        household = store.households.get_by_no(no)
    assert household is not None
    for m in household.members:
        assert m.id_number not in text and mask_id_number(m.id_number) in text


def test_prints_a_village_as_folder_and_as_one_file(store_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "village"
    result = run("--data-dir", str(store_dir), "--village", CODE, "--out", str(folder))
    assert result.returncode == 0, result.stderr
    nos = household_nos(store_dir)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{n}.pdf" for n in nos] + [f"{CODE}-村级汇总.pdf"]
    )
    assert "4/4" in result.stderr

    combined = tmp_path / "village.pdf"
    result = run(
        "--data-dir",
        str(store_dir),
        "--village",
        CODE,
        "--out",
        str(combined),
        "--jobs",
        "2",
        process=True,
    )
    assert result.returncode == 0, result.stderr
    reader = PdfReader(combined)
    assert [item.title.split()[0] for item in reader.outline[2:]] == nos

    report = tmp_path / "report.pdf"
    result = run(
        "--data-dir",
        str(store_dir),
        "--village",
        CODE,
        "--report-only",
        "--out",
        str(report),
        "--population",
        "400",
    )
    assert result.returncode == 0, result.stderr
    text = text_of(report)
    assert "总户数4户" in text and "全村人口400人" in text


def test_verify_matches_the_printed_page_until_the_record_changes(
    store_dir: Path, tmp_path: Path
) -> None:
    no = household_nos(store_dir)[2]
    out = tmp_path / "paper.pdf"
    assert run("--data-dir", str(store_dir), "--household", no, "--out", str(out)).returncode == 0
    last_page = PdfReader(out).pages[-1].extract_text()
    printed = next(line for line in last_page.splitlines() if line.startswith("文档指纹"))
    fingerprint = printed.split("：", 1)[1].strip()

    ok = run(
        "verify", "--data-dir", str(store_dir), "--household", no, "--fingerprint", fingerprint
    )
    assert ok.returncode == 0, ok.stderr
    assert "一致" in ok.stdout and "full copy" in ok.stdout

    with Store.open(store_dir, passphrase=PASS) as store:
        household = store.households.get_by_no(no)
        assert household is not None
        household.water_quantity_lpd = 12.0
        store.households.update(household)
    changed = run(
        "verify", "--data-dir", str(store_dir), "--household", no, "--fingerprint", fingerprint
    )
    assert changed.returncode == 1
    assert "不一致" in changed.stdout


def test_unknown_household_is_a_clear_error(store_dir: Path, tmp_path: Path) -> None:
    result = run(
        "--data-dir", str(store_dir), "--household", "999999999", "--out", str(tmp_path / "x.pdf")
    )
    assert result.returncode == 2
    assert "找不到该户编号对应的户" in result.stderr and "999999999" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_usage_errors(store_dir: Path, tmp_path: Path) -> None:
    assert run("--data-dir", str(store_dir), "--out", str(tmp_path)).returncode == 2
    bad = run("--data-dir", str(store_dir), "--village", "610728101000", "--out", str(tmp_path))
    assert bad.returncode == 2 and "12" in bad.stderr
