"""Importing the county's household roster, so enrolled devices can download their villages.

A roster file is JSON: ``{"format": "fieldsurvey-roster", "version": 1, "county": "610728",
"divisions": [{"code", "name", "parent", "level"}], "households": [<core.records household>],
"visits": [<core.records visit, finalized>]}`` — ``visits`` (optional) are past visits the county
already holds on paper or in another system, so a device's history and the server agree.
The import is one transaction: a bad household anywhere leaves the county as it was; a re-import
updates changed fields (new revision, new change number) and leaves unchanged households alone, so
it can be repeated. A person (ID number) present in two households — two of the roster's, or one of
the roster's and another the county already has — is refused, as the Excel import and device batches
refuse it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, read_limited
from fieldsurvey.core.records import household_from_dict
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import errors_only, validate_household
from fieldsurvey.core.visit import FINALIZED
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.batches.checks import text_hash, visit_text
from fieldsurvey.server.db.dialect import insert_ignore_many
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import Division, HouseholdRow, VisitRow
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.households.flags import apply_visit_to_household
from fieldsurvey.server.households.provenance import IMPORTED, ProvenanceLog, Source, county_source
from fieldsurvey.sync import canonical
from fieldsurvey.sync.canonical import same
from fieldsurvey.sync.recordtypes import NESTED_OF, field_problems

FORMAT = "fieldsurvey-roster"
MAX_FILE = (
    128 * MIB
)  # about 20,000 households; a larger county imports its roster in parts (a re-import adds)
CHUNK = 2000  # records read, checked and written at a time (memory, not transactions)


def read_roster(path: Path) -> dict[str, Any]:
    """A roster file of at most ``MAX_FILE`` bytes (parsed whole: about 4 bytes of memory per byte)."""
    try:
        data = canonical.loads(read_limited(path, MAX_FILE, Text("花名册文件", "roster file")))
    except (OSError, canonical.CanonicalError) as e:
        raise UserError(
            Text("无法读取花名册文件（应为JSON）", "cannot read the roster file (JSON expected)"),
            code="bad_roster",
        ) from e
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("households"), list)
    ):
        raise UserError(
            Text("不是 FieldSurvey 花名册文件", "not a FieldSurvey roster file"), code="bad_roster"
        )
    return data


def check_households(households: Iterable[Any], county: str, first: int = 1) -> None:
    """Raise on the first household that cannot be imported; ``first`` numbers it in the message."""
    for i, h in enumerate(households, start=first):
        if not isinstance(h, dict):
            raise UserError(
                Text(f"第{i}户格式不对", f"household {i} is malformed"), code="bad_roster"
            )
        scalar = {k: v for k, v in h.items() if k not in NESTED_OF.values()}
        bad = field_problems("household", scalar)
        if (
            bad
            or not str(h.get("division_code", "")).startswith(county)
            or not h.get("household_id")
        ):
            raise UserError(
                Text(
                    f"第{i}户字段无效：{', '.join(bad) or 'division_code'}",
                    f"household {i}: invalid fields: {', '.join(bad) or 'division_code'}",
                ),
                code="bad_roster",
            )
        problems = errors_only(validate_household(household_from_dict(h)))
        if problems:
            msg = problems[0].message()
            raise UserError(
                Text(f"第{i}户：{msg.zh}", f"household {i}: {msg.en}"), code="bad_roster"
            )


def check_people(
    households: list[dict[str, Any]],
    people: dict[str, str],
    index: Callable[[str], str],
    first: int = 1,
) -> None:
    """Refuse a person (ID number) present in two households, of the roster or of the county.

    ``people`` maps the keyed index (``index``) of the ID numbers seen so far (the county's, then
    the roster's) to a household and grows with each household checked. A member marked not present
    (who left) does not count. The message names the household and member by position, never the
    number.
    """
    for i, h in enumerate(households, start=first):
        hid = str(h["household_id"])
        for k, m in enumerate(h.get("members") or [], start=1):
            number = m.get("id_number") if isinstance(m, dict) else None
            if not isinstance(number, str) or not number or m.get("present", True) is False:
                continue
            home = people.setdefault(index(number), hid)
            if home != hid:
                raise UserError(
                    Text(
                        f"第{i}户第{k}名成员：此人（证件号码）已在另一户中登记（花名册或县里），同一人不能同时在两户",
                        f"household {i}, member {k}: this person's ID number is already in another household "
                        "(of the roster or of the county); one person cannot be in two households",
                    ),
                    code="duplicate_person",
                )


def import_roster(sd: ServerDir, actor: str, data: dict[str, Any]) -> dict[str, int]:
    """Import a roster in one transaction: all of it, or nothing when any household or visit is bad.

    ``data["households"]`` and ``data["visits"]`` may be any iterables. They are read, checked and
    written ``CHUNK`` records at a time, and the session is flushed after each chunk, so a roster
    streamed from a store (the demo county) never sits in memory whole: the first version held
    100,000 households as dicts and peaked at 3.4 GiB. A bad record late in the stream still
    rolls back everything written before it.
    """
    county = str(sd.read_config()["county"])
    if str(data.get("county", county)) != county:
        raise UserError(
            Text("花名册属于另一个县", "the roster belongs to another county"), code="wrong_county"
        )
    counts = {"created": 0, "updated": 0, "unchanged": 0, "divisions": 0}
    with sd.transaction() as s:
        seq = SeqAllocator(s)
        for d in data.get("divisions") or []:
            if str(d.get("code", "")).startswith(county) and s.get(Division, d["code"]) is None:
                s.add(
                    Division(
                        code=d["code"],
                        name=d["name"],
                        parent=d.get("parent"),
                        level=d.get("level", "village"),
                    )
                )
                counts["divisions"] += 1
        people, index = registry.people_homes(s), registry.id_index_of(s)
        log = ProvenanceLog(s)
        origin = county_source(
            IMPORTED, datetime.now(UTC), user_id=None, username=actor.removeprefix("user:")
        )
        for first, chunk in _numbered_chunks(data["households"]):
            check_households(chunk, county, first)
            check_people(chunk, people, index, first)
            _import_households(s, chunk, seq, counts, log, origin)
        counts["visits"] = sum(
            _import_visits(s, chunk, seq, first)
            for first, chunk in _numbered_chunks(data.get("visits") or [])
        )
        log.flush()
        seq.finish()
        audit.append(
            s,
            sd.keys.signing,
            actor=actor,
            action="roster_imported",
            subject=county,
            details=counts,
        )
    return counts


def _numbered_chunks(records: Iterable[Any]) -> Iterator[tuple[int, list[Any]]]:
    """``CHUNK`` records at a time with the number (from 1) of each chunk's first record."""
    stream = iter(records)
    first = 1
    while chunk := list(islice(stream, CHUNK)):
        yield first, chunk
        first += len(chunk)


def _import_households(
    s: Any,
    chunk: list[dict[str, Any]],
    seq: SeqAllocator,
    counts: dict[str, int],
    log: ProvenanceLog,
    origin: Source,
) -> None:
    """New households inserted, known ones updated field by field (new revision), unchanged ones left;
    each noted as the county's import (``provenance.py``)."""
    ids = [h["household_id"] for h in chunk]
    existing = {
        r.household_id: r
        for r in s.execute(select(HouseholdRow).where(HouseholdRow.household_id.in_(ids))).scalars()
    }
    new = [h for h in chunk if h["household_id"] not in existing]
    registry.insert_households(s, new, seq)
    for h in new:
        log.whole("household", h["household_id"], h["household_id"], origin)
    counts["created"] += len(new)
    for h in chunk:
        row = existing.get(h["household_id"])
        if row is None:
            continue
        changed = {
            k: v
            for k, v in h.items()
            if k not in (*NESTED_OF.values(), "revision") and not same(row.data.get(k), v)
        }
        if changed:
            registry.set_fields(s, row, changed, seq.next())
            log.note("household", row.household_id, row.household_id, changed, origin)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    s.flush()


def _import_visits(s: Any, visits: list[dict[str, Any]], seq: SeqAllocator, first: int = 1) -> int:
    """Past finalized visits: inserted once (a re-import adds nothing), households' list columns follow."""
    if not visits:
        return 0
    households = {
        h.household_id: h
        for h in s.execute(
            select(HouseholdRow).where(
                HouseholdRow.household_id.in_({str(v["household_id"]) for v in visits})
            )
        ).scalars()
    }
    rows = []
    for i, v in enumerate(visits, start=first):
        household = households.get(str(v.get("household_id")))
        if household is None or v.get("status") != FINALIZED:
            raise UserError(
                Text(
                    f"第{i}条走访记录无效（户不存在或未提交）",
                    f"visit {i} is invalid (unknown household or not finalized)",
                ),
                code="bad_roster",
            )
        text = visit_text(v)  # serialised once: its hash and its JSON column, as ingest does
        rows.append(
            dict(
                visit_id=str(v["visit_id"]),
                household_id=household.household_id,
                village_code=household.village_code,
                visit_date=date.fromisoformat(v["visit_date"]),
                form_id=v["form_id"],
                form_version=v["form_version"],
                batch_id=None,
                device_id=None,
                content_sha256=text_hash(text),
                review_status=None,
                review_comment=None,
                reviewed_by=None,
                reviewed_at=None,
                seq=seq.next(),
                data=text,
            )
        )
    inserted = insert_ignore_many(s, VisitRow, rows, json_text=True)
    for v in visits:
        if str(v["visit_id"]) in inserted:
            apply_visit_to_household(households[str(v["household_id"])], v)
    s.flush()
    return len(inserted)
