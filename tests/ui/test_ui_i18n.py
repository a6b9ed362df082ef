"""Every UI string reaches Qt's translation system and has a Chinese translation; the shipped .qm
is the compiled .ts; the bundled CJK font is what draws the text."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase, QFontMetrics, QRawFont

ROOT = Path(__file__).parents[2]
UI = ROOT / "fieldsurvey" / "ui"
TS = ROOT / "resources" / "i18n" / "fieldsurvey_zh_CN.ts"
QM = ROOT / "resources" / "i18n" / "fieldsurvey_zh_CN.qm"


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    out: dict[tuple[str, str], str | None] = {}
    for ctx in ET.parse(ts).getroot().findall("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.findall("message"):
            tr = msg.find("translation")
            finished = tr is not None and tr.get("type") not in (
                "unfinished",
                "obsolete",
                "vanished",
            )
            out[(name, msg.findtext("source") or "")] = (
                tr.text if finished and tr is not None else None
            )
    return out


def ui_sources() -> list[str]:
    return [str(p) for p in sorted(UI.rglob("*.py"))]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[tuple[str, str], str | None]:  # type: ignore[no-untyped-def]
    tool = shutil.which("pyside6-lupdate")
    assert tool, "pyside6-lupdate comes with PySide6"
    out = tmp_path_factory.mktemp("ts") / "current.ts"
    subprocess.run(
        [tool, "-locations", "none", *ui_sources(), "-ts", str(out)],
        check=True,
        capture_output=True,
    )
    return messages(out)


def test_every_source_string_has_a_chinese_translation(extracted) -> None:  # type: ignore[no-untyped-def]
    shipped = messages(TS)
    assert len(extracted) > 200
    missing = [key for key in extracted if not shipped.get(key)]
    assert not missing, f"untranslated (run lupdate and translate): {missing[:10]}"


def test_translations_keep_placeholders_and_mnemonics(extracted) -> None:  # type: ignore[no-untyped-def]
    shipped = messages(TS)
    for (ctx, source), zh in shipped.items():
        assert zh, (ctx, source)
        assert sorted(re.findall(r"%\d", source)) == sorted(re.findall(r"%\d", zh)), (
            ctx,
            source,
            zh,
        )
        for key in re.findall(r"&(\w)", source):
            assert f"(&{key.upper()})" in zh or f"&{key}" in zh, (ctx, source, zh)


def test_shipped_qm_is_the_compiled_ts(tmp_path: Path) -> None:
    tool = shutil.which("pyside6-lrelease")
    assert tool
    fresh = tmp_path / "fresh.qm"
    subprocess.run([tool, str(TS), "-qm", str(fresh)], check=True, capture_output=True)
    assert fresh.read_bytes() == QM.read_bytes(), (
        "run pyside6-lrelease on the .ts and commit the .qm"
    )


def test_translated_calls_use_literal_strings_lupdate_can_see() -> None:
    """``self.tr(f"…")`` or ``tr(name)`` would never be translated: lupdate only reads literals."""
    problems = []
    for path in UI.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Attribute)
                        and inner.func.attr in ("tr", "translate")
                    ):
                        problems.append(
                            f"{path.name}:{inner.lineno} translation inside an f-string"
                        )
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr == "tr" and node.args and not isinstance(node.args[0], ast.Constant):
                problems.append(f"{path.name}:{node.lineno} tr() of a non-literal")
            if (
                node.func.attr == "translate"
                and len(node.args) >= 2
                and not all(isinstance(a, ast.Constant) for a in node.args[:2])
            ):
                problems.append(f"{path.name}:{node.lineno} translate() of a non-literal")
    assert not problems, problems


def test_bundled_cjk_font_is_the_application_font(app) -> None:  # type: ignore[no-untyped-def]
    family = app.font().family()
    assert family == "WenQuanYi Micro Hei"
    assert family in QFontDatabase.families()
    metrics = QFontMetrics(app.font())
    raw = QRawFont.fromFont(app.font())
    for ch in "户主脱贫走访达标":  # by code point: PySide's QChar conversion mangles U+8000 and up
        assert metrics.inFontUcs4(ord(ch)), ch
        assert raw.supportsCharacter(ord(ch)), ch
    assert all(index != 0 for index in raw.glyphIndexesForString("入户走访"))  # 0 is the empty box


def test_app_starts_in_chinese(controller) -> None:  # type: ignore[no-untyped-def]
    w = controller.window
    assert w.unlock_page.unlock_button.text() == "解锁"
    assert w.menu_file.title() == "文件(&F)"
    assert w.windowTitle() == "FieldSurvey 入户走访"
