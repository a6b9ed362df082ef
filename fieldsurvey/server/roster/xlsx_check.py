"""Checking an Excel roster row by row, and importing it all or nothing.

The rules are ``core/roster.py``'s, which the laptop's roster import applies too. Every row that
cannot go in is reported with its spreadsheet row number and each reason: a bad
or missing ID number, a village the county does not have, a person twice in the file or already
in the registry, an unknown relationship or code, a household without exactly one head, values
that disagree between rows of one household, a household number the registry already has, and
the record rules of ``core.validation``. A household with any bad row is rejected whole, and its
other rows say why, so nothing is dropped silently. ``import_workbook`` checks again inside its
transaction and writes only when no row is rejected; otherwise it writes nothing.

Reasons name rows and columns, never the values in them (except household numbers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.core.roster import Registry, check_rows
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import ERROR
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.dashboard.assessments import assessment_columns
from fieldsurvey.server.db.models import Division, HouseholdRow, MemberRow, Meta
from fieldsurvey.server.db.sealed_columns import cipher_of, normalise_id_number
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.households.provenance import IMPORTED, ProvenanceLog, county_source
from fieldsurvey.server.roster.xlsx_upload import StatusError, check_mapping, iter_rows, open_sheet

Progress = Callable[[int], None]


@dataclass
class Report:
    rows: int = 0
    households: int = 0
    members: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_households: set[str] = field(default_factory=set)
    good: list[Household] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # imported, but to check

    def warn(self, row: int, no: str, code: str, text: Text, column: str | None = None) -> None:
        """A row that imports but asks for a look (a legacy ID number, an unlisted area code)."""
        self.warnings.append(
            {
                "row": row,
                "household_no": no,
                "column": column,
                "code": code,
                "reason": {
                    "zh": f"（提示，不影响导入）{text.zh}",
                    "en": f"(warning; imports) {text.en}",
                },
            }
        )

    def add(self, row: int, no: str, code: str, text: Text, column: str | None = None) -> None:
        self.rejected.append(
            {
                "row": row,
                "household_no": no,
                "column": column,
                "code": code,
                "reason": {"zh": text.zh, "en": text.en},
            }
        )
        self.rejected_households.add(no)

    def to_dict(self) -> dict[str, Any]:
        self.rejected.sort(key=lambda r: (r["row"], r["code"]))
        rows_rejected = len({r["row"] for r in self.rejected})
        return {
            "ok": not self.rejected,
            "rows": self.rows,
            "households": self.households,
            "members": self.members,
            "accepted_households": len(self.good),
            "accepted_members": sum(len(h.members) for h in self.good),
            "rejected_rows": rows_rejected,
            "rejected_households": len(self.rejected_households),
            "rejected": self.rejected,
            "warnings": sorted(self.warnings, key=lambda w: (w["row"], w["code"])),
        }


NUMBER_TAKEN = Text(
    "该户编号已在县里的登记中（修改请在该户上进行）",
    "this household number is already in the county's registry (edit that household instead)",
)


def county_registry(
    county: str,
    villages: dict[str, str],
    numbers: set[str],
    people: dict[str, str],
    index: Callable[[str], str] = normalise_id_number,
) -> Registry:
    """What the county has, for ``core.roster``: ``people`` maps an ID number's index (keyed
    HMAC, see sealed.py) to a household number, so no ID number is decrypted to find a person."""
    return Registry(
        county=county,
        villages=villages,
        numbers=numbers,
        household_of=lambda id_number: people.get(index(id_number)),
        number_taken=NUMBER_TAKEN,
    )


def load_registry(s: Session) -> Registry:
    county = str(s.execute(select(Meta.value).where(Meta.key == "county")).scalar_one())
    villages = dict(
        s.execute(select(Division.code, Division.name).where(Division.level == "village")).all()
    )
    numbers = set(
        s.execute(
            select(HouseholdRow.household_no).where(HouseholdRow.deleted.is_(False))
        ).scalars()
    )
    rows = s.execute(
        select(MemberRow.id_index, HouseholdRow.household_no)
        .join(HouseholdRow, HouseholdRow.household_id == MemberRow.household_id)
        .where(
            MemberRow.deleted.is_(False),
            HouseholdRow.deleted.is_(False),
            MemberRow.id_index.is_not(None),
        )
    )
    people = {str(index): str(no) for index, no in rows}
    return county_registry(county, villages, numbers, people, cipher_of(s.get_bind().dialect).index)


def check_workbook(
    source: Path | bytes,
    sheet: str | None,
    mapping: dict[str, int],
    reg: Registry,
    progress: Progress | None = None,
) -> Report:
    """Every row of the workbook (a file, or a staged upload's decrypted bytes) against the
    registry, by the rules the laptop's import uses too (``core/roster.py``)."""
    wb, ws, _names = open_sheet(source, sheet)
    try:
        width = ws.max_column or (max(mapping.values()) + 1 if mapping else 0)
        check_mapping(mapping, max(width, max(mapping.values(), default=0) + 1))
        rows = (
            (n, {key: raw[i] if i < len(raw) else None for key, i in mapping.items()})
            for n, raw in iter_rows(ws)
        )
        checked = check_rows(rows, reg, progress)
    finally:
        wb.close()
    report = Report(rows=checked.rows, households=checked.groups, good=checked.households)
    report.members = sum(len(r) for r in checked.rejected.values()) + sum(
        len(h.members) for h in checked.households
    )
    for p in checked.problems:
        if p.level == ERROR:
            report.add(p.row, p.household_no, p.code, p.text, p.column)
        elif p.code != "invalid_record":  # the record rules' warnings are the laptop's to show
            report.warn(p.row, p.household_no, p.code, p.text, p.column)
    return report


def import_workbook(
    sd: Any,
    who: Principal,
    source: Path | bytes,
    sheet: str | None,
    mapping: dict[str, int],
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Check again and, when no row is rejected, write every household in one transaction."""
    with sd.transaction() as s:
        seq = SeqAllocator(s)  # taken first: no other writer changes the registry while we check
        report = check_workbook(source, sheet, mapping, load_registry(s), progress)
        if report.rejected:
            n = len({r["row"] for r in report.rejected})
            raise StatusError(
                Text(
                    f"有{n}行不能导入，未导入任何数据",
                    f"{n} rows cannot be imported; nothing was imported",
                ),
                "roster_rejected",
                422,
                report=report.to_dict(),
            )
        policy, today = load_policy(), date.today()
        records = [household_to_dict(h) for h in report.good]
        derived = {r["household_id"]: assessment_columns(r, today, policy) for r in records}
        for start in range(0, len(records), 500):
            registry.insert_households(s, records[start : start + 500], seq, derived)
        log = ProvenanceLog(s)  # each household noted as this county user's import
        origin = county_source(
            IMPORTED, datetime.now(UTC), user_id=who.user_id, username=who.username
        )
        for r in records:
            log.whole("household", r["household_id"], r["household_id"], origin)
        log.flush()
        seq.finish()
        digest = hashlib.sha256(
            source if isinstance(source, bytes) else source.read_bytes()
        ).hexdigest()
        counts = {
            "households": len(records),
            "members": sum(len(r["members"]) for r in records),
            "rows": report.rows,
        }
        audit.append(
            s,
            sd.keys.signing,
            actor=who.actor,
            action="roster_imported",
            subject=f"xlsx:{digest[:16]}",
            details={**counts, "sha256": digest, "format": "xlsx"},
        )
    return {**counts, "ok": True}
