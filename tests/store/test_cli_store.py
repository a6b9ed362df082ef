"""The command line as a user types it: listing, unlocking, wrong secrets, passphrase change.

Commands run in this process through ``cli.main`` (``run_in_process``: pipes, environment and
exit status as a process sees them); the entry point and a passphrase piped on stdin run as real
processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldsurvey.cli import build_parser
from fieldsurvey.store import Store
from tests.support.factories import household
from tests.support.server import run_in_process

PASS = "村里的网络时有时无"
ROOT = Path(__file__).parents[2]


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, process: bool = False
) -> subprocess.CompletedProcess[str]:
    """``fieldsurvey ARGS`` without the test run's FIELDSURVEY_ variables; in this process
    (``run_in_process``) unless ``process``."""
    if not process:
        return run_in_process(*args, env=env, stdin=stdin, drop_env="FIELDSURVEY_", cwd=ROOT)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDSURVEY_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fieldsurvey", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def store_dir(tmp_path: Path, fast_kdf: dict) -> tuple[Path, str]:
    d = tmp_path / "village"
    store, recovery = Store.create(d, PASS, kdf=fast_kdf)
    store.households.add_many(
        [household("6107281010010001"), household("6107281010020001", village="610728101002")]
    )
    store.close()
    return d, recovery


def test_every_command_explains_itself() -> None:
    top = run("--help", process=True)  # once as a real process: the entry point
    assert top.returncode == 0 and "COMMAND" in top.stdout
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        result = run(name, "--help")
        assert result.returncode == 0, name
        assert len(result.stdout) > 150, name


def test_households_json_has_the_fields_reports_need(store_dir: tuple[Path, str]) -> None:
    d, _ = store_dir
    result = run(
        "households", "--data-dir", str(d), "--format", "json", env={"FIELDSURVEY_PASSPHRASE": PASS}
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    first = rows[0]
    assert first["household_no"] == "6107281010010001"
    assert first["division_code"] == "610728101001"
    assert first["head_name"] == "王建国"
    assert len(first["head_id_number"]) == 18
    assert first["member_count"] == 4
    assert first["status"] == "exited"


def test_households_filter_by_village_and_table_and_csv(store_dir: tuple[Path, str]) -> None:
    d, _ = store_dir
    env = {"FIELDSURVEY_PASSPHRASE": PASS}
    table = run("households", "--data-dir", str(d), "--village", "610728101002", env=env)
    assert table.returncode == 0
    assert "6107281010020001" in table.stdout and "6107281010010001" not in table.stdout
    assert "户主" in table.stdout and "已脱贫" in table.stdout
    csv_out = run("households", "--data-dir", str(d), "--format", "csv", env=env)
    assert csv_out.stdout.splitlines()[0].startswith("household_no,division_code")
    assert len(csv_out.stdout.splitlines()) == 3


def test_passphrase_from_stdin_when_not_in_the_environment(store_dir: tuple[Path, str]) -> None:
    d, _ = store_dir
    result = run(
        "households", "--data-dir", str(d), "--format", "json", stdin=PASS + "\n", process=True
    )
    assert result.returncode == 0, result.stderr


def test_wrong_passphrase_is_one_clear_line_and_a_nonzero_exit(store_dir: tuple[Path, str]) -> None:
    d, _ = store_dir
    result = run("households", "--data-dir", str(d), env={"FIELDSURVEY_PASSPHRASE": "wrong"})
    assert result.returncode == 2
    assert result.stderr.strip() == "错误：密码短语不正确 Error: wrong passphrase"
    assert result.stdout == ""


def test_missing_store_is_explained(tmp_path: Path) -> None:
    result = run(
        "households", "--data-dir", str(tmp_path / "nothing"), env={"FIELDSURVEY_PASSPHRASE": PASS}
    )
    assert result.returncode == 2
    assert "no FieldSurvey data" in result.stderr and "Traceback" not in result.stderr


def test_passphrase_change_and_recovery_key(store_dir: tuple[Path, str]) -> None:
    d, recovery = store_dir
    weak = run(
        "passphrase",
        "change",
        "--data-dir",
        str(d),
        env={"FIELDSURVEY_PASSPHRASE": PASS, "FIELDSURVEY_NEW_PASSPHRASE": "1234"},
    )
    assert weak.returncode == 2 and "too weak" in weak.stderr
    changed = run(
        "passphrase",
        "change",
        "--data-dir",
        str(d),
        env={"FIELDSURVEY_PASSPHRASE": PASS, "FIELDSURVEY_NEW_PASSPHRASE": "换了一个新的密码短语"},
    )
    assert changed.returncode == 0, changed.stderr
    old = run("households", "--data-dir", str(d), env={"FIELDSURVEY_PASSPHRASE": PASS})
    assert old.returncode == 2
    new = run(
        "households", "--data-dir", str(d), env={"FIELDSURVEY_PASSPHRASE": "换了一个新的密码短语"}
    )
    assert new.returncode == 0
    by_key = run("households", "--data-dir", str(d), "--recovery-key", recovery)
    assert by_key.returncode == 0 and "6107281010010001" in by_key.stdout
    bad_key = run(
        "households",
        "--data-dir",
        str(d),
        "--recovery-key",
        "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA",
    )
    assert bad_key.returncode == 2 and "wrong recovery key" in bad_key.stderr


# One of each rule of core/passphrase.py, which the setup assistant applies as you type.
WEAK = {"too short": "Ab3-xy", "common": "password", "repeated": "abababababab"}


@pytest.mark.parametrize("rule", list(WEAK))
def test_demo_and_passphrase_change_refuse_what_the_setup_assistant_refuses(
    rule: str,
    store_dir: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fieldsurvey.cli import main
    from fieldsurvey.core.passphrase import check_strength

    weak = WEAK[rule]
    verdict = check_strength(weak)
    assert not verdict.acceptable  # the assistant's button stays disabled for it
    expected = f"the passphrase is too weak: {verdict.problems[0].en}"
    d, _ = store_dir
    key_before = (d / "store.key").read_bytes()
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASS)
    monkeypatch.setenv("FIELDSURVEY_NEW_PASSPHRASE", weak)
    assert main(["passphrase", "change", "--data-dir", str(d)]) == 2
    assert expected in capsys.readouterr().err
    assert (d / "store.key").read_bytes() == key_before
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", weak)
    demo = tmp_path / "demo"
    assert main(["demo", "--no-gui", "--households", "3", "--data-dir", str(demo)]) == 2
    assert expected in capsys.readouterr().err
    assert not demo.exists()


def test_the_demo_makes_and_prints_a_passphrase_that_passes_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import main
    from fieldsurvey.commands.demo import make_passphrase
    from fieldsurvey.core.passphrase import check_strength

    assert all(check_strength(make_passphrase()).acceptable for _ in range(2000))
    monkeypatch.delenv("FIELDSURVEY_PASSPHRASE", raising=False)
    assert (
        main(["demo", "--no-gui", "--households", "3", "--data-dir", str(tmp_path / "demo")]) == 0
    )
    printed = next(
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("密码短语 Passphrase: ")
    )
    passphrase = printed.split(": ", 1)[1]
    assert check_strength(passphrase).acceptable
    with Store.open(tmp_path / "demo", passphrase=passphrase) as store:
        assert store.households.count() == 3
