"""The work of ``fieldsurvey ledger``: printing and verifying, kept apart from its options.

Importing reportlab and pypdf takes about a second; ``fieldsurvey --help`` and every other
command load only ``commands/ledger.py``, which imports this module when a ledger is printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from fieldsurvey.app.ledgers import ledger_photos
from fieldsurvey.commands.common import open_store
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.private_files import folder_keeps_files_private
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
NEED_TARGET = Text(
    "请用 --household 指定一户或用 --village 指定一个村", "give --household or --village"
)
NEED_OUT = Text("请用 --out 指定输出文件或文件夹", "give --out, the file or folder to write")
NOT_VILLAGE = Text("--village 应为12位村级行政区划代码", "--village takes a 12-digit village code")


def _names(store: Store, code: str) -> DivisionNames:
    path = store.divisions.path(code)
    county = path["county"] or store.county()[1] or code[:6]
    return DivisionNames(county, path["township"] or code[6:9], path["village"] or code)


def _input(store: Store, household: Household) -> LedgerInput:
    visits = store.visits.for_household(household.household_id)
    return LedgerInput(
        household,
        visits,
        _names(store, household.division_code.value),
        photos=ledger_photos(store, household.household_id, visits),
    )


def _warn_if_others_can_read(out: Path) -> None:
    """Ledgers hold names and ID numbers: say so when the folder cannot keep them private
    (a USB stick's FAT file system; on Windows, a folder outside the profile that refused an
    owner-only access list)."""
    folder = out if out.is_dir() else out.parent
    if folder.is_dir() and not folder_keeps_files_private(folder):
        print(
            f"注意：写入 {folder} 的文件，这台电脑的其他用户或拿到该磁盘的人都能读取。"
            f" Note: other users of this computer, or anyone with this drive, can read the files written to {folder}.",
            file=sys.stderr,
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
    _warn_if_others_can_read(args.out)
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
    print(
        f"已生成 {out}（共 {result.pages} 页，指纹 {format_fingerprint(result.fingerprint)}）"
        f" Wrote {out} ({result.pages} pages)"
    )
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
            visits = store.visits.for_household(household.household_id)
            yield LedgerInput(
                household,
                visits,
                names,
                photos=ledger_photos(store, household.household_id, visits),
            )

    if args.report_only:
        out: Path = args.out
        if out.is_dir():
            out = out / report_file_name(code, options.mask_ids)
        summaries = [summarise(inp) for inp in records()]
        with atomic_output(out) as f:
            result = render_village_report(
                report_content(summaries, names, code, args.population), options, f
            )
        print(f"已生成 {out}(共 {result.pages} 页) Wrote {out} ({result.pages} pages)")
        return 0
    done = print_village(
        records(),
        total,
        args.out,
        names=names,
        village_code=code,
        include_report=not args.no_report,
        population=args.population,
        options=options,
        progress=_progress_printer(),
        workers=args.jobs if args.jobs else default_workers(total),
    )
    print(
        f"已打印 {done.households} 户，{len(done.files)} 个文件，共 {done.pages} 页"
        f" Printed {done.households} households: {len(done.files)} files, {done.pages} pages"
    )
    return 0


def _progress_printer() -> Callable[[int, int], None]:
    interactive = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if interactive:
            print(
                f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True
            )
        elif done == total or done % 50 == 0:
            print(f"{done}/{total}", file=sys.stderr, flush=True)

    return show


def run_verify(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        household = _find(store, args.household)
        result = verify_fingerprint(_input(store, household), args.fingerprint)
    if result.matches:
        copy = "完整版" if result.copy == "full" else "公示版"
        print(
            f"一致:纸质台账与当前记录相符({copy}) Match: the paper agrees with the record ({result.copy} copy)"
        )
        return 0
    print(
        "不一致：打印后记录已有变化，或这不是该户的台账。当前记录的指纹："
        f"{format_fingerprint(result.full)}（完整版）/{format_fingerprint(result.public)}（公示版）"
        " No match: the record changed since printing, or the paper is not this household's."
    )
    return EXIT_NO_MATCH
