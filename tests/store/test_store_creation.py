"""A store whose creation was interrupted — killed, or failed — is recognised and made again.

Never "this directory already holds data", never a request for a recovery key that was never
shown, and a creation that fails leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import fieldsurvey.store.store as store_module
from fieldsurvey.core import atomic
from fieldsurvey.core.errors import UserError
from fieldsurvey.encryption.keyfile import KeyFile
from fieldsurvey.store import Store, layout, schema
from fieldsurvey.store.layout import StoreState
from tests.support.common import FAST_KDF
from tests.support.factories import household

PASS = "创建中断测试的密码短语"
ROOT = Path(__file__).parents[2]


def creator(d: Path, stop: int) -> subprocess.Popen[str]:
    """The store being created in a child process that halts after ``stop`` steps."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.store_creator",
            str(d),
            PASS,
            json.dumps(FAST_KDF),
            str(stop),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def assert_made_again(d: Path, code: str = "unfinished_store") -> None:
    """What a user meets next: the store is unfinished (not data, not a recovery key request),
    and setting up again works and gives a store that opens."""
    assert not Store.exists(d)
    with pytest.raises(UserError) as e:
        Store.open(d, passphrase=PASS)
    assert e.value.code == code
    assert "recovery key" not in e.value.text.en and "恢复密钥" not in e.value.text.zh
    store, recovery = Store.create(d, "重新设置的密码短语", kdf=FAST_KDF)
    with store:
        store.households.add_many([household()])
    with Store.open(d, recovery_key=recovery) as store:
        assert store.households.count() == 1 and store.integrity_problems() == []
    assert sorted(p.name for p in d.iterdir()) == ["store.db", "store.key", "store.key.bak"]


