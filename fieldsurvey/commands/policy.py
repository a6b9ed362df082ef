"""``fieldsurvey policy``: check a county's policy folder and see which values are in force.

County staff correct policy values by hand-editing JSON files; ``check`` tells them at once
whether the folder loads (or which file and key is wrong), ``show`` lists every value with its
source and whether it is verified, and ``line`` says which income line applies to a division in
a year and where it comes from.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.policy import POLICY_DIR_ENV, Policy, load_policy
from fieldsurvey.core.text import Text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "policy",
        help="check and show the policy tables (lines, thresholds, income items)",
        description=(
            "The assessment measures households against policy tables shipped with FieldSurvey. "
            f"A county corrects them with a folder of its own tables (--policy-dir or {POLICY_DIR_ENV})."
        ),
    )
    actions = p.add_subparsers(dest="policy_command", metavar="ACTION", required=True)

    check = actions.add_parser("check", help="load a county policy folder and report any error")
    check.add_argument("folder", nargs="?", help=f"the county folder (default: ${POLICY_DIR_ENV})")
    check.set_defaults(handler=run_check)

    show = actions.add_parser("show", help="list every policy value with its source")
    _add_dir(show)
    show.add_argument("--unverified", action="store_true", help="only values still to be verified")
    show.add_argument("--format", choices=("table", "json"), default="table")
    show.set_defaults(handler=run_show)

    line = actions.add_parser("line", help="the income line for a division and year")
    _add_dir(line)
    line.add_argument("division", help="division code: 2, 6 or 12 digits (e.g. 610728)")
    line.add_argument("year", type=int)
    line.set_defaults(handler=run_line)


def _add_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--policy-dir", metavar="DIR", help=f"county policy folder (default: ${POLICY_DIR_ENV})"
    )


def run_check(args: argparse.Namespace) -> int:
    policy = load_policy(args.folder)
    if policy.overrides_dir is None:
        print(
            f"未指定县级政策表目录,使用内置政策表 (no county folder given or in ${POLICY_DIR_ENV}: shipped tables)"
        )
    county = [e for e in policy.entries if e.county]
    print(
        f"政策表有效：共{len(policy.entries)}项，其中县级{len(county)}项，未核实{len(policy.unverified())}项 "
        f"(valid: {len(policy.entries)} values, {len(county)} from the county, "
        f"{len(policy.unverified())} unverified)"
    )
    # Unverified values are the county's to settle: listed here (and on the county dashboard),
    # never printed on households' ledgers.
    for e in policy.unverified():
        print(f"  未核实 UNVERIFIED {e.key} = {json.dumps(e.value, ensure_ascii=False)}")
        print(f"      {e.note}")
    return 0


def _entry(e: Any) -> dict[str, Any]:
    return {
        "key": e.key,
        "value": e.value,
        "verified": e.verified,
        "county": e.county,
        "source": e.source,
        "note": e.note,
    }


def run_show(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy_dir)
    entries = policy.unverified() if args.unverified else list(policy.entries)
    if args.format == "json":
        print(json.dumps([_entry(e) for e in entries], ensure_ascii=False, indent=2))
        return 0
    for e in entries:
        marks = ("" if e.verified else " [未核实 UNVERIFIED]") + (
            " [县级 county]" if e.county else ""
        )
        print(f"{e.key} = {json.dumps(e.value, ensure_ascii=False)}{marks}")
        print(f"    来源 source: {e.source}")
        if e.note:
            print(f"    说明 note: {e.note}")
    return 0


def run_line(args: argparse.Namespace) -> int:
    policy: Policy = load_policy(args.policy_dir)
    line = policy.income_line(args.division, args.year)
    if line is None:
        raise UserError(
            Text(
                f"政策表中没有{args.year}年适用的收入标准",
                f"the policy tables have no income line for {args.year}",
            ),
            code="no_income_line",
        )
    amount = line.amount
    print(
        f"{line.label.zh} ({line.label.en}): {amount.value:g} 元/人·年 (yuan per person per year)"
    )
    where = "全国 national" if line.division == "national" else line.division
    print(f"    适用区划 division: {where}; 表中年份 table year: {line.year}")
    print(f"    来源 source: {amount.source}")
    if not amount.verified:
        print(f"    未核实 UNVERIFIED: {amount.note}")
    if amount.county:
        print("    来自县级政策表 from the county's own table")
    return 0
