"""Checking an Excel workbook's bounds before openpyxl inflates anything.

An .xlsx is a zip of XML parts, and openpyxl trusts it: a 64 MB upload can unpack to gigabytes
(a zip bomb), hold one 200 MB shared string (read whole into memory), declare a million rows
openpyxl then pads out, put half a million cells in one row (openpyxl builds the row whole: about
900 bytes per cell), or list a million empty parts (every ``ZipInfo`` is kept). ``check_workbook``
refuses such a file with one sentence, within seconds and in bounded memory, in this order:

1. the zip's end record (read before ``ZipFile`` lists anything): at most ``members`` parts and a
   central directory of at most ``directory`` bytes;
2. every part's declared size (``ZipInfo.file_size``, which ``zipfile`` also enforces when it
   inflates) against ``sheet``, all of them against ``total``, and each part's compression ratio
   against ``ratio`` (deflate bombs reach 1000:1; real workbooks 5–20:1);
3. the parts openpyxl reads whole — everything except the worksheets the workbook lists, found
   with openpyxl's own manifest and workbook readers so the classification is openpyxl's —
   against ``part``;
4. the worksheets and the shared strings, scanned with expat a block at a time before openpyxl
   parses them: rows (and the row numbers openpyxl would pad up to) against ``rows``, cells in a
   row against ``cells_per_row`` (Excel's own 16,384 columns), the XML of one row (or of any
   other element openpyxl builds whole) against ``row_bytes``, one shared string against
   ``string_bytes``, and no DOCTYPE (no workbook has one; entity expansion starts there).

Only then may the caller hand the file to openpyxl (which, with defusedxml installed, also
refuses entity declarations). Workbook bounds differ by use (a county roster, a laptop's roster,
an XLSForm), so each caller passes its own ``WorkbookLimits``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, checked_size, size_text, too_large
from fieldsurvey.core.text import Text

_BLOCK = MIB
_RATIO_FLOOR = MIB  # parts smaller than this may compress better (styles, themes): no ratio check


@dataclass(frozen=True, slots=True)
class WorkbookLimits:
    file: int  # the .xlsx itself
    sheet: int  # one worksheet, unpacked (openpyxl streams it row by row)
    part: int  # any other part, unpacked (openpyxl holds it whole: shared strings, styles …)
    total: int  # all parts, unpacked
    rows: int  # rows in one worksheet
    members: int = 1000
    directory: int = MIB
    ratio: int = 100
    cells_per_row: int = 16_384  # Excel's own column limit
    row_bytes: int = 16 * MIB  # one row (or what precedes or follows the rows) as XML
    string_bytes: int = 256 * 1024  # one shared string as XML (Excel allows 32,767 characters)


class WorkbookError(UserError):
    pass


def _invalid(what: Text) -> WorkbookError:
    return WorkbookError(
        Text(f"不是有效的 {what.zh}", f"not a valid {what.en}"), code="bad_workbook"
    )


def _too_large(zh: str, en: str) -> WorkbookError:
    return WorkbookError(
        Text(f"Excel 文件超出限制:{zh}", f"the Excel file is beyond the limits: {en}"),
        code="workbook_too_large",
    )


def check_workbook(source: Path | bytes, limits: WorkbookLimits, what: Text) -> None:
    """Raise a ``UserError`` unless ``source`` (a path or the file's bytes) is a workbook within ``limits``."""
    if isinstance(source, Path):
        checked_size(source, limits.file, what)
        with open(source, "rb") as f:
            _check(f, limits, what)
    else:
        if len(source) > limits.file:
            raise too_large("Excel", what, limits.file)
        _check(io.BytesIO(source), limits, what)


def _check(f: IO[bytes], limits: WorkbookLimits, what: Text) -> None:
    try:
        # The end record only, before ZipFile builds a ZipInfo per part. zipfile's own reader of it
        # (private, unchanged since Python 2); the part-count test fails loudly should it go.
        end = zipfile._EndRecData(f)  # type: ignore[attr-defined]  # private, see above
    except OSError:
        end = None
    if end is None:
        raise _invalid(what)
    entries = end[zipfile._ECD_ENTRIES_TOTAL]  # type: ignore[attr-defined]
    size = end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if entries > limits.members or size > limits.directory:
        raise _too_large(
            f"部件过多（最多{limits.members}个）", f"too many parts (at most {limits.members})"
        )
    try:
        with zipfile.ZipFile(f) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            _sizes(infos, limits)
            sheets, strings = _classify(zf, infos, limits, what)
            for name, info in infos.items():
                if name not in sheets and info.file_size > limits.part:
                    raise _too_large(
                        f"部件 {name[:80]} 解压后超过 {size_text(limits.part)}",
                        f"the part {name[:80]} unpacks to more than {size_text(limits.part)}",
                    )
            for name in sheets:
                _scan(zf, name, _SheetScan, limits, what)
            if strings is not None:
                _scan(zf, strings, _StringsScan, limits, what)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        EOFError,
        OSError,
        ValueError,
        KeyError,
    ) as e:  # damaged, encrypted or of an unknown compression
        raise _invalid(what) from e


