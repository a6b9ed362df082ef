"""Joining PDFs into one streamed file: pages, text, bookmarks, links, and a valid structure."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from fieldsurvey.ledger import LedgerOptions, render_household
from fieldsurvey.ledger.pdf_join import PdfJoiner
from fieldsurvey.ledger.samples import make_input


def ledger_bytes(seed: int) -> bytes:
    buffer = io.BytesIO()
    render_household(make_input(seed), LedgerOptions(), buffer)
    return buffer.getvalue()


def linked_document() -> bytes:
    """Two pages; the first has a link to the second (the link must follow the page)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 700, "page one: see page two")
    canvas.linkRect("", "second", (72, 690, 300, 712))
    canvas.showPage()
    canvas.bookmarkPage("second")
    canvas.drawString(72, 700, "page two")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_joined_file_has_every_page_and_bookmark(tmp_path: Path) -> None:
    parts = [ledger_bytes(seed) for seed in range(3)]
    out = tmp_path / "joined.pdf"
    with out.open("wb") as f:
        joiner = PdfJoiner(f)
        for i, data in enumerate(parts):
            assert joiner.add(io.BytesIO(data), f"第{i + 1}户") == len(
                PdfReader(io.BytesIO(data)).pages
            )
        joiner.finish({"Title": "合订本", "Author": "测试县"})
    reader = PdfReader(out, strict=True)
    expected = [page.extract_text() for data in parts for page in PdfReader(io.BytesIO(data)).pages]
    assert [page.extract_text() for page in reader.pages] == expected
    assert reader.metadata is not None and reader.metadata.title == "合订本"
    assert reader.metadata.author == "测试县"

    pdf = pdfium.PdfDocument(out)
    try:
        toc = [(b.get_title(), b.get_dest().get_index()) for b in pdf.get_toc()]
        assert len(pdf) == len(expected)
    finally:
        pdf.close()
    starts = [0]
    for data in parts[:-1]:
        starts.append(starts[-1] + len(PdfReader(io.BytesIO(data)).pages))
    assert toc == [(f"第{i + 1}户", start) for i, start in enumerate(starts)]


def test_links_point_at_the_copied_pages(tmp_path: Path) -> None:
    out = tmp_path / "links.pdf"
    with out.open("wb") as f:
        joiner = PdfJoiner(f)
        joiner.add(io.BytesIO(ledger_bytes(1)))
        joiner.add(io.BytesIO(linked_document()), "with a link")
        joiner.finish({"Title": "links"})
    reader = PdfReader(out, strict=True)
    offset = len(reader.pages) - 2
    first = reader.pages[offset]
    annotation = first["/Annots"][0].get_object()
    destination = annotation["/Dest"] if "/Dest" in annotation else annotation["/A"]["/D"]
    target = destination[0]
    assert reader.get_page_number(reader.get_object(target.idnum)) == offset + 1
    assert "page two" in reader.pages[offset + 1].extract_text()


def test_nothing_joined_is_still_a_readable_file(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    with out.open("wb") as f:
        PdfJoiner(f).finish({"Title": "空"})
    assert len(PdfReader(out, strict=True).pages) == 0
