"""Bring resources/i18n/fieldsurvey_zh_CN.ts up to date with the UI sources, then rebuild the .qm.

    python scripts/update_translations.py

Runs, from the top of the repository:

    pyside6-lupdate -locations none -no-obsolete <every .py under fieldsurvey/ui, sorted> \
        -ts resources/i18n/fieldsurvey_zh_CN.ts
    pyside6-lrelease resources/i18n/fieldsurvey_zh_CN.ts -qm resources/i18n/fieldsurvey_zh_CN.qm

lupdate keeps the translation of every string the UI still has (keyed by class and source
text), adds new strings untranslated, and with ``-no-obsolete`` drops the strings the UI no
longer has; ``-locations none`` keeps line numbers out of the file, so moving code does not
change it. This script then checks that no translation of a live string changed, lists what
was dropped and what still needs a Chinese translation (tests/ui/test_ui_i18n.py fails until it
has one), and compiles the .qm that the app loads (the test compares it with a fresh compile).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "fieldsurvey" / "ui"
TS = ROOT / "resources" / "i18n" / "fieldsurvey_zh_CN.ts"
QM = TS.with_suffix(".qm")
TOOL_TIMEOUT_S = 300

Key = tuple[str, str]  # (context, source text)


def messages(ts: Path) -> dict[Key, str | None]:
    """Each message's finished translation, None where it has none yet."""
    out: dict[Key, str | None] = {}
    for ctx in ET.parse(ts).getroot().findall("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.findall("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type") not in ("unfinished", "obsolete", "vanished"):
                out[(name, msg.findtext("source") or "")] = tr.text
            else:
                out[(name, msg.findtext("source") or "")] = None
    return out


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        sys.exit(f"{name} not found: it comes with PySide6 (pip install -e '.[test]')")
    return path


def main() -> int:
    before = messages(TS)
    sources = [str(p.relative_to(ROOT)) for p in sorted(UI.rglob("*.py"))]
    ts = str(TS.relative_to(ROOT))
    lupdate = [tool("pyside6-lupdate"), "-locations", "none", "-no-obsolete", *sources, "-ts", ts]
    subprocess.run(lupdate, cwd=ROOT, check=True, timeout=TOOL_TIMEOUT_S)
    after = messages(TS)

    changed = [k for k, zh in after.items() if before.get(k) and zh != before[k]]
    if changed:  # lupdate never does this; a failure here means the tool changed behaviour
        print(f"lupdate changed {len(changed)} translations: {changed[:3]}", file=sys.stderr)
        return 1
    dropped = sorted(k for k in before if k not in after)
    untranslated = sorted(k for k, zh in after.items() if not zh)
    print(f"{len(after)} messages; {len(dropped)} dropped (no longer in the UI).")
    for context, source in dropped:
        print(f"  {context}: {source}")
    if untranslated:
        print(f"{len(untranslated)} still need a Chinese translation in {ts}:")
        for context, source in untranslated:
            print(f"  {context}: {source}")

    lrelease = [tool("pyside6-lrelease"), ts, "-qm", str(QM.relative_to(ROOT))]
    subprocess.run(lrelease, cwd=ROOT, check=True, timeout=TOOL_TIMEOUT_S, capture_output=True)
    print(f"{QM.relative_to(ROOT)} rebuilt.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
