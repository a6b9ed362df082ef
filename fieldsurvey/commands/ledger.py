"""``fieldsurvey ledger``: print household ledgers and village reports, and check a printed page.

    fieldsurvey ledger --household NO --out FILE.pdf [--mask-ids]
    fieldsurvey ledger --village CODE --out DIR | FILE.pdf [--mask-ids] [--no-report]
    fieldsurvey ledger --village CODE --report-only --out FILE.pdf [--population N]
    fieldsurvey ledger verify --household NO --fingerprint XXXX-XXXX-XXXX-XXXX

``verify`` exits 0 when the fingerprint matches the record, 1 when it does not.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from fieldsurvey.commands.common import add_data_dir, add_unlock_options


def _deferred(name: str) -> Callable[[argparse.Namespace], int]:
    """A handler that imports the printing code (reportlab, pypdf) only when it runs."""

    def handler(args: argparse.Namespace) -> int:
        from fieldsurvey.commands import ledger_run

        result: int = getattr(ledger_run, name)(args)
        return result

    return handler


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
    target.add_argument(
        "--village", metavar="CODE", help="print every household of this village (12-digit code)"
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="a .pdf file, or a folder (one file per household when printing a village)",
    )
    p.add_argument(
        "--mask-ids",
        action="store_true",
        help="public copy (公示): ID numbers show only their first 6 and last 4 characters",
    )
    p.add_argument("--no-report", action="store_true", help="village: leave out the village report")
    p.add_argument(
        "--report-only", action="store_true", help="village: print only the village report"
    )
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="village: render on N processes (default: one per core, up to 4, for 30 households or more)",
    )
    p.add_argument(
        "--population",
        type=int,
        metavar="N",
        help="village population for poverty incidence (default: people of the households listed)",
    )
    p.set_defaults(handler=_deferred("run"))

    verbs = p.add_subparsers(
        dest="ledger_command", metavar="verify", title="checking a printed page"
    )
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
    v.add_argument(
        "--household", metavar="NO", required=True, help="the household number printed on the page"
    )
    v.add_argument(
        "--fingerprint", metavar="XXXX", required=True, help="the fingerprint printed on the page"
    )
    v.set_defaults(handler=_deferred("run_verify"))
