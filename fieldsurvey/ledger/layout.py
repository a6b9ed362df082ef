"""Page furniture shared by ledgers and village reports: styles, tables, header and footer.

Every page carries 第 X 页 共 Y 页, the generation time and the document fingerprint as text
and as a QR code, so a single page lifted from a file can still be checked against the record.
The total page count is only known at the end, so the canvas keeps each page's state and draws
the furniture when the document is saved (the usual two-step "numbered canvas").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

from fieldsurvey.ledger.fonts import ensure_fonts

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 28 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
QR_SIZE = 18 * mm
GRID = colors.HexColor("#555555")
HEADER_FILL = colors.HexColor("#E8E8E8")


@dataclass(frozen=True, slots=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    head_cell: ParagraphStyle
    amount_cell: ParagraphStyle
    note: ParagraphStyle


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is None:
        font = ensure_fonts()
        base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
        _styles = Styles(
            title=ParagraphStyle(
                "title", parent=base, fontSize=26, leading=34, alignment=TA_CENTER
            ),
            subtitle=ParagraphStyle(
                "subtitle", parent=base, fontSize=13, leading=18, alignment=TA_CENTER
            ),
            heading=ParagraphStyle(
                "heading", parent=base, fontSize=12.5, leading=17, spaceBefore=8, spaceAfter=4
            ),
            body=base,
            cell=ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
            head_cell=ParagraphStyle(
                "head_cell", parent=base, fontSize=8.5, leading=11, alignment=TA_CENTER
            ),
            amount_cell=ParagraphStyle(
                "amount_cell", parent=base, fontSize=8.5, leading=11, alignment=TA_RIGHT
            ),
            note=ParagraphStyle(
                "note", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#333333")
            ),
        )
    return _styles


def para(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of record text: escaped, because names and findings are not markup."""
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


CELL_PAD = 3


def cell(value: str, width: float, style: ParagraphStyle) -> str | Paragraph:
    """A table cell: plain text when it fits on one line, else a wrapping paragraph.

    Most cells are short (a code label, a date, an amount); drawing those as plain strings
    skips paragraph parsing and line breaking, which is most of a ledger's rendering time.
    """
    room = width - 2 * CELL_PAD - 0.5
    if "\n" not in value and stringWidth(value, style.fontName, style.fontSize) <= room:
        return value
    return para(value, style)


def _cell_commands(font: str, grid: bool = True) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), font, 8.5, 11),
        *([("GRID", (0, 0), (-1, -1), 0.5, GRID)] if grid else []),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]


LINES_PER_ROW = 14  # a cell longer than this many lines continues in a row of its own
BREAKS = "。;;!!??,,、 "


def split_long_row(row: Sequence[str], limits: Sequence[int]) -> list[list[str]]:
    """Rows whose long text continues in rows beneath, so no row is taller than a page.

    reportlab can split a row across pages, but it lays the pieces out poorly; text split
    at a sentence or clause break into rows of a few lines reads like continued handwriting.
    """
    pieces = [_chunks(value, limit) for value, limit in zip(row, limits, strict=True)]
    height = max(len(p) for p in pieces)
    if height == 1:
        return [list(row)]
    return [[p[i] if i < len(p) else "" for p in pieces] for i in range(height)]


def _chunks(value: str, limit: int) -> list[str]:
    out: list[str] = []
    while len(value) > limit:
        cut = max((value.rfind(ch, int(limit * 0.6), limit) for ch in BREAKS), default=-1)
        cut = cut + 1 if cut > 0 else limit
        out.append(value[:cut])
        value = value[cut:]
    out.append(value)
    return out


