"""Each household's latest assessment per dimension, kept as indexed columns for the dashboards.

A finalized visit carries the assessment the secretary's laptop made (``core.assessment.assess``
on the household as the visit left it); ingest copies its seven outcomes into ``fail_bits`` and
``unknown_bits`` (``flags.visit_columns``). This module covers what a visit does not bring:

- a visit without an assessment (an older client): the county assesses the household itself, on
  the visit's date, with the county's policy tables (``assess_unassessed_visits``, from ingest);
- households that arrive by roster import and have never been visited;
- "re-assess": staff recompute the households in their scope on a day, after policy tables or
  the registry changed (``reassess``).

The county assesses as the laptop does: each household with the dated member changes (人员变更)
its batches brought (``member_changes`` rows), so an earlier year's income is divided by that
year's own household size and both sides reach the same outcome and reasons.

These columns are the county's reading of its own registry, not record fields: they change no
revision and send nothing to devices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.core.policy import Policy, load_policy
from fieldsurvey.core.records import household_from_dict, member_change_from_dict
from fieldsurvey.core.visit import MemberChange
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import HouseholdRow, MemberChangeRow, MemberRow, PartRow
from fieldsurvey.server.households.flags import dimension_bits, flag_bits
from fieldsurvey.sync.recordtypes import NESTED_OF

CHUNK = 500


def full_records(session: Session, rows: Sequence[HouseholdRow]) -> dict[str, dict[str, Any]]:
    """Households in ``core.records`` shape, members and parts inline: three queries per chunk."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids = [r.household_id for r in chunk]
        for r in chunk:
            out[r.household_id] = dict(
                r.data, revision=r.revision, members=[], helpers=[], measures=[], incomes=[]
            )
        members = session.execute(
            select(MemberRow.household_id, MemberRow.data, MemberRow.revision)
            .where(MemberRow.household_id.in_(ids), MemberRow.deleted.is_(False))
            .order_by(MemberRow.household_id, MemberRow.position, MemberRow.member_id)
        )
        for hid, data, revision in members:
            out[hid]["members"].append(dict(data, revision=revision))
        parts = session.execute(
            select(PartRow.household_id, PartRow.part_type, PartRow.data)
            .where(PartRow.household_id.in_(ids), PartRow.deleted.is_(False))
            .order_by(PartRow.household_id, PartRow.part_type, PartRow.position, PartRow.part_id)
        )
        for hid, part_type, data in parts:
            out[hid][NESTED_OF[part_type]].append(dict(data))
    return out


def member_changes_of(
    session: Session, household_ids: Sequence[str]
) -> dict[str, list[MemberChange]]:
    """Each household's dated member changes, oldest first: one query per chunk.

    The assessment reads each year's household size from them, as the laptop does
    (``store.households.member_changes_of``).
    """
    out: dict[str, list[MemberChange]] = {}
    ids = list(household_ids)
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(MemberChangeRow.household_id, MemberChangeRow.data).where(
                MemberChangeRow.household_id.in_(ids[start : start + CHUNK])
            )
        )
        for hid, data in rows:
            out.setdefault(hid, []).append(member_change_from_dict(dict(data)))
    for changes in out.values():
        changes.sort(key=lambda c: (c.change_date, c.change_id))
    return out


def assess_record(
    record: dict[str, Any], on: date, policy: Policy, member_changes: Sequence[MemberChange] = ()
) -> Assessment:
    """One household record (``core.records`` shape) assessed on ``on`` with its member changes."""
    return assess(household_from_dict(record), on=on, policy=policy, member_changes=member_changes)


def county_assessments(
    session: Session,
    rows: Sequence[HouseholdRow],
    on: date | Callable[[HouseholdRow], date],
    policy: Policy | None = None,
) -> dict[str, Assessment]:
    """The county's full assessment of ``rows`` from its registry: records and member changes."""
    policy = policy or load_policy()
    records = full_records(session, rows)
    changes = member_changes_of(session, [r.household_id for r in rows])
    return {
        row.household_id: assess_record(
            records[row.household_id],
            on(row) if callable(on) else on,
            policy,
            changes.get(row.household_id, ()),
        )
        for row in rows
    }


def assessment_columns(
    record: dict[str, Any], on: date, policy: Policy, member_changes: Sequence[MemberChange] = ()
) -> dict[str, Any]:
    """The derived columns of one household record assessed on ``on``."""
    return columns_of(assess_record(record, on, policy, member_changes))


def columns_of(assessment: Assessment) -> dict[str, Any]:
    """The indexed columns (dimension bits, flags, day) an assessment gives its household row."""
    result = assessment.to_dict()
    bits = dimension_bits(result)
    assert bits is not None
    return {
        "fail_bits": bits[0],
        "unknown_bits": bits[1],
        "assessed_on": assessment.assessed_on,
        "flag_bits": flag_bits(result["flags"]),
    }


def assess_rows(
    session: Session,
    rows: Sequence[HouseholdRow],
    on: date | Callable[[HouseholdRow], date],
    policy: Policy | None = None,
    keep_flags: frozenset[str] = frozenset(),
) -> int:
    """Assess ``rows`` from their registry records and store the columns; returns how many.

    ``keep_flags``: households whose problem flags came with their visit and stay as sent.
    """
    assessed = county_assessments(session, rows, on, policy)
    for row in rows:
        for name, value in columns_of(assessed[row.household_id]).items():
            if not (name == "flag_bits" and row.household_id in keep_flags):
                setattr(row, name, value)
    return len(rows)


def assess_unassessed_visits(session: Session, visits: Iterable[dict[str, Any]]) -> int:
    """Ingest's fallback: a new latest visit without an assessment is assessed by the county."""
    days: dict[str, date] = {}
    sent_flags: set[str] = set()
    for v in visits:
        assessment = v.get("assessment")
        if dimension_bits(assessment) is None:
            hid, day = str(v["household_id"]), date.fromisoformat(str(v["visit_date"]))
            days[hid] = max(day, days.get(hid, day))
            if isinstance(assessment, dict) and isinstance(assessment.get("flags"), list):
                sent_flags.add(hid)
    if not days:
        return 0
    session.flush()
    rows = list(
        session.execute(
            select(HouseholdRow).where(HouseholdRow.household_id.in_(sorted(days)))
        ).scalars()
    )
    latest = [r for r in rows if r.last_visit_date == days[r.household_id] and not r.deleted]
    return assess_rows(
        session, latest, lambda r: days[r.household_id], keep_flags=frozenset(sent_flags)
    )


def reassess(
    sd: ServerDir,
    villages: frozenset[str] | None,
    prefix: str | None,
    on: date,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute every live household in scope, a chunk per transaction (keyset on the id).

    Short transactions: on SQLite a transaction holds the write lock, and re-assessing a whole
    county takes minutes, during which laptops keep syncing.
    """
    from fieldsurvey.server.households.filters import in_scope

    policy = load_policy()
    done, after = 0, ""
    while True:
        with sd.transaction() as session:
            stmt = select(HouseholdRow).where(
                HouseholdRow.deleted.is_(False),
                HouseholdRow.household_id > after,
                *in_scope(HouseholdRow.village_code, villages, prefix),
            )
            rows = list(
                session.execute(stmt.order_by(HouseholdRow.household_id).limit(CHUNK)).scalars()
            )
            if not rows:
                return done
            done += assess_rows(session, rows, on, policy)
            after = rows[-1].household_id
        if progress:
            progress(done)
