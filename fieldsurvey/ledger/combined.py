"""One file for a whole village: a table of contents, then the parts, with bookmarks.

Each part (the village report, each household's ledger) is rendered to its own temporary file
first, so the page counts are known; the table of contents is rendered next with the page each
part starts on, and the files are joined one after another straight into the target
(``pdf_join.py``) with one bookmark per part, so memory does not grow with the size of the
village. A household's ledger
keeps its own 第 X 页 共 Y 页 so it can still be taken out and filed on its own; every page of
the combined file also says where it is in the whole (全册第 N 页 共 M 页, stamped over the
footer as the parts are joined), which is the page the contents give, so the contents can be
followed on paper.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Spacer

from fieldsurvey.core.errors import Cancelled
from fieldsurvey.ledger.fonts import ensure_fonts
from fieldsurvey.ledger.layout import (
    MARGIN_X,
    PAGE_SIZE,
    PageFurniture,
    build_pdf,
    data_table,
    para,
    styles,
)
from fieldsurvey.ledger.model import (
    DivisionNames,
    LedgerOptions,
    content_fingerprint,
    format_fingerprint,
    qr_payload,
)
from fieldsurvey.ledger.output import atomic_output
from fieldsurvey.ledger.pdf_join import PdfJoiner

TOC_HEADERS = ("序号", "内容", "户编号", "户主", "起始页", "页数", "文档指纹")
TOC_WEIGHTS = (0.6, 1.6, 2.4, 1.4, 0.8, 0.6, 2.2)


@dataclass(frozen=True, slots=True)
class Part:
    """One rendered piece of the combined file, waiting on disk."""

    path: Path
    kind: str  # "report" | "ledger"
    pages: int
    fingerprint: str
    household_no: str = ""
    head: str = ""

    @property
    def bookmark(self) -> str:
        return "村级汇总表" if self.kind == "report" else f"{self.household_no} {self.head}"


@dataclass(frozen=True, slots=True)
class TocContent:
    names: DivisionNames
    village_code: str
    masked: bool
    rows: tuple[tuple[str, ...], ...]


def toc_content(
    parts: Sequence[Part], names: DivisionNames, village_code: str, masked: bool, toc_pages: int
) -> TocContent:
    rows: list[tuple[str, ...]] = []
    page = toc_pages + 1
    for i, part in enumerate(parts, 1):
        what = "村级汇总表" if part.kind == "report" else "扶贫手册"
        rows.append(
            (
                str(i),
                what,
                part.household_no or "—",
                part.head or "—",
                str(page),
                str(part.pages),
                format_fingerprint(part.fingerprint),
            )
        )
        page += part.pages
    return TocContent(names, village_code, masked, tuple(rows))


def render_toc(content: TocContent, options: LedgerOptions) -> tuple[bytes, int]:
    fingerprint = content_fingerprint(content)
    generated = (options.generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    furniture = PageFurniture(
        header_left=f"目录 · {content.names.place}",
        header_right=f"村代码 {content.village_code}",
        generated=generated,
        fingerprint_text=format_fingerprint(fingerprint),
        qr_payload=qr_payload(content.village_code, fingerprint, kind="FSTOC"),
        banner="公示版：证件号码仅显示前6位和后4位" if content.masked else "",
    )
    st = styles()
    title = f"{content.names.village} 一户一本台账汇编"
    flow: list[Any] = [
        para(title, st.title),
        Spacer(1, 4 * mm),
        para(f"{content.names.place}    共 {len(content.rows)} 份", st.subtitle),
        Spacer(1, 6 * mm),
        para("目录", st.heading),
        data_table(TOC_HEADERS, content.rows, TOC_WEIGHTS, right=(4, 5)),
        Spacer(1, 3 * mm),
        para(
            "起始页为全册页码，即每页页脚的“全册第 N 页”；各册自身的“第 X 页 共 Y 页”从 1 起。",
            st.subtitle,
        ),
    ]
    buffer = io.BytesIO()
    pages = build_pdf(
        buffer,
        flow,
        furniture,
        title=title,
        subject=f"一户一本台账汇编 {content.names.place}",
        author=content.names.county,
        keywords=f"fingerprint:{fingerprint}",
    )
    return buffer.getvalue(), pages


def write_combined(
    parts: Sequence[Part],
    target: Path,
    names: DivisionNames,
    village_code: str,
    options: LedgerOptions,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the combined file atomically, one part at a time; return its page count."""
    toc_pages = 1
    for _ in range(5):  # the contents' own length shifts every start page; settle it
        toc_bytes, rendered = render_toc(
            toc_content(parts, names, village_code, options.mask_ids, toc_pages), options
        )
        if rendered == toc_pages:
            break
        toc_pages = rendered
    total_pages = toc_pages + sum(part.pages for part in parts)
    stamps = io.BytesIO(page_stamps(total_pages))
    with atomic_output(target) as f:
        joiner = PdfJoiner(f, stamps=stamps)
        joiner.add(io.BytesIO(toc_bytes), "目录")
        for part in parts:
            if cancelled and cancelled():
                raise Cancelled()
            joiner.add(part.path, part.bookmark)
        joiner.finish(
            {
                "Title": f"{names.village} 一户一本台账汇编",
                "Subject": f"一户一本台账汇编 {names.place}",
                "Author": names.county,
                "Creator": "FieldSurvey",
            }
        )
        total = joiner.page_count
    return total


def whole_file_page(page: int, total: int) -> str:
    return f"全册第 {page} 页 共 {total} 页"


def page_stamps(total: int) -> bytes:
    """``total`` A4 pages, each with only its place in the whole file, beside the footer's own
    第 X 页 共 Y 页 (``layout.FurnishedCanvas`` draws that at the left margin, 21 mm up)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZE, pageCompression=1)
    font = ensure_fonts()
    for page in range(1, total + 1):
        canvas.setFont(font, 9)
        canvas.drawString(MARGIN_X + 48 * mm, 21 * mm, whole_file_page(page, total))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
