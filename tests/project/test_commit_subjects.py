"""Commit subjects say what changed in at most 72 characters (issue 15), from the first commit
that kept the rule on; ten earlier ones were longer and stay in the history as they are."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]
RULE_SINCE = "c34c5bf"  # the merge after which every subject, merges included, kept the rule
LIMIT = 72


def git(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=check
    )


def test_every_commit_subject_since_the_rule_fits_72_characters() -> None:
    known = git("rev-parse", "--verify", "--quiet", f"{RULE_SINCE}^{{commit}}", check=False)
    # A shallow clone may not reach back to RULE_SINCE: then every commit it holds is checked.
    span = f"{RULE_SINCE}..HEAD" if known.returncode == 0 else "HEAD"
    subjects = git("log", "--format=%h %s", span).stdout.splitlines()
    assert subjects or span != "HEAD"
    long = [line for line in subjects if len(line.split(" ", 1)[1]) > LIMIT]
    assert not long, "\n".join(long)
