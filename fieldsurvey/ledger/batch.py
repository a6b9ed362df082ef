"""Printing to disk: one household, or a whole village with progress and cancel.

A village streams: each household's ledger is rendered and written before the next record is
read (or, on several processes, a couple per process at a time), so memory does not grow with
the number of households. Everything is written into a
hidden staging folder next to the target (private to the user) and moved into place only when
the whole village is done, so a cancelled or failed run leaves no partial files and never
replaces earlier prints with half a set; an earlier print held open by a PDF viewer (Windows)
stops the run before any file is replaced.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.core.private_files import make_private_folder
from fieldsurvey.core.text import Text
from fieldsurvey.ledger.combined import Part, write_combined
from fieldsurvey.ledger.household_pdf import RenderResult, render_household
from fieldsurvey.ledger.model import DivisionNames, LedgerInput, LedgerOptions
from fieldsurvey.ledger.output import atomic_output, replace_all, sync_folder
from fieldsurvey.ledger.pipeline import open_private, render_all
from fieldsurvey.ledger.village_report import (
    HouseholdSummary,
    render_village_report,
    report_content,
)

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


@dataclass(slots=True)
class VillagePrintResult:
    files: list[Path] = field(default_factory=list)
    households: int = 0
    pages: int = 0


def print_household(
    inp: LedgerInput, target: Path, options: LedgerOptions | None = None
) -> RenderResult:
    """Render one ledger straight into ``target`` (atomically, mode 0600)."""
    target = Path(target)
    _check_folder(target.parent)
    with atomic_output(target) as f:
        return render_household(inp, options or LedgerOptions(), f)


def ledger_file_name(household_no: str, masked: bool) -> str:
    """``<household number>.pdf``; anything but letters, digits, ``-`` and ``_`` becomes ``_``.

    The number comes from data, so a slash or dots in it must not reach another folder.
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in household_no.strip()) or "_"
    return f"{safe}{'-公示' if masked else ''}.pdf"


def report_file_name(village_code: str, masked: bool) -> str:
    return f"{village_code}-村级汇总{'-公示' if masked else ''}.pdf"


def print_village(
    inputs: Iterable[LedgerInput],
    total: int,
    out: Path,
    *,
    names: DivisionNames,
    village_code: str,
    combined: bool | None = None,
    include_report: bool = True,
    population: int | None = None,
    options: LedgerOptions | None = None,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
    workers: int = 1,
) -> VillagePrintResult:
    """Print every household of a village.

    ``out`` is a folder (one file per household, plus the village report) or, when it ends in
    ``.pdf`` or ``combined`` is true, one file with a table of contents and bookmarks.
    ``progress(done, total)`` is called after each household; ``cancelled()`` is polled before
    each, and a true answer raises ``Cancelled`` with nothing left on disk. ``workers`` > 1
    renders on that many processes (see ``pipeline.py`` and ``default_workers``).
    """
    options = options or LedgerOptions()
    out = Path(out)
    if combined is None:
        combined = out.suffix.lower() == ".pdf"
    folder = out.parent if combined else out
    if not combined:
        folder.mkdir(parents=True, exist_ok=True)
    _check_folder(folder)
    result = VillagePrintResult()
    summaries: list[HouseholdSummary] = []
    parts: list[Part] = []
    with _staging(folder) as staging:
        done = 0
        rendered_parts = render_all(
            inputs,
            lambda inp: ledger_file_name(inp.household.household_no, options.mask_ids),
            staging,
            options,
            durable=not combined,
            workers=workers,
            cancelled=cancelled,
        )
        with contextlib.closing(rendered_parts):  # stop the workers before the folder goes
            for item in rendered_parts:
                summaries.append(item.summary)
                parts.append(
                    Part(
                        item.path,
                        "ledger",
                        item.pages,
                        item.fingerprint,
                        item.summary.household_no,
                        item.summary.head,
                    )
                )
                done += 1
                result.pages += item.pages
                if progress:
                    progress(done, max(total, done))
        if not parts:
            raise UserError(
                Text("该村没有可打印的户", "this village has no households to print"),
                code="nothing_to_print",
            )
        if cancelled and cancelled():
            raise Cancelled()
        result.households = done
        if include_report:
            path = staging / report_file_name(village_code, options.mask_ids)
            with open_private(path, durable=not combined) as f:
                rendered = render_village_report(
                    report_content(summaries, names, village_code, population), options, f
                )
            parts.insert(0, Part(path, "report", rendered.pages, rendered.fingerprint))
        if combined:
            result.pages = write_combined(parts, out, names, village_code, options, cancelled)
            result.files = [out]
        else:
            result.pages = sum(p.pages for p in parts)
            moves = [(part.path, folder / part.path.name) for part in parts]
            aside = staging / ".replaced"
            aside.mkdir()
            replace_all(moves, aside)  # all or none: a PDF held open by a viewer stops it first
            result.files = [target for _, target in moves]
            sync_folder(folder)
    return result


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise UserError(
            Text("输出文件夹不存在", "the output folder does not exist"), code="no_folder"
        )


@contextlib.contextmanager
def _staging(folder: Path) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=".ledger-printing-", dir=folder))
    try:
        make_private_folder(path)  # on Windows the ledgers made in it inherit its access list
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
