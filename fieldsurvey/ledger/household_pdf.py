"""Lay out one household's ledger: cover, the ten sections, signatures.

Input is ``LedgerContent`` (everything already labelled and masked); this module only decides
how it looks on A4.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from fieldsurvey.ledger.content import LEDGER_TITLE, build_content
from fieldsurvey.ledger.layout import (
    FRAME_WIDTH,
    GRID,
    PageFurniture,
    build_pdf,
    data_table,
    field_grid,
    first_row_height,
    para,
    styles,
)
from fieldsurvey.ledger.model import (
    LedgerContent,
    LedgerInput,
    LedgerOptions,
    PhotoContent,
    Section,
    format_fingerprint,
    qr_payload,
)

PUBLIC_COPY_NOTE = "公示版：证件号码仅显示前6位和后4位"

# Relative column widths per table key (the income tables are sized in ``_columns``).
COLUMN_WEIGHTS: dict[str, tuple[float, ...]] = {
    "members": (0.6, 1.9, 1.3, 0.6, 0.8, 2.6, 1.1, 1.3, 1.4),
    "member_support": (0.6, 1.5, 1.1, 1.2, 1.3, 1.5, 0.8, 0.8, 0.8, 0.8, 0.8, 1.1),
    "helpers": (1.3, 0.6, 2.6, 1.0, 1.6, 2.4, 0.9),
    "guarantees": (1.4, 6.0, 1.2),
    "measures": (1.6, 3.2, 0.7, 1.4, 1.2, 1.3, 0.9),
    "results": (1.6, 2.8, 5.0),
    "visits": (1.3, 1.3, 7.0),
    "assessment": (1.6, 1.2, 6.4),
    "member_more": (0.6, 1.5, 1.2, 1.0, 1.0, 1.2, 3.4),
    "reimbursement": (0.9, 1.3, 1.1, 1.3, 1.3, 1.2, 0.8, 1.6),
}
# Columns holding amounts (flush right); every column after the first in the income table.
AMOUNT_COLUMNS: dict[str, tuple[int, ...]] = {"measures": (4,), "reimbursement": (3, 4, 5)}


@dataclass(frozen=True, slots=True)
class RenderResult:
    pages: int
    fingerprint: str


def render_household(inp: LedgerInput, options: LedgerOptions, out: BinaryIO) -> RenderResult:
    """Write one household's ledger PDF to ``out`` and say how many pages it has."""
    content = build_content(inp, masked=options.mask_ids, policy=options.policy)
    return render_content(content, options, out, images={p.sha256: p.jpeg for p in inp.photos})


def render_content(
    content: LedgerContent,
    options: LedgerOptions,
    out: BinaryIO,
    images: Mapping[str, bytes] | None = None,
) -> RenderResult:
    fingerprint = content.fingerprint()
    generated = (options.generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    furniture = PageFurniture(
        header_left=f"{LEDGER_TITLE} · {content.names.place}",
        header_right=f"户编号 {content.household_no} 户主 {content.head_name}",
        generated=generated,
        fingerprint_text=format_fingerprint(fingerprint),
        qr_payload=qr_payload(content.household_no, fingerprint),
        banner=PUBLIC_COPY_NOTE if content.masked else "",
    )
    pages = build_pdf(
        out,
        story(content, generated, images or {}),
        furniture,
        title=f"{LEDGER_TITLE} 户编号 {content.household_no}",
        subject=f"一户一本台账 {content.names.place}",
        author=content.names.county,
        keywords=f"fingerprint:{fingerprint}",
    )
    return RenderResult(pages, fingerprint)


def story(
    content: LedgerContent, generated: str, images: Mapping[str, bytes] | None = None
) -> list[Any]:
    images = images or {}
    flow: list[Any] = cover(content, generated, images)
    for section in content.sections:
        flow += section_flow(section, images)
    flow += signatures()
    return flow


def photo_flowable(photo: PhotoContent, data: bytes, box_w: float, box_h: float) -> Any:
    """The JPEG as stored (reportlab embeds it as is, DCTDecode), scaled into the box."""
    w, h = photo.width, photo.height
    if not (w and h):
        from reportlab.lib.utils import ImageReader

        w, h = ImageReader(io.BytesIO(data)).getSize()
    scale = min(box_w / w, box_h / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale)


def _caption_style() -> ParagraphStyle:
    return ParagraphStyle("photo_caption", parent=styles().note, alignment=TA_CENTER)


def photo_grid(photos: tuple[PhotoContent, ...], images: Mapping[str, bytes]) -> list[Any]:
    """Two pictures a row, each with its caption and date under it."""
    cells = [
        [
            photo_flowable(p, images[p.sha256], FRAME_WIDTH * 0.46, 62 * mm),
            para(p.caption, _caption_style()),
        ]
        for p in photos
        if p.sha256 in images
    ]
    if not cells:
        return []
    rows = [
        cells[i : i + 2] + ([""] if len(cells[i : i + 2]) == 1 else [])
        for i in range(0, len(cells), 2)
    ]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.5, FRAME_WIDTH * 0.5])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [Spacer(1, 2 * mm), table]


