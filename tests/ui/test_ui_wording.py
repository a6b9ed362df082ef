"""No internal code or English on a Chinese screen or ledger page, no Chinese UI text in English.

The screens are those of ``scripts/screenshots.py`` and ``scripts/county_screenshots.py``, driven
exactly as they make the README's pictures (the county against a real server on 127.0.0.1); the
texts drawn are read from the widgets (``tests/support/screen_text.py``). The ledger is a real village PDF
of the demo county, read back page by page.
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from fieldsurvey.core.codes import code_list
from tests.support.screen_text import Seen, chinese_left, internal_codes, visible_texts
from tests.support.server import run_in_process

ROOT = Path(__file__).parents[2]
# Data that is Latin by nature on the scripts' screens: the demo passphrase and recovery key, the
# accounts of county_screenshots.py, the example passphrase typed in the setup assistant.
DATA = [
    re.compile(r"\b[a-z]+(?:-[a-z]+){3}-\d+\b"),  # a demo passphrase
    re.compile(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3,7}\b"),  # a recovery key, a ledger fingerprint
    re.compile(r"(?<![A-Za-z])(?:staff|sec\d+|admin)(?![A-Za-z0-9])"),  # usernames
]


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"shots_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_village_screens(language: str, out: Path, households: int) -> dict[str, list[Seen]]:
    """Every screen ``scripts/screenshots.py`` grabs, as the texts it shows."""
    module = load_script("screenshots")
    seen: dict[str, list[Seen]] = {}
    original = module.save

    def save(widget: Any, folder: Path, name: str) -> Path:
        seen[name] = visible_texts(widget)
        return original(widget, folder, name)

    module.save = save
    out.mkdir(parents=True, exist_ok=True)
    argv = ["--out", str(out), "--households", str(households), "--language", language]
    assert module.main(argv) == 0
    return seen


def run_county_screens(out: Path, households: int) -> dict[str, dict[str, list[Seen]]]:
    """Every screen ``scripts/county_screenshots.py`` grabs in each language (one county and
    server serve both), as the texts it shows: language → screen → texts."""
    module = load_script("county_screenshots")
    seen: dict[str, dict[str, list[Seen]]] = {}
    original_grab = module.grab

    def grab(widget: Any, path: Path) -> None:
        seen.setdefault(path.parent.name, {})[path.stem] = visible_texts(widget)
        original_grab(widget, path)

    module.grab = grab
    argv = ["--out", str(out), "--households", str(households)]
    assert module.main([*argv, "--language", "zh_CN", "--language", "en"]) == 0
    assert set(seen) == {"zh_CN", "en"}
    return seen


@pytest.fixture(scope="module")
def screens(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], dict[str, list[Seen]]]:
    out = tmp_path_factory.mktemp("screens")
    county = run_county_screens(out / "county", 40)
    return {
        ("village", "zh_CN"): run_village_screens("zh_CN", out / "v-zh", 30),
        ("village", "en"): run_village_screens("en", out / "v-en", 30),
        ("county", "zh_CN"): county["zh_CN"],
        ("county", "en"): county["en"],
    }


def without_data(text: str) -> str:
    for pattern in DATA:
        text = pattern.sub(" ", text)
    return text


def chinese_ui_strings() -> set[str]:
    """Every Chinese string the program itself writes: the translations, code list labels."""
    found: set[str] = set()
    for message in (
        ET.parse(ROOT / "resources" / "i18n" / "fieldsurvey_zh_CN.ts").getroot().iter("message")
    ):
        translation = message.findtext("translation") or ""
        found.update(
            run for run in chinese_left(re.sub(r"\(&.\)|&", "", translation)) if len(run) >= 2
        )
    for path in (ROOT / "resources" / "codes").glob("*.json"):
        for item in code_list(path.stem).items:
            found.add(item.label.zh)
    return found


@pytest.mark.parametrize("mode", ["village", "county"])
def test_chinese_screens_show_no_code_and_no_english(screens, mode: str) -> None:  # type: ignore[no-untyped-def]
    bad = []
    for name, texts in screens[(mode, "zh_CN")].items():
        if name.endswith("-en"):
            continue  # the README's English picture
        for seen in texts:
            for code in internal_codes(without_data(seen.text)):
                bad.append((name, seen.where, code, seen.text[:120]))
    assert not bad, "\n".join(map(str, bad))


@pytest.mark.parametrize("mode", ["village", "county"])
def test_english_screens_keep_no_chinese_ui_text(screens, mode: str) -> None:  # type: ignore[no-untyped-def]
    """Names of people and places are Chinese in any language; a heading or a sentence is not."""
    ui = chinese_ui_strings()
    bad = []
    for name, texts in screens[(mode, "en")].items():
        for seen in texts:
            for run in chinese_left(seen.text):
                if run in ui and seen.chrome:
                    bad.append((name, seen.where, run, seen.text[:120]))
    assert not bad, "\n".join(map(str, bad))


def test_the_screens_were_really_read(screens) -> None:  # type: ignore[no-untyped-def]
    village = screens[("village", "zh_CN")]
    assert {"unlock", "household-list", "household", "settings"} <= set(village)
    assert any("农户列表" in s.text for s in village["household-list"])
    county = screens[("county", "en")]
    assert {"county-dashboard", "county-inbox", "county-conflicts", "county-roster"} <= set(county)
    assert any(s.text == "Dashboard" for s in county["county-dashboard"])


def test_every_ledger_page_is_chinese(tmp_path: Path) -> None:
    from pypdf import PdfReader

    def cli(*args: str) -> str:
        """``fieldsurvey ARGS`` in this process (the ledger's words are the point here, not the
        process), with the demo's passphrase and no other FIELDSURVEY_ setting."""
        result = run_in_process(
            *args, env={"FIELDSURVEY_PASSPHRASE": "shan-shui-tian-yun-42"}, drop_env="FIELDSURVEY_"
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    data = tmp_path / "demo"
    cli("demo", "--no-gui", "--households", "24", "--data-dir", str(data))
    import json

    households = json.loads(cli("households", "--data-dir", str(data), "--format", "json"))
    village = max(
        {h["division_code"] for h in households},
        key=lambda v: sum(h["division_code"] == v for h in households),
    )
    cli(
        "ledger",
        "--data-dir",
        str(data),
        "--village",
        village,
        "--out",
        str(tmp_path / "village.pdf"),
    )
    pages = [page.extract_text() or "" for page in PdfReader(tmp_path / "village.pdf").pages]
    assert len(pages) >= 3 and all(p.strip() for p in pages)
    bad = [
        (i + 1, code) for i, text in enumerate(pages) for code in internal_codes(without_data(text))
    ]
    assert not bad, bad
