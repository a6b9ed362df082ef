"""Importing the county's household roster, so enrolled devices can download their villages.

A roster file is JSON: ``{"format": "fieldsurvey-roster", "version": 1, "county": "610728",
"divisions": [{"code", "name", "parent", "level"}], "households": [<core.records household>]}``.
Every household is checked before any is written; a re-import updates changed fields (new
revision, new change number) and leaves unchanged households alone, so it can be repeated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.records import household_from_dict
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import errors_only, validate_household
from fieldsurvey.sync import canonical
from fieldsurvey.sync.canonical import same
from fieldsurvey.sync.recordtypes import NESTED_OF, field_problems
from fieldsurvey.sync.server import audit, registry
from fieldsurvey.sync.server.db import ServerDir
from fieldsurvey.sync.server.models import Division, HouseholdRow
from fieldsurvey.sync.server.seq import SeqAllocator

FORMAT = "fieldsurvey-roster"


def read_roster(path: Path) -> dict[str, Any]:
    try:
        data = canonical.loads(path.read_bytes())
    except (OSError, canonical.CanonicalError) as e:
        raise UserError(Text("无法读取花名册文件(应为JSON)", "cannot read the roster file (JSON expected)"), code="bad_roster") from e
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("households"), list):
        raise UserError(Text("不是 FieldSurvey 花名册文件", "not a FieldSurvey roster file"), code="bad_roster")
    return data


def check_roster(data: dict[str, Any], county: str) -> None:
    for i, h in enumerate(data["households"], start=1):
        if not isinstance(h, dict):
            raise UserError(Text(f"第{i}户格式不对", f"household {i} is malformed"), code="bad_roster")
        scalar = {k: v for k, v in h.items() if k not in NESTED_OF.values()}
        bad = field_problems("household", scalar)
        if bad or not str(h.get("division_code", "")).startswith(county) or not h.get("household_id"):
            raise UserError(Text(f"第{i}户字段无效:{', '.join(bad) or 'division_code'}", f"household {i}: invalid fields: {', '.join(bad) or 'division_code'}"), code="bad_roster")
        problems = errors_only(validate_household(household_from_dict(h)))
        if problems:
            msg = problems[0].message()
            raise UserError(Text(f"第{i}户:{msg.zh}", f"household {i}: {msg.en}"), code="bad_roster")


def import_roster(sd: ServerDir, actor: str, data: dict[str, Any]) -> dict[str, int]:
    county = str(sd.read_config()["county"])
    if str(data.get("county", county)) != county:
        raise UserError(Text("花名册属于另一个县", "the roster belongs to another county"), code="wrong_county")
    check_roster(data, county)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "divisions": 0}
    with sd.transaction() as s:
        seq = SeqAllocator(s)
        for d in data.get("divisions") or []:
            if str(d.get("code", "")).startswith(county) and s.get(Division, d["code"]) is None:
                s.add(Division(code=d["code"], name=d["name"], parent=d.get("parent"), level=d.get("level", "village")))
                counts["divisions"] += 1
        ids = [h["household_id"] for h in data["households"]]
        existing = {r.household_id: r for r in s.execute(select(HouseholdRow).where(HouseholdRow.household_id.in_(ids))).scalars()} if ids else {}
        new = [h for h in data["households"] if h["household_id"] not in existing]
        registry.insert_households(s, new, seq)
        counts["created"] = len(new)
        for h in data["households"]:
            row = existing.get(h["household_id"])
            if row is None:
                continue
            changed = {k: v for k, v in h.items() if k not in (*NESTED_OF.values(), "revision") and not same(row.data.get(k), v)}
            if changed:
                registry.set_fields(s, row, changed, seq.next())
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        seq.finish()
        audit.append(s, sd.keys.signing, actor=actor, action="roster_imported", subject=county, details=counts)
    return counts
