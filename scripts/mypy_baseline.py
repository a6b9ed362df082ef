"""Run mypy on fieldsurvey/ and fail when any file has more errors than the baseline records.

The package is not yet clean under mypy, so CI cannot demand zero errors; it can demand that the
count never rises. The baseline, ``mypy-baseline.json`` at the top of the repository, holds the
count per file: with one total, a new error in one file could hide behind a fix in another. Unused
``# type: ignore`` comments count as errors too (``warn_unused_ignores`` in pyproject.toml).

    python scripts/mypy_baseline.py            # check (the second step of .ci/run)
    python scripts/mypy_baseline.py --update   # rewrite the baseline after fixing errors

A file that moves carries its errors to a path the baseline does not know, so a move fails the
check until ``--update`` is run in the same commit; the baseline's diff then shows the move.
The mypy configuration (stubs, untyped libraries) is ``[tool.mypy]`` in pyproject.toml.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.json"
MYPY_TIMEOUT_S = 900  # a cold run takes about a minute on two busy cores
UPDATE_HINT = "python scripts/mypy_baseline.py --update"

# "path:line: error: message  [code]", line (and column) absent for a few whole-file errors.
ERROR_LINE = re.compile(
    r"^(?P<path>[^:\n]+?):(?:\d+:){0,2} error: .*?(?:\s+\[(?P<code>[a-z-]+)\])?$"
)


class MypyFailed(RuntimeError):
    """mypy itself did not run (crash, bad configuration): no count can be trusted."""


def run_mypy() -> list[tuple[str, str]]:
    """Return (path, error code) for every error mypy reports, paths with forward slashes."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    cmd = [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", "--no-color-output"]
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=MYPY_TIMEOUT_S,
        check=False,
    )
    errors = []
    for line in proc.stdout.splitlines():
        m = ERROR_LINE.match(line)
        if m:
            errors.append((m["path"].replace("\\", "/"), m["code"] or ""))
    # mypy exits 1 when it found errors, 2 when it could not check at all.
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not errors):
        raise MypyFailed(f"mypy exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return errors


def read_baseline() -> dict[str, int]:
    if not BASELINE.exists():
        return {}
    data = json.loads(BASELINE.read_text(encoding="utf-8"))
    return {path: int(n) for path, n in data["files"].items()}


def write_baseline(errors: list[tuple[str, str]]) -> None:
    per_file = Counter(path for path, _ in errors)
    data = {
        "comment": f"mypy errors per file; may only go down. Rewrite with: {UPDATE_HINT}",
        "total": len(errors),
        "unused_ignores": sum(1 for _, code in errors if code == "unused-ignore"),
        "files": dict(sorted(per_file.items())),
    }
    BASELINE.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def compare(current: Counter[str], baseline: dict[str, int]) -> tuple[list[str], list[str]]:
    """Return lines describing the files that got worse and the files that got better."""
    worse, better = [], []
    for path in sorted(set(current) | set(baseline)):
        now, before = current.get(path, 0), baseline.get(path, 0)
        if now > before:
            worse.append(f"  {path}: {before} -> {now}")
        elif now < before:
            better.append(f"  {path}: {before} -> {now}")
    return worse, better


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite mypy-baseline.json")
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        errors = run_mypy()
    except MypyFailed as exc:
        print(exc, file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started
    current = Counter(path for path, _ in errors)
    unused = sum(1 for _, code in errors if code == "unused-ignore")
    baseline = read_baseline()
    print(
        f"mypy: {len(errors)} errors ({unused} unused ignores) in {len(current)} files, "
        f"{elapsed:.1f} s; baseline {sum(baseline.values())}"
    )
    worse, better = compare(current, baseline)

    if args.update:
        write_baseline(errors)
        print(f"{BASELINE.name} rewritten: {len(errors)} errors.")
        return 0
    if worse:
        print("More mypy errors than the baseline allows in:", file=sys.stderr)
        print("\n".join(worse), file=sys.stderr)
        print(
            "Fix them (run `mypy <file>` to see them). If a file only moved, its errors moved "
            f"with it: run `{UPDATE_HINT}` in the same commit.",
            file=sys.stderr,
        )
        return 1
    if better:
        print("Fewer mypy errors than the baseline records in:")
        print("\n".join(better))
        print(f"Lower the baseline so they stay fixed: `{UPDATE_HINT}`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