def snapshots_at_each_step(monkeypatch: pytest.MonkeyPatch, d: Path, where: Path) -> list[Path]:
    """Copy the directory after each step of creation and before each rename: each copy is
    exactly what a process killed at that moment leaves (every byte it wrote is in the files)."""
    taken: list[Path] = []

    def snapshot() -> None:
        target = where / f"{len(taken) + 1:02d}"
        shutil.copytree(d, target) if d.exists() else target.mkdir(parents=True)
        taken.append(target)

    def after(fn: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            result = fn(*args, **kwargs)
            snapshot()
            return result

        return step

    def before(fn: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            snapshot()
            return fn(*args, **kwargs)

        return step

    for owner, name in (
        (layout, "mark_creating"),
        (store_module, "_create_private_file"),
        (store_module, "make_encrypted_engine"),
        (schema, "upgrade"),
        (KeyFile, "save"),
        (layout, "mark_finished"),
    ):
        monkeypatch.setattr(owner, name, after(getattr(owner, name)))
    monkeypatch.setattr(
        atomic.os, "replace", before(os.replace)
    )  # a key file written, not yet renamed
    return taken


def test_a_creation_interrupted_at_any_step_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "village"
    taken = snapshots_at_each_step(monkeypatch, d, tmp_path / "killed-at")
    Store.create(d, PASS, kdf=FAST_KDF)[0].close()
    monkeypatch.undo()
    # the marker, the database file, the engine, the schema, store.key (before and after its
    # rename), store.key.bak (likewise), the marker removed
    assert len(taken) == 9
    for snapshot in taken[:-1]:
        assert layout.state(snapshot) is StoreState.UNFINISHED, snapshot.name
        assert_made_again(snapshot)
    with Store.open(taken[-1], passphrase=PASS) as store:  # finished, though never closed
        assert store.integrity_problems() == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop", "state"),
    [(0, StoreState.EMPTY)]
    + [(n, StoreState.UNFINISHED) for n in range(1, 9)]
    + [(9, StoreState.READY)],
)
def test_a_creation_killed_at_each_step_is_made_again(
    tmp_path: Path, stop: int, state: StoreState
) -> None:
    """A real process, killed (SIGKILL / TerminateProcess) while it creates its store.

    The child halts after ``stop`` steps of creation (the nine that ``snapshots_at_each_step``
    copies; 0 is before the first) and is killed there: one exact state per case, where a kill
    after a random sleep landed wherever the machine's load put it."""
    d = tmp_path / "village"
    child = creator(d, stop)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "go"
    assert child.stdout.readline().strip() == f"at {stop}"
    child.kill()
    rest = child.communicate(timeout=60)[0]
    assert "created" not in rest
    assert layout.state(d) is state
    if state is StoreState.READY:  # finished, though never closed
        with Store.open(d, passphrase=PASS) as store:
            assert store.integrity_problems() == []
    else:
        assert_made_again(d, "no_store" if state is StoreState.EMPTY else "unfinished_store")


@pytest.mark.parametrize("failing", ["schema", "first key file", "second key file", "finishing"])
def test_a_failed_creation_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """As when os.fchmod raised AttributeError on Windows: the exception reaches the caller, and
    no file (nor the directory it made) remains to refuse the next attempt."""
    calls = {"save": 0}
    real_save = KeyFile.save

    def save(self: KeyFile, path: Path) -> None:
        calls["save"] += 1
        if (failing, calls["save"]) in (("first key file", 1), ("second key file", 2)):
            raise AttributeError("module 'os' has no attribute 'fchmod'")
        real_save(self, path)

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    real_finish = layout.mark_finished
    finishes = {"n": 0}

    def finish_fails_once(d: Path) -> None:
        finishes["n"] += 1
        if finishes["n"] == 1:
            raise OSError(5, "Input/output error")
        real_finish(d)

    monkeypatch.setattr(KeyFile, "save", save)
    if failing == "schema":
        monkeypatch.setattr("fieldsurvey.store.schema.upgrade", broken)
    if failing == "finishing":
        monkeypatch.setattr("fieldsurvey.store.layout.mark_finished", finish_fails_once)
    d = tmp_path / "new" / "village"
    with pytest.raises((AttributeError, OSError)):
        Store.create(d, PASS, kdf=FAST_KDF)
    assert not d.exists()
    monkeypatch.undo()
    Store.create(d, PASS, kdf=FAST_KDF)[0].close()
    assert Store.exists(d)


def test_a_failed_creation_in_an_existing_folder_keeps_the_folder_and_its_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "village"
    d.mkdir()
    (d / "ui-settings.json").write_text("{}")
    monkeypatch.setattr(
        "fieldsurvey.store.schema.upgrade",
        lambda *_a: (_ for _ in ()).throw(OSError(5, "I/O error")),
    )
    with pytest.raises(OSError):
        Store.create(d, PASS, kdf=FAST_KDF)
    assert sorted(p.name for p in d.iterdir()) == ["ui-settings.json"]


def test_a_database_without_any_key_file_is_set_aside_not_deleted(tmp_path: Path) -> None:
    """What a creation that died before the key file existed left (FieldSurvey 0.1 on Windows):
    it can never be opened, so setting up again moves it aside and makes a new store."""
    d = tmp_path / "village"
    Store.create(d, PASS, kdf=FAST_KDF)[0].close()
    (d / "store.key").unlink()
    (d / "store.key.bak").unlink()
    old = (d / "store.db").read_bytes()
    assert not Store.exists(d) and layout.state(d) is StoreState.KEYLESS
    with pytest.raises(UserError) as e:
        Store.open(d, passphrase=PASS)
    assert e.value.code == "keyless_store" and "recovery key" not in e.value.text.en
    Store.create(d, PASS, kdf=FAST_KDF)[0].close()
    kept = [p for p in d.iterdir() if p.name.startswith("store.db.unusable-")]
    assert [p.read_bytes() for p in kept if not p.name.endswith(("-wal", "-shm"))] == [old]
    with Store.open(d, passphrase=PASS) as store:
        assert store.households.count() == 0


def test_a_finished_store_is_still_refused_as_a_target(tmp_path: Path) -> None:
    d = tmp_path / "village"
    Store.create(d, PASS, kdf=FAST_KDF)[0].close()
    with pytest.raises(UserError, match="will not be overwritten"):
        Store.create(d, PASS, kdf=FAST_KDF)
    (d / "store.db").unlink()  # a key file alone: perhaps the database is being restored
    with pytest.raises(UserError, match="will not be overwritten"):
        Store.create(d, PASS, kdf=FAST_KDF)


def test_a_demo_killed_while_it_fills_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo keeps its store unfinished until every household is in: a demo killed while it
    fills is made again, not opened half empty."""
    from fieldsurvey.commands import demo_fill
    from fieldsurvey.commands.demo import prepare

    d = tmp_path / "demo"
    killed_at = tmp_path / "killed-while-filling"

    def fill(store: Store, plan: object, *, parallel: bool | None = None) -> tuple[int, int]:
        shutil.copytree(d, killed_at)  # what a kill now would leave
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_fill, "fill", fill)
    with pytest.raises(KeyboardInterrupt):
        prepare(d, PASS, 20, 1, progress=lambda _m: None, kdf=FAST_KDF)
    monkeypatch.undo()
    assert layout.state(killed_at) is StoreState.UNFINISHED and not Store.exists(killed_at)
    store, _ = prepare(killed_at, PASS, 20, 1, progress=lambda _m: None, kdf=FAST_KDF)
    with store:
        assert store.households.count() == 20
    assert Store.exists(killed_at)


def test_the_command_line_says_a_store_was_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsurvey.cli import main

    d = tmp_path / "village"
    Store.create(d, PASS, kdf=FAST_KDF, finished=False)[0].close()
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASS)
    assert main(["households", "--data-dir", str(d)]) == 2
    err = capsys.readouterr().err
    assert "interrupted while it was being created" in err and "set it up again" in err
    assert "recovery key" not in err and "already holds" not in err
