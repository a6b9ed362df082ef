"""``fieldsurvey ledger``: print household ledgers and village reports, and check a printed page.

    fieldsurvey ledger --household NO --out FILE.pdf [--mask-ids]
    fieldsurvey ledger --village CODE --out DIR | FILE.pdf [--mask-ids] [--no-report]
    fieldsurvey ledger --village CODE --report-only --out FILE.pdf [--population N]
    fieldsurvey ledger verify --household NO --fingerprint XXXX-XXXX-XXXX-XXXX

``verify`` exits 0 when the fingerprint matches the record, 1 when it does not.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from fieldsurvey.commands.common import add_data_dir, add_unlock_options, open_store
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.text import Text
from fieldsurvey.ledger import (
    LedgerInput,
    LedgerOptions,
    print_household,
    print_village,
    verify_fingerprint,
)
from fieldsurvey.ledger.batch import ledger_file_name, report_file_name
from fieldsurvey.ledger.model import DivisionNames, format_fingerprint
from fieldsurvey.ledger.output import atomic_output
from fieldsurvey.ledger.pipeline import default_workers
from fieldsurvey.ledger.village_report import render_village_report, report_content, summarise
from fieldsurvey.store import Store

EXIT_NO_MATCH = 1

NOT_FOUND = Text("找不到该户编号对应的户", "no household has this household number")
NEED_TARGET = Text("请用 --household 指定一户或用 --village 指定一个村", "give --household or --village")
NEED_OUT = Text("请用 --out 指定输出文件或文件夹", "give --out, the file or folder to write")
NOT_VILLAGE = Text("--village 应为12位村级行政区划代码", "--village takes a 12-digit village code")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ledger",
        help="print household ledgers (扶贫手册) and village reports as PDF",
        description=(
            "Print one household's ledger (一户一本台账), or every household of a village: one "
            "file per household in a folder, or one file with a table of contents when --out "
            "ends in .pdf. Each page carries 第 X 页 共 Y 页, the time of printing and a document "
            "fingerprint (text and QR code) that 'fieldsurvey ledger verify' checks against the "
            "record. The PDFs hold names and ID numbers: keep them as safe as the store; use "
            "--mask-ids for copies posted in public (公示)."
        ),
        epilog="Unlocks with FIELDSURVEY_PASSPHRASE, or asks for the passphrase.",
    )
    add_data_dir(p)
    add_unlock_options(p)
    target = p.add_mutually_exclusive_group()
    target.add_argument("--household", metavar="NO", help="the household number (户编号) to print")
    target.add_argument("--village", metavar="CODE", help="print every household of this village (12-digit code)")
    p.add_argument("--out", type=Path, metavar="PATH",
                   help="a .pdf file, or a folder (one file per household when printing a village)")
    p.add_argument("--mask-ids", action="store_true",
                   help="public copy (公示): ID numbers show only their first 6 and last 4 characters")
    p.add_argument("--no-report", action="store_true", help="village: leave out the village report")
    p.add_argument("--report-only", action="store_true", help="village: print only the village report")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="village: render on N processes (default: one per core, up to 4, for 30 households or more)")
    p.add_argument("--population", type=int, metavar="N",
                   help="village population for poverty incidence (default: people of the households listed)")
    p.set_defaults(handler=run)

    verbs = p.add_subparsers(dest="ledger_command", metavar="verify", title="checking a printed page")
    v = verbs.add_parser(
        "verify",
        help="check a printed ledger's fingerprint against the record",
        description=(
            "Recompute the fingerprint of a household's ledger from the record as it is now and "
            "compare it with the one printed on paper (any case; dashes and spaces ignored). "
            "Exit status 0: the paper matches the record (full or public copy); 1: it does not, "
            "so the record changed since printing or the paper is not this household's."
        ),
    )
    add_data_dir(v)
    add_unlock_options(v)
    v.add_argument("--household", metavar="NO", required=True, help="the household number printed on the page")
    v.add_argument("--fingerprint", metavar="XXXX", required=True, help="the fingerprint printed on the page")
    v.set_defaults(handler=run_verify)


def _names(store: Store, code: str) -> DivisionNames:
    path = store.divisions.path(code)
    county = path["county"] or store.county()[1] or code[:6]
    return DivisionNames(county, path["township"] or code[6:9], path["village"] or code)


def _input(store: Store, household: Household) -> LedgerInput:
    return LedgerInput(
        household, store.visits.for_household(household.household_id), _names(store, household.division_code.value)
    )


def _find(store: Store, household_no: str) -> Household:
    household = store.households.get_by_no(household_no.strip())
    if household is None:
        raise UserError(NOT_FOUND, code="not_found")
    return household


def run(args: argparse.Namespace) -> int:
    if not (args.household or args.village):
        raise UserError(NEED_TARGET, code="usage")
    if args.out is None:
        raise UserError(NEED_OUT, code="usage")
    options = LedgerOptions(mask_ids=args.mask_ids)
    with open_store(args) as store:
        if args.household:
            return _print_one(store, args, options)
        return _print_village(store, args, options)


def _print_one(store: Store, args: argparse.Namespace, options: LedgerOptions) -> int:
    household = _find(store, args.household)
    out: Path = args.out
    if out.is_dir():
        out = out / ledger_file_name(household.household_no, options.mask_ids)
    result = print_household(_input(store, household), out, options)
    print(f"已生成 {out}(共 {result.pages} 页,指纹 {format_fingerprint(result.fingerprint)})"
          f" Wrote {out} ({result.pages} pages)")
    return 0


def _village_code(raw: str) -> str:
    code = DivisionCode.parse(raw)
    if code.level != "village":
        raise UserError(NOT_VILLAGE, code="usage")
    return code.value


def _print_village(store: Store, args: argparse.Namespace, options: LedgerOptions) -> int:
    code = _village_code(args.village)
    names = _names(store, code)
    total = store.households.count(village=code)

    def records() -> Iterator[LedgerInput]:
        for household in store.households.iter_households(village=code):
            yield LedgerInput(household, store.visits.for_household(household.household_id), names)

    if args.report_only:
        out: Path = args.out
        if out.is_dir():
            out = out / report_file_name(code, options.mask_ids)
        summaries = [summarise(inp) for inp in records()]
        with atomic_output(out) as f:
            result = render_village_report(report_content(summaries, names, code, args.population), options, f)
        print(f"已生成 {out}(共 {result.pages} 页) Wrote {out} ({result.pages} pages)")
        return 0
    done = print_village(
        records(), total, args.out, names=names, village_code=code, include_report=not args.no_report,
        population=args.population, options=options, progress=_progress_printer(),
        workers=args.jobs if args.jobs else default_workers(total),
    )
    print(f"已打印 {done.households} 户,{len(done.files)} 个文件,共 {done.pages} 页"
          f" Printed {done.households} households: {len(done.files)} files, {done.pages} pages")
    return 0


def _progress_printer() -> Callable[[int, int], None]:
    interactive = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if interactive:
            print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)
        elif done == total or done % 50 == 0:
            print(f"{done}/{total}", file=sys.stderr, flush=True)

    return show


def run_verify(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        household = _find(store, args.household)
        result = verify_fingerprint(_input(store, household), args.fingerprint)
    if result.matches:
        copy = "完整版" if result.copy == "full" else "公示版"
        print(f"一致:纸质台账与当前记录相符({copy}) Match: the paper agrees with the record ({result.copy} copy)")
        return 0
    print(
        "不一致:打印后记录已有变化,或这不是该户的台账。当前记录的指纹:"
        f"{format_fingerprint(result.full)}(完整版)/{format_fingerprint(result.public)}(公示版)"
        " No match: the record changed since printing, or the paper is not this household's."
    )
    return EXIT_NO_MATCH