def cover(
    content: LedgerContent, generated: str, images: Mapping[str, bytes] | None = None
) -> list[Any]:
    st = styles()
    images = images or {}
    photo = content.cover_photo
    shown = photo is not None and photo.sha256 in images
    flow: list[Any] = [
        Spacer(1, (12 if shown else 30) * mm),
        para("扶贫手册", st.title),
        Spacer(1, 4 * mm),
        para("一户一本台账", st.subtitle),
        Spacer(1, (6 if shown else 22) * mm),
    ]
    if shown:
        assert photo is not None
        flow += [
            photo_flowable(photo, images[photo.sha256], FRAME_WIDTH * 0.6, 58 * mm),
            para(photo.caption, _caption_style()),
            Spacer(1, 4 * mm),
        ]
    rows = [[para(label, st.subtitle), para(value, st.subtitle)] for label, value in content.cover]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.32, FRAME_WIDTH * 0.5], hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), st.body.fontName, 13),
                ("LINEBELOW", (1, 0), (1, -1), 0.6, GRID),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    flow += [table, Spacer(1, (8 if shown else 25) * mm)]
    if content.masked:
        flow.append(para(PUBLIC_COPY_NOTE, st.subtitle))
    flow += [
        para(f"填发单位：{content.names.county}", st.subtitle),
        para(f"打印日期：{generated[:10]}", st.subtitle),
        PageBreak(),
    ]
    return flow


def section_flow(section: Section, images: Mapping[str, bytes] | None = None) -> list[Any]:
    st = styles()
    # Start the section on a new page unless its heading and first rows fit here.
    needed = 40 * mm
    if section.tables and not section.fields:
        table = section.tables[0]
        needed = max(
            needed,
            20 * mm + first_row_height(table.rows, _columns(table.key, len(table.headers))[0]),
        )
    flow: list[Any] = [CondPageBreak(needed), para(section.title, st.heading)]
    if section.fields:
        flow += [field_grid(section.fields), Spacer(1, 2 * mm)]
    for table in section.tables:
        weights, right = _columns(table.key, len(table.headers))
        flow += [data_table(table.headers, table.rows, weights, right), Spacer(1, 2 * mm)]
    flow += [para(note, st.note) for note in section.notes]
    if section.photos:
        flow += photo_grid(section.photos, images or {})
    return flow


def _columns(key: str, count: int) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """Column weights and amount columns; the income tables have one column per year."""
    if key == "income":
        return (2.2,) + (1.0,) * (count - 1), tuple(range(1, count))
    if key == "income_items":
        return (2.2,) + (1.0,) * (count - 2) + (0.7,), tuple(range(1, count - 1))
    weights = COLUMN_WEIGHTS.get(key) or (1.0,) * count
    return weights, AMOUNT_COLUMNS.get(key, ())


def signatures() -> list[Any]:
    st = styles()
    rows = [
        [
            para(who, st.body),
            para("签字：______________________", st.body),
            para("日期：______年____月____日", st.body),
        ]
        for who in ("户主", "帮扶责任人", "驻村第一书记")
    ]
    table = Table(rows, colWidths=[FRAME_WIDTH * 0.22, FRAME_WIDTH * 0.42, FRAME_WIDTH * 0.36])
    table.setStyle(
        TableStyle(
            [("FONT", (0, 0), (-1, -1), st.body.fontName, 9.5), ("TOPPADDING", (0, 0), (-1, -1), 9)]
        )
    )
    intro = para("以上内容经核对属实，户主对帮扶措施及帮扶成效予以确认。", st.body)
    return [
        KeepTogether(
            [Spacer(1, 6 * mm), para("十二、签字确认", st.heading), intro, Spacer(1, 3 * mm), table]
        )
    ]
