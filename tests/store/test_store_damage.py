"""A damaged store or key file, as a user meets it: one sentence from every command, never a
driver's message or a traceback, nothing written; and a key file cannot make unlocking hang."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.core.errors import UserError
from fieldsurvey.encryption.keyfile import KeyFile, KeyFileError
from fieldsurvey.store import Store
from tests.support.common import FAST_KDF
from tests.support.factories import household

PASS = "数据损坏测试用的密码短语"
PAGE = 4096
VILLAGE = "610728101001"


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 300 households, checkpointed so the database file holds everything."""
    d = tmp_path_factory.mktemp("healthy") / "village"
    store, _ = Store.create(d, PASS, kdf=FAST_KDF)
    store.households.add_many([household(f"6107281010{i:06d}") for i in range(1, 301)])
    store.checkpoint()
    store.close()
    return d


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def _garble_after_first_page(data: bytes) -> bytes:
    return data[:PAGE] + os.urandom(len(data) - PAGE)


def _forged_kdf(d: Path) -> None:
    for name in ("store.key", "store.key.bak"):
        doc = json.loads((d / name).read_text(encoding="utf-8"))
        doc["kdf"]["memory_kib"] = 2**30  # 1 TiB: unlocking would exhaust the laptop
        (d / name).write_text(json.dumps(doc), encoding="utf-8")


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "database truncated to nothing": (
        lambda d: (d / "store.db").write_bytes(b""),
        "database file is damaged",
    ),
    "database truncated to half": (
        lambda d: _rewrite(d / "store.db", lambda b: b[: len(b) // 2]),
        "database file is damaged",
    ),
    "first page garbled": (
        lambda d: _rewrite(d / "store.db", lambda b: b[:100] + os.urandom(PAGE - 100) + b[PAGE:]),
        "database file is damaged",
    ),
    "every page after the first garbled": (
        lambda d: _rewrite(d / "store.db", _garble_after_first_page),
        "database file is damaged",
    ),
    "key file garbled": (
        lambda d: (d / "store.key").write_bytes(os.urandom(400)),
        "key file is damaged",
    ),
    "key file asking for 1 TiB of memory": (
        _forged_kdf,
        "key-derivation settings are out of range",
    ),
}

COMMANDS: dict[str, list[str]] = {
    "households": ["households"],
    "households csv": ["households", "--format", "csv"],
    "ledger household": ["ledger", "--household", "6107281010000001", "--out", "{out}/one.pdf"],
    "ledger village folder": ["ledger", "--village", VILLAGE, "--out", "{out}"],
    "ledger village file": ["ledger", "--village", VILLAGE, "--out", "{out}/village.pdf"],
    "ledger report": ["ledger", "--village", VILLAGE, "--report-only", "--out", "{out}/report.pdf"],
    "ledger verify": [
        "ledger",
        "verify",
        "--household",
        "6107281010000001",
        "--fingerprint",
        "AAAA-BBBB-CCCC-DDDD",
    ],
    "sync": ["sync"],
    "batch export": ["batch", "export", "--out", "{out}/batch.fsb"],
    "batch import": ["batch", "import", "{out}/update.fsu"],
    "enroll": ["enroll", "--server", "http://127.0.0.1:9", "--code", "ABCD-EFGH"],
    "passphrase change": ["passphrase", "change"],
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_every_command_answers_a_damaged_store_with_one_sentence(
    damage: str,
    healthy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    d = tmp_path / "village"
    shutil.copytree(healthy, d)
    spoil, sentence = DAMAGES[damage]
    spoil(d)
    before = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASS)
    monkeypatch.setenv("FIELDSURVEY_NEW_PASSPHRASE", "换一个足够长的新密码短语")
    for name, args in COMMANDS.items():
        out = tmp_path / "out" / name.replace(" ", "-")
        out.mkdir(parents=True)
        started = time.monotonic()
        code = main([*(a.format(out=out) for a in args), "--data-dir", str(d)])
        took = time.monotonic() - started
        printed = capsys.readouterr()
        lines = printed.err.strip().splitlines()
        assert code == 2, (name, printed.err)
        assert len(lines) == 1 and lines[0].startswith("错误：") and sentence in lines[0], (
            name,
            printed.err,
        )
        assert printed.out == "", name
        assert list(out.iterdir()) == [], f"{name} wrote {list(out.iterdir())}"
        assert took < 10, f"{name} took {took:.1f} s"  # a forged key file must not make it hang
    after = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
    assert after == before  # nothing was "repaired" into an empty store, nothing rewritten


def test_damage_met_half_way_through_a_village_print_is_a_sentence_and_leaves_no_files(
    healthy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The store opens and the first ledgers print; the damage is met later, mid-run."""
    d = tmp_path / "village"
    shutil.copytree(healthy, d)
    _rewrite(d / "store.db", lambda b: b[: -PAGE * 3] + os.urandom(PAGE * 3))
    out = tmp_path / "ledgers"
    out.mkdir()
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASS)
    listed = main(["households", "--data-dir", str(d)])
    assert (
        listed == 0 and "6107281010000001" in capsys.readouterr().out
    )  # the list does not touch it
    code = main(
        ["ledger", "--village", VILLAGE, "--out", str(out), "--jobs", "1", "--data-dir", str(d)]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("错误：") and "database file is damaged" in err[-1]
    assert list(out.iterdir()) == []  # no half set, no staging folder


def test_an_empty_database_file_is_damage_not_a_new_store(healthy: Path, tmp_path: Path) -> None:
    """SQLCipher takes an empty file for a new database; the store used to open empty on it."""
    d = tmp_path / "village"
    shutil.copytree(healthy, d)
    (d / "store.db").write_bytes(b"")
    with pytest.raises(UserError) as e:
        Store.open(d, passphrase=PASS)
    assert e.value.code == "damaged_db"
    assert (d / "store.db").read_bytes() == b""


# -- the key file's Argon2id settings ---------------------------------------------------------------
def _with_kdf(d: Path, **changes: object) -> None:
    for name in ("store.key", "store.key.bak"):
        doc = json.loads((d / name).read_text(encoding="utf-8"))
        doc["kdf"].update(changes)
        (d / name).write_text(json.dumps(doc), encoding="utf-8")


OUT_OF_RANGE = [
    {"memory_kib": 19 * 1024 - 1},  # below OWASP's 19 MiB: cheap to guess at
    {"memory_kib": 4 * 1024 * 1024 + 1},  # above 4 GiB
    {"memory_kib": 2**40},
    {"iterations": 0},
    {"iterations": 11},
    {"iterations": 10**9},
    {"lanes": 0},
    {"lanes": 17},
    {"lanes": 2**24},
    {"memory_kib": "65536"},  # a number, not text
    {"iterations": 3.0},
    {"lanes": True},
    {"memory_kib": None},
    {"name": "scrypt"},
]


@pytest.mark.parametrize("changes", OUT_OF_RANGE, ids=[json.dumps(c) for c in OUT_OF_RANGE])
def test_argon2_settings_out_of_range_are_refused_before_deriving(
    healthy: Path, tmp_path: Path, changes: dict
) -> None:
    d = tmp_path / "village"
    shutil.copytree(healthy, d)
    _with_kdf(d, **changes)
    started = time.monotonic()
    with pytest.raises(KeyFileError) as e:
        Store.open(d, passphrase=PASS)
    assert e.value.code == "bad_kdf"
    assert (
        "19 MiB–4 GiB, 1–10 passes, 1–16 lanes" in e.value.text.en
        and "19 MiB–4 GiB" in e.value.text.zh
    )
    assert time.monotonic() - started < 5  # refused, not attempted


def test_argon2_settings_at_the_edges_are_accepted(tmp_path: Path) -> None:
    for kdf in (
        {"name": "argon2id", "memory_kib": 19 * 1024, "iterations": 1, "lanes": 1},
        {"name": "argon2id", "memory_kib": 19 * 1024, "iterations": 10, "lanes": 16},
    ):
        kf, key, _ = KeyFile.create("store-id", PASS, kdf)
        kf.save(tmp_path / "store.key")
        assert KeyFile.load(tmp_path / "store.key").unlock_with_passphrase(PASS) == key


def test_creating_a_key_file_with_settings_out_of_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError) as e:
        Store.create(
            tmp_path / "s",
            PASS,
            kdf={"name": "argon2id", "memory_kib": 1024, "iterations": 1, "lanes": 1},
        )
    assert e.value.code == "bad_kdf"
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        ("deeply nested", "damaged_keyfile"),
        ("too large", "damaged_keyfile"),
        ("a folder", "unreadable_keyfile"),  # not a file: read fails, nothing to parse
        ("short nonce", "damaged_keyfile"),
        ("short salt", "damaged_keyfile"),
        ("not an object", "damaged_keyfile"),
    ],
)
def test_a_malformed_key_file_is_a_sentence(
    healthy: Path, tmp_path: Path, spoil: str, code: str
) -> None:
    d = tmp_path / "village"
    shutil.copytree(healthy, d)
    key = d / "store.key"
    doc = json.loads(key.read_text(encoding="utf-8"))
    if spoil == "deeply nested":
        key.write_text("[" * 50_000 + "]" * 50_000)  # json would recurse past Python's limit
    elif spoil == "too large":
        key.write_bytes(b" " * 10_000_000 + key.read_bytes())
    elif spoil == "a folder":
        key.unlink()
        key.mkdir()
    elif spoil == "short nonce":
        doc["passphrase_wrap"]["nonce"] = "AAAA"
        key.write_text(json.dumps(doc))
    elif spoil == "short salt":
        doc["kdf"]["salt"] = "AAAA"  # Argon2 needs at least 8 bytes of salt
        key.write_text(json.dumps(doc))
    else:
        key.write_text("[1, 2, 3]")
    with pytest.raises(KeyFileError) as e:
        Store.open(d, passphrase=PASS)
    assert e.value.code == code
    assert "recovery key" in e.value.text.en  # the backup key file can repair it
