"""A short field season end to end: the real server, laptop processes, cuts, USB, SIGKILL, staff.

The season itself asserts what must hold at the end (``bench/season/checks.py``: every visit on
the county exactly once, every edit applied or resolved, each laptop equal to the county's view
of its villages, the audit chain, assessments recomputed on the county, ledgers verified). This
test runs a small one on SQLite and also asserts that the faults it is about really happened —
a season in which nothing was cut, killed or contested would prove nothing.
The full-size season is ``python bench/field_season.py`` (docs/performance.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.field_season import run
from bench.season.plan import Size, expected_conflicts


@pytest.mark.slow
def test_a_short_season_with_every_fault_loses_nothing(tmp_path: Path) -> None:
    size = Size(households=1_200, devices=4, visits=12, usb=1, kills=1, seed=7)
    [season] = run(size, ["sqlite"], fast_kdf=True, tamper=6, keep=tmp_path, quiet=True)
    found, m, rel = season.found.counts, season.metrics, season.reliability

    assert found["visits_on_county"] == 4 * 12
    assert found["member_changes_on_county"] >= 4
    # both kinds of overlap happened: same field (a conflict each) and different fields (merged)
    same_field = expected_conflicts(season.plan)
    assert same_field >= 2 and any(not p.same_field for p in season.plan.pairs)
    assert found["conflicts"] == m["resolved"] == same_field
    assert found["edits_resolved"] >= same_field and found["edits_applied"] > 0
    # the faults: a laptop killed mid-visit kept its draft, connections were cut, tampering refused
    [kill] = m["kills"]
    assert kill["found_chars"] >= kill["promised_chars"] > 0
    assert rel["cuts"] >= 1
    assert sum(rel["tamper"]["refused"].values()) == 6 and rel["tamper"]["replay_already_received"]
    # one laptop synced by USB only, and it too holds the county's view (checked by the season)
    assert [s.get("usb") for s in m["sync"]].count(True) == 1 and m["usb_import_s"]
    assert found["ledgers"] >= 2 and found["assessments_compared"] > 0 and found["audit_entries"] > 0