def first_row_height(rows: Sequence[Sequence[str]], weights: Sequence[float]) -> float:
    """About how tall a table's first row (or its first piece) is, without laying it out.

    A Chinese character is about one em wide, which makes this an upper bound for CJK text.
    """
    if not rows:
        return 0.0
    st = styles()
    total = sum(weights)
    lines = 1
    for value, weight in zip(rows[0], weights, strict=True):
        per_line = max(1, int((FRAME_WIDTH * weight / total - 2 * CELL_PAD) / st.cell.fontSize))
        lines = max(lines, min(LINES_PER_ROW, -(-len(value) // per_line)))
    return lines * st.cell.leading + 5


def data_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    weights: Sequence[float],
    right: Collection[int] = (),
) -> LongTable:
    """A ruled table whose header row repeats on every page it spills onto.

    ``right`` lists the columns holding amounts, set flush right so digits line up.
    """
    st = styles()
    total = sum(weights)
    widths = [FRAME_WIDTH * w / total for w in weights]
    data: list[list[Any]] = [
        [cell(h, w, st.head_cell) for h, w in zip(headers, widths, strict=True)]
    ]
    limits = [int(w / st.cell.fontSize) * LINES_PER_ROW for w in widths]
    continued: list[int] = []  # table rows that carry on the text of the row above
    for row in rows:
        for n, piece in enumerate(split_long_row(row, limits)):
            if n:
                continued.append(len(data))
            data.append(
                [
                    cell(c, widths[i], st.amount_cell if i in right else st.cell)
                    for i, c in enumerate(piece)
                ]
            )
    table = LongTable(data, colWidths=widths, repeatRows=1)
    commands = _cell_commands(st.cell.fontName, grid=not continued)
    if continued:
        # Rule every row except between a row and its continuation, so it reads as one entry.
        commands += [
            ("BOX", (0, 0), (-1, -1), 0.5, GRID),
            ("LINEAFTER", (0, 0), (-2, -1), 0.5, GRID),
        ]
        commands += [
            ("LINEBELOW", (0, r), (-1, r), 0.5, GRID)
            for r in range(len(data) - 1)
            if r + 1 not in continued
        ]
        commands += [("VALIGN", (0, 1), (-1, -1), "TOP")]
    commands += [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
    commands += [("ALIGN", (c, 1), (c, -1), "RIGHT") for c in right]
    table.setStyle(TableStyle(commands))
    return table


def field_grid(fields: Sequence[tuple[str, str]], pairs_per_row: int = 2) -> LongTable:
    """Label/value pairs, two to a row, labels shaded like a paper form."""
    st = styles()
    weights = [1.0, 2.0] * pairs_per_row
    widths = [FRAME_WIDTH * w / sum(weights) for w in weights]
    cells: list[list[Any]] = []
    for i in range(0, len(fields), pairs_per_row):
        row: list[Any] = []
        for label, value in fields[i : i + pairs_per_row]:
            row += [
                cell(label, widths[len(row)], st.head_cell),
                cell(value, widths[len(row) + 1], st.cell),
            ]
        row += [""] * (2 * pairs_per_row - len(row))
        cells.append(row)
    table = LongTable(cells, colWidths=widths, splitInRow=1)
    commands = _cell_commands(st.cell.fontName)
    for c in range(0, 2 * pairs_per_row, 2):
        commands += [
            ("BACKGROUND", (c, 0), (c, -1), HEADER_FILL),
            ("ALIGN", (c, 0), (c, -1), "CENTER"),
        ]
    table.setStyle(TableStyle(commands))
    return table


@dataclass(frozen=True, slots=True)
class PageFurniture:
    """What every page shows around the content."""

    header_left: str
    header_right: str
    generated: str  # "2024-05-01 10:30"
    fingerprint_text: str  # "3F2A-9C1B-0D4E-77AA"
    qr_payload: str
    banner: str = ""  # e.g. the public-copy note, printed under the header


class FurnishedCanvas(Canvas):
    """Defers page furniture to ``save`` so each page can say how many pages there are."""

    # Canvas's own private members, used as its docs' "page x of y" recipe does; the stubs
    # leave them out.
    _pageNumber: int
    _startPage: Callable[[], None]

    def __init__(self, *args: Any, furniture: PageFurniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []
        # A dict, not a bool: ``save`` restores each page's __dict__, and a shared object
        # survives that, so the QR form is defined exactly once per document.
        self._qr_state = {"ready": False}

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_furniture(total)
            super().showPage()
        self.page_total = total
        super().save()

    def _draw_furniture(self, total: int) -> None:
        f = self._furniture
        font = ensure_fonts()
        width, height = PAGE_SIZE
        self.saveState()
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        top = height - 14 * mm
        self.setFont(font, 8.5)
        self.drawString(MARGIN_X, top, f.header_left)
        self.drawRightString(width - MARGIN_X, top, f.header_right)
        self.line(MARGIN_X, top - 2.5 * mm, width - MARGIN_X, top - 2.5 * mm)
        if f.banner:
            self.setFont(font, 8)
            self.drawCentredString(width / 2, top - 6.5 * mm, f.banner)
        bottom = 10 * mm
        self.line(
            MARGIN_X,
            bottom + QR_SIZE + 1.5 * mm,
            width - MARGIN_X - QR_SIZE - 3 * mm,
            bottom + QR_SIZE + 1.5 * mm,
        )
        self.setFont(font, 9)
        self.drawString(MARGIN_X, bottom + 11 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
        self.setFont(font, 7.5)
        self.drawString(MARGIN_X, bottom + 6 * mm, f"生成时间：{f.generated}")
        self.drawString(MARGIN_X, bottom + 1.5 * mm, f"文档指纹：{f.fingerprint_text}")
        self._draw_qr(width - MARGIN_X - QR_SIZE, bottom)
        self.restoreState()

    def _draw_qr(self, x: float, y: float) -> None:
        # Drawn once into a form XObject and placed on every page: smaller and faster than
        # repeating the modules on each page.
        if not self._qr_state["ready"]:
            self.beginForm("ledger_qr")
            draw_qr(self, self._furniture.qr_payload, QR_SIZE)
            self.endForm()
            self._qr_state["ready"] = True
        self.saveState()
        self.translate(x, y)
        self.doForm("ledger_qr")
        self.restoreState()


def draw_qr(canvas: Canvas, payload: str, size: float, border: int = 2) -> None:
    """Draw a QR code of ``payload`` in a ``size`` square at the origin.

    reportlab's encoder makes the module matrix; the modules are drawn as one filled path of
    horizontal runs, which is many times faster than the widget's one shape per run.
    """
    widget = QrCodeWidget(payload, barLevel="M")
    code = widget.qr  # type: ignore[attr-defined]  # set in __init__, absent from the stubs
    # Any of the eight mask patterns gives a valid code; scoring all eight to pick the "best"
    # (what ``make()`` does) costs a third of a ledger's rendering time for no gain in reading.
    if code.version is None:
        code.version = code.calculate_version()
    code.makeImpl(False, 0)
    count = code.getModuleCount()
    box = size / (count + 2 * border)
    path = canvas.beginPath()
    for r, row in enumerate(code.modules):
        c = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            n = sum(1 for _ in run)
            if dark:
                path.rect((c + border) * box, size - (r + border + 1) * box, n * box, box)
            c += n
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class CanvasMaker:
    """A ``canvasmaker`` for ``doc.build`` that remembers the canvas, to read the page count."""

    def __init__(self, furniture: PageFurniture) -> None:
        self.furniture = furniture
        self.canvas: FurnishedCanvas | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> FurnishedCanvas:
        self.canvas = FurnishedCanvas(*args, furniture=self.furniture, **kwargs)
        return self.canvas

    @property
    def page_total(self) -> int:
        return getattr(self.canvas, "page_total", 0)


def build_pdf(
    out: BinaryIO,
    flowables: list[Any],
    furniture: PageFurniture,
    *,
    title: str,
    subject: str,
    author: str,
    keywords: str = "",
) -> int:
    """Lay ``flowables`` out on A4 with the page furniture; return the page count."""
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        subject=subject,
        author=author,
        creator="FieldSurvey",
        keywords=keywords,  # type: ignore[arg-type]  # a string, as canvas.setKeywords wants
        # Start in the CJK font so no unembedded base-14 font is listed in the file.
        initialFontName=ensure_fonts(),
        initialFontSize=9,
    )
    maker = CanvasMaker(furniture)
    doc.build(flowables, canvasmaker=maker)
    return maker.page_total
