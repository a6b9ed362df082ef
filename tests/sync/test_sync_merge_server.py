"""The merge property again, through the real ingest (in-process, on an SQLite county database).

Two devices of one village edit the same household in any interleaving; after every batch, each
edit sent is applied, already there, or in the conflict queue with the device's value — and the
conflict rows in the database say so too.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import ConflictRow, HouseholdRow
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from tests.support.factories import household
from tests.support.server import enroll_secretary, init_county, roster_of

VILLAGE = "610728101001"
FIELDS = ("phone", "address", "hamlet")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerDir, list[Identity]]]:
    sd = init_county(tmp_path_factory.mktemp("merge-county"))
    identities = [enroll_secretary(sd, name, [VILLAGE]) for name in ("sec1", "sec2")]
    yield sd, identities
    sd.close()


def server_record(sd: ServerDir, hid: str) -> tuple[dict[str, Any], int]:
    with sd.transaction() as s:
        row = s.get(HouseholdRow, hid)
        assert row is not None
        return dict(row.data), row.revision


PEOPLE = itertools.count()
actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("edit"),
            st.integers(0, 1),
            st.sampled_from(FIELDS),
            st.sampled_from(["一", "二", "三"]),
        ),
        st.tuples(st.just("sync"), st.integers(0, 1), st.just(""), st.just("")),
    ),
    max_size=14,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=actions)
def test_real_ingest_loses_no_edit_in_any_interleaving(
    county: tuple[ServerDir, list[Identity]], script: list[Any]
) -> None:
    sd, identities = county
    h = household(
        no=f"61072810100{uuid.uuid4().int % 10**5:05d}", village=VILLAGE, person_index=next(PEOPLE)
    )  # new people each time
    import_roster(sd, "test", roster_of([household_to_dict(h)]))
    hid = h.household_id
    record, revision = server_record(sd, hid)
    seen = [(dict(record), revision), (dict(record), revision)]
    local = [dict(record), dict(record)]
    for kind, d, field, value in [*script, ("sync", 0, "", ""), ("sync", 1, "", "")]:
        if kind == "edit":
            local[d][field] = value
            continue
        base, base_revision = seen[d]
        changes = [
            {"field": f, "base": base.get(f), "value": local[d][f]}
            for f in FIELDS
            if local[d][f] != base.get(f)
        ]
        if changes:
            before, _ = server_record(sd, hid)
            records = [
                {
                    "kind": "record.update",
                    "record_type": "household",
                    "record_id": hid,
                    "household_id": hid,
                    "base_revision": base_revision,
                    "changes": changes,
                }
            ]
            result = ingest(
                sd,
                seal_batch(identities[d], batch_payload(identities[d], records, base_cursor=None)),
                via="http",
            )
            after, _ = server_record(sd, hid)
            [outcome] = result.outcomes
            with sd.transaction() as s:
                conflicts = {
                    c.field: c
                    for c in s.execute(
                        select(ConflictRow).where(ConflictRow.conflict_id.in_(outcome["conflicts"]))
                    ).scalars()
                }
            for c in changes:
                f = c["field"]
                if f in conflicts:
                    row = conflicts[f]
                    assert (row.base_value, row.device_value, row.server_value) == (
                        c["base"],
                        c["value"],
                        before.get(f),
                    )
                    assert after[f] == before[f]
                else:
                    assert after[f] == c["value"]  # applied, or the county already had it
                    if f in outcome["fields"]:
                        assert before.get(f) == c["base"]
        seen[d] = server_record(sd, hid)
        local[d] = dict(seen[d][0])
