"""``fieldsurvey households``: list the households of a store as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from typing import TYPE_CHECKING

from fieldsurvey.commands.common import add_data_dir, add_unlock_options, open_store
from fieldsurvey.core.codes import code_list
from fieldsurvey.core.spreadsheet import safe_row

if TYPE_CHECKING:
    from fieldsurvey.store.households import HouseholdSummary

COLUMNS = ("household_no", "division_code", "head_name", "head_id_number", "member_count", "status")
HEADERS_ZH = ("户编号", "行政区划代码", "户主", "户主证件号码", "人口", "脱贫状态")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "households",
        help="list the households in a store",
        description=(
            "List the households in an encrypted store, one per line. Unlocks with "
            "FIELDSURVEY_PASSPHRASE, or asks for the passphrase. The output holds names and ID "
            "numbers: keep it as safe as the store."
        ),
    )
    add_data_dir(p)
    add_unlock_options(p)
    p.add_argument("--village", metavar="CODE", help="only this village (12-digit division code)")
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    p.set_defaults(handler=run)


def _record(s: HouseholdSummary) -> dict[str, object]:
    return {
        "household_no": s.household_no,
        "division_code": s.division_code,
        "group": s.group,
        "head_name": s.head_name,
        "head_id_number": s.head_id_number,
        "member_count": s.member_count,
        "status": s.status,
        "poverty_category": s.poverty_category,
        "household_type": s.household_type,
        "flags": list(s.flags),
        "last_visit_date": s.last_visit_date.isoformat() if s.last_visit_date else None,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        summaries = store.households.summaries(village=args.village)
    out = sys.stdout
    if args.format == "json":
        json.dump([_record(s) for s in summaries], out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif args.format == "csv":
        # "\n", not csv's "\r\n": stdout is a text stream, which on Windows turns every "\n" into
        # "\r\n" itself (csv's own ending would become "\r\r\n", a blank row in Excel).
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(_record(summaries[0]).keys()) if summaries else list(COLUMNS))
        for s in summaries:
            rec = _record(s)
            rec["flags"] = ";".join(s.flags)
            writer.writerow(safe_row(rec.values()))  # opened in Excel: no text may start a formula
    else:
        statuses = code_list("status")
        rows = [
            (
                s.household_no,
                s.division_code,
                s.head_name or "",
                s.head_id_number or "",
                str(s.member_count),
                statuses.label(s.status),
            )
            for s in summaries
        ]
        widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(HEADERS_ZH)]
        out.write(
            "  ".join(_pad(h, w) for h, w in zip(HEADERS_ZH, widths, strict=True)).rstrip() + "\n"
        )
        for r in rows:
            out.write("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")
        out.write(f"共 {len(rows)} 户 ({len(rows)} households)\n")
    return 0
