"""Commit subjects say what changed in at most 72 characters (issue 15), from the first commit
that kept the rule on; ten earlier ones were longer and stay in the history as they are."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]
RULE_SINCE = "c34c5bf"  # the merge after which every subject, merges included, kept the rule
LIMIT = 72


def test_every_commit_subject_since_the_rule_fits_72_characters() -> None:
    subjects = subprocess.run(
        ["git", "log", "--format=%h %s", f"{RULE_SINCE}..HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout.splitlines()
    long = [line for line in subjects if len(line.split(" ", 1)[1]) > LIMIT]
    assert not long, "\n".join(long)
