"""``fieldsurvey policy`` as county staff would run it: once as a real process, otherwise in this
process through the same ``cli.main`` (``run_in_process``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fieldsurvey.core.policy import POLICY_DIR_ENV
from tests.support.server import run_in_process


def run(
    *args: str, env: dict[str, str] | None = None, process: bool = False
) -> subprocess.CompletedProcess[str]:
    """``fieldsurvey policy ARGS``; in this process (``run_in_process``) unless ``process``."""
    if not process:
        return run_in_process("policy", *args, env=env, drop_env=POLICY_DIR_ENV)
    environ = {k: v for k, v in os.environ.items() if k != POLICY_DIR_ENV} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "fieldsurvey", "policy", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environ,
        timeout=60,
        check=False,
    )


def test_line_names_the_threshold_its_division_and_that_it_is_unverified() -> None:
    done = run(
        "line", "610728", "2024", process=True
    )  # once as a real process: the entry point and its pipes
    assert done.returncode == 0, done.stderr
    assert "2024年防返贫监测标准" in done.stdout and "6000" in done.stdout
    assert "610000" in done.stdout and "UNVERIFIED" in done.stdout


def test_check_reports_the_file_and_key_of_a_bad_county_table(tmp_path: Path) -> None:
    (tmp_path / "water.json").write_text(
        json.dumps({"max_outage_days": {"value": 30}}), encoding="utf-8"
    )
    done = run("check", str(tmp_path))
    assert done.returncode == 2
    assert "water.json → max_outage_days.source" in done.stderr


def test_a_county_folder_from_the_environment_changes_the_line(tmp_path: Path) -> None:
    table = {
        "thresholds": {"610000": {"2024": {"value": 7300, "source": "陕西省2024年标准（县录入）"}}}
    }
    (tmp_path / "monitoring_threshold.json").write_text(
        json.dumps(table, ensure_ascii=False), encoding="utf-8"
    )
    checked = run("check", env={POLICY_DIR_ENV: str(tmp_path)})
    assert checked.returncode == 0 and "县级1项" in checked.stdout
    done = run("line", "610728", "2024", env={POLICY_DIR_ENV: str(tmp_path)})
    assert "7300" in done.stdout and "county" in done.stdout and "UNVERIFIED" not in done.stdout


def test_show_lists_unverified_values_as_json() -> None:
    done = run("show", "--unverified", "--format", "json")
    entries = json.loads(done.stdout)
    assert entries and all(e["verified"] is False and e["note"] for e in entries)
    assert "school_ages:end_age" in {e["key"] for e in entries}


def test_no_line_for_a_year_before_the_tables_is_a_user_error() -> None:
    done = run("line", "610728", "2005")
    assert done.returncode == 2 and "2005" in done.stderr
