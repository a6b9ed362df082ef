"""How real XLSForms fare in ``fieldsurvey forms import-xlsform``: a count over a corpus.

    python bench/xlsform_corpus.py DIR [DIR …] [--json OUT]

Each DIR holds XLSForms (.xlsx, .xls, .csv, .md), for instance pyxform's own test workbooks
(github.com/XLSForm/pyxform, tests/example_xls and tests/bug_example_xls, BSD-2-Clause),
which ``docs/xlsform-corpus.md`` lists with the commit they were taken at. The corpus is read
where it lies, not copied into this repository; each folder keeps its files' names, so a form
finds the data files (``select_one_from_file``, ``pulldata``) beside it as ODK Collect would.

For every file: is it pyxform-valid (pyxform's own conversion to an XForm succeeds, without
ODK Validate)? Does it import cleanly, is it refused (and for what, grouped by reason), or
does it crash (a Python exception other than a user-facing error: a bug here)? With
``--allow-unsupported``, does the import always finish? The silent differences are counted
as the survey-sheet keys the importer met without either carrying them over, refusing them,
listing them as ignored or saying that FieldSurvey differs: the import's design makes that
zero, and this run checks it on every row of every form.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fieldsurvey.core.errors import UserError  # noqa: E402
from fieldsurvey.forms.xlsform import convert_xlsform  # noqa: E402

SUFFIXES = {".xlsx", ".xls", ".csv", ".md"}


def pyxform_valid(path: Path) -> tuple[bool, str]:
    from pyxform.xls2xform import convert

    try:
        convert(xlsform=str(path), validate=False, pretty_print=False)
    except Exception as e:
        return False, f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
    return True, ""


def reason(text: str) -> str:
    """A finding's text without the names and columns that differ from form to form."""
    text = re.sub(r"\(col \d+\)", "", text)
    text = re.sub(r"\$\{[^}]*\}", "${…}", text)
    text = re.sub(r"'[^']*'", "'…'", text)
    return text.strip()


def run(folders: list[Path]) -> dict:
    files = [
        p
        for folder in folders
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix.lower() in SUFFIXES
    ]
    report: dict = {"files": len(files), "forms": []}
    for path in files:
        valid, why = pyxform_valid(path)
        shown = f"{path.parent.name}/{path.name}" if len(folders) > 1 else path.name
        entry: dict = {"file": shown, "pyxform_valid": valid, "pyxform_error": why}
        started = time.perf_counter()
        try:
            conv = convert_xlsform(path)
            blocking = conv.unsupported
            entry["result"] = "clean" if not blocking else "refused"
            entry["reasons"] = sorted({reason(f.text.en) for f in blocking})
            entry["ignored"] = len(conv.ignored)
            entry["differs"] = len(conv.differences)
            allowed = convert_xlsform(path, allow_unsupported=True)
            left = [f for f in allowed.unsupported if not allowed.was_dropped(f)]
            entry["allow_finishes"] = not left
            entry["allow_dropped"] = len(allowed.dropped)
            entry["allow_left"] = sorted({reason(f.text.en) for f in left})
        except UserError as e:
            entry["result"] = "unreadable"
            entry["reasons"] = [e.text.en[:160]]
        except Exception as e:
            entry["result"] = "crash"
            entry["reasons"] = [f"{type(e).__name__}: {e}"[:200]]
        entry["seconds"] = round(time.perf_counter() - started, 3)
        report["forms"].append(entry)
    return report


def summary(report: dict) -> str:
    forms = report["forms"]
    valid = [f for f in forms if f["pyxform_valid"]]
    lines = [f"{report['files']} files, {len(valid)} pyxform-valid"]
    for group, members in (
        ("pyxform-valid", valid),
        ("not pyxform-valid", [f for f in forms if not f["pyxform_valid"]]),
    ):
        counts = Counter(f["result"] for f in members)
        lines.append(f"  {group}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    crashes = [f for f in forms if f["result"] == "crash"]
    lines.append(f"crashes (tracebacks): {len(crashes)}")
    for f in crashes:
        lines.append(f"    {f['file']}: {f['reasons'][0]}")
    stuck = [f for f in forms if f.get("allow_finishes") is False]
    lines.append(f"--allow-unsupported not finishing: {len(stuck)}")
    for f in stuck:
        lines.append(f"    {f['file']}: {'; '.join(f['allow_left'])[:160]}")
    why = Counter(r for f in valid if f["result"] == "refused" for r in f["reasons"])
    lines.append("reasons pyxform-valid forms are refused (forms per reason):")
    lines += [f"  {n:3}  {r}" for r, n in why.most_common()]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", type=Path, nargs="+")
    ap.add_argument("--json", type=Path, help="write every form's result here")
    args = ap.parse_args()
    report = run(args.folders)
    print(summary(report))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
