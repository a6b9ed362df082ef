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
from fieldsurvey.server.batches.checks import check_batch
from fieldsurvey.server.batches.ingest import _apply, ingest
from fieldsurvey.server.db.models import ConflictRow, HouseholdRow
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from tests.support.server import (
    COUNTY,
    VILLAGE_A,
    database,
    enroll_secretary,
    init_county,
    roster,
)


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
    assert (
        found["ledgers"] >= 2 and found["assessments_compared"] > 0 and found["audit_entries"] > 0
    )


@pytest.mark.postgres
def test_two_uploads_racing_on_one_household_conflict_instead_of_overwriting(
    tmp_path: Path,
) -> None:
    """The race the full season found on PostgreSQL: batch B was checked (its household read into
    the session) before batch A's merge of the same field committed; B then merged against its
    stale copy and overwrote A's value unseen. B must see A's value and raise a conflict."""
    with database("postgres") as url:
        sd = init_county(tmp_path / "county", url)
        data = roster(1)
        import_roster(sd, "test", data)
        identities = [enroll_secretary(sd, name, [VILLAGE_A]) for name in ("sec_a", "sec_a2")]
        h = next(x for x in data["households"] if x["division_code"] == VILLAGE_A)
        hid = h["household_id"]

        def sealed(identity: Identity, phone: str) -> bytes:
            edit = {
                "kind": "record.update",
                "record_type": "household",
                "record_id": hid,
                "household_id": hid,
                "base_revision": 1,
                "changes": [{"field": "phone", "base": h["phone"], "value": phone}],
            }
            return seal_batch(identity, batch_payload(identity, [edit], base_cursor=None))

        a, b = sealed(identities[0], "13811110000"), sealed(identities[1], "13822220000")
        try:
            with sd.transaction() as session:
                checked = check_batch(session, sd.keys, COUNTY, b)  # B reads the household …
                assert (
                    ingest(sd, a, via="http").conflicts == 0
                )  # … A merges and commits meanwhile …
                result = _apply(session, sd, checked, "http")  # … then B merges
            assert result is not None and result.conflicts == 1
            with sd.transaction() as session:
                row = session.get(HouseholdRow, hid)
                assert row is not None and row.data["phone"] == "13811110000" and row.revision == 2
                [conflict] = (
                    session.query(ConflictRow).filter(ConflictRow.household_id == hid).all()
                )
                assert (conflict.device_value, conflict.server_value) == (
                    "13822220000",
                    "13811110000",
                )
        finally:
            sd.close()