def _sizes(infos: dict[str, zipfile.ZipInfo], limits: WorkbookLimits) -> None:
    total = 0
    for name, info in infos.items():
        total += info.file_size
        if info.file_size > limits.sheet:
            raise _too_large(
                f"部件 {name[:80]} 解压后超过 {size_text(limits.sheet)}",
                f"the part {name[:80]} unpacks to more than {size_text(limits.sheet)}",
            )
        if total > limits.total:
            raise _too_large(
                f"解压后共超过 {size_text(limits.total)}",
                f"it unpacks to more than {size_text(limits.total)} in all",
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            raise _too_large(
                f"部件 {name[:80]} 的压缩比异常（疑似压缩炸弹）",
                f"the part {name[:80]} is compressed beyond any real workbook (a zip bomb)",
            )


def _classify(
    zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], limits: WorkbookLimits, what: Text
) -> tuple[set[str], str | None]:
    """The worksheets openpyxl will stream, and the shared strings part, as openpyxl finds them."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_rels_path
    from openpyxl.reader.excel import _find_workbook_part  # type: ignore[attr-defined]  # private
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    def small(name: str) -> str:
        info = infos.get(name)
        if info is None:
            raise _invalid(what)
        if info.file_size > limits.part:
            raise _too_large(
                f"部件 {name[:80]} 解压后超过 {size_text(limits.part)}",
                f"the part {name[:80]} unpacks to more than {size_text(limits.part)}",
            )
        return name

    try:
        content_types = fromstring(zf.read(small(ARC_CONTENT_TYPES)))
        # The stubs type from_tree's node as their own protocol; openpyxl passes fromstring's.
        manifest = Manifest.from_tree(content_types)  # type: ignore[arg-type]
        if manifest is None:
            raise _invalid(what)
        part = _find_workbook_part(manifest)
        workbook = small(part.PartName[1:])
        rels = get_rels_path(workbook)
        if rels in infos:
            small(rels)
        parser = WorkbookParser(zf, workbook, keep_links=False)
        parser.parse()
        targets = [(rel.Type or "", rel.target) for _sheet, rel in parser.find_sheets()]
    except WorkbookError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a damaged package
        raise _invalid(what) from e
    shared = manifest.find(SHARED_STRINGS)
    strings = shared.PartName[1:] if shared is not None and shared.PartName[1:] in infos else None
    read_whole = {ARC_CONTENT_TYPES, workbook, rels, strings}
    sheets = {t for kind, t in targets if "chartsheet" not in kind and t in infos} - read_whole
    sheets -= {t for kind, t in targets if "chartsheet" in kind}
    return sheets, strings


class _SheetScan:
    """Expat start handler for a worksheet: measures what openpyxl will build, refuses past a bound.

    openpyxl streams a worksheet but builds each row whole (and each element after the rows, such
    as ``<mergeCells>``, whole). Only element starts are watched — one Python call per element;
    an end handler as well would double the time — so sizes are byte spans between consecutive
    ``<row>`` starts, plus the head before the first row and the tail after the last, each held
    to ``row_bytes``: an upper bound of what openpyxl holds at once.
    """

    def __init__(self, parser: Any, limits: WorkbookLimits) -> None:
        self.parser, self.limits = parser, limits
        self.rows = self.cells = self.row_start = 0
        self.cells_per_row, self.row_bytes = limits.cells_per_row, limits.row_bytes

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "c" or name.endswith(":c"):
            self.cells += 1
            if self.cells > self.cells_per_row:
                raise _too_large(
                    f"一行超过{self.cells_per_row}个单元格",
                    f"a row has more than {self.cells_per_row} cells",
                )
        elif name == "row" or name.endswith(":row"):
            self.next_row(attrs.get("r", ""))

    def next_row(self, number: str) -> None:
        self.span(self.parser.CurrentByteIndex)
        self.rows += 1
        self.cells = 0
        if self.rows > self.limits.rows or (number.isdigit() and int(number) > self.limits.rows):
            raise _too_large(f"行数超过{self.limits.rows}", f"more than {self.limits.rows} rows")

    def span(self, index: int) -> None:
        if index - self.row_start > self.row_bytes:
            raise _too_large(
                f"一行（或表头、表尾）超过 {size_text(self.row_bytes)}",
                f"a row (or what precedes or follows the rows) takes more than {size_text(self.row_bytes)}",
            )
        self.row_start = index

    def finish(self) -> None:
        self.span(self.parser.CurrentByteIndex)


class _StringsScan(_SheetScan):
    """The shared strings, all kept by openpyxl: each ``<si>`` held to ``string_bytes``."""

    def __init__(self, parser: Any, limits: WorkbookLimits) -> None:
        super().__init__(parser, limits)
        self.row_bytes = limits.string_bytes

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si" or name.endswith(":si"):
            self.span(self.parser.CurrentByteIndex)

    def span(self, index: int) -> None:
        if index - self.row_start > self.row_bytes:
            raise _too_large(
                f"一个共享字符串超过 {size_text(self.row_bytes)}",
                f"a shared string takes more than {size_text(self.row_bytes)}",
            )
        self.row_start = index


def _refuse_doctype(*_args: Any) -> None:
    raise _too_large("含有 DOCTYPE 声明", "it declares a DOCTYPE (no workbook does)")


def _scan(
    zf: zipfile.ZipFile, name: str, kind: type[_SheetScan], limits: WorkbookLimits, what: Text
) -> None:
    parser = expat.ParserCreate()
    scan = kind(parser, limits)
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = _refuse_doctype
    try:
        with zf.open(name) as src:
            while block := src.read(_BLOCK):
                parser.Parse(block, False)
            parser.Parse(b"", True)
        scan.finish()
    except expat.ExpatError as e:
        raise _invalid(what) from e
