"""Join PDFs into one file written as it goes, so memory stays flat however many are joined.

pypdf's ``PdfWriter`` keeps every object of every appended document in memory until the end
(about 0.3 MB per household ledger), so a village of a thousand households would need
hundreds of megabytes. Here pypdf still does all the parsing and serialising: each part is
read with ``PdfReader``, its objects are renumbered and written out with pypdf's own
``write_to_stream``, and the reader is dropped before the next part. This module only frames
the objects (``N 0 obj … endobj``) and writes the page tree, the bookmarks, the document
information and the cross-reference table at the end (PDF 1.7, ISO 32000-1 §7.5).

Stamps: given a second PDF with one page per page of the result (the combined file's own page
numbers, drawn by reportlab), page k of it is laid over page k as a form XObject (§8.10): the
page's content is wrapped in q … Q so nothing it leaves set moves the stamp, and the stamp's
font is written once for all pages.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


STAMP_NAME = "/FSPageStamp"


class _Copier:
    """Renumbers one reader's objects into the joined file and writes them as they are reached."""

    def __init__(self, joiner: PdfJoiner, reader: PdfReader) -> None:
        self.joiner = joiner
        self.reader = reader
        self.mapping: dict[int, int] = {}
        self.pending: list[int] = []

    def ref(self, old: IndirectObject) -> IndirectObject:
        if old.idnum not in self.mapping:
            self.mapping[old.idnum] = self.joiner._reserve()
            self.pending.append(old.idnum)
        return IndirectObject(self.mapping[old.idnum], 0, None)

    def convert(self, obj: Any) -> Any:
        # In place: the reader's objects are used once and dropped with the reader.
        if isinstance(obj, IndirectObject):
            return self.ref(obj)
        if isinstance(obj, dict):
            for key, value in list(dict.items(obj)):
                dict.__setitem__(obj, key, self.convert(value))
        elif isinstance(obj, list):
            for i, value in enumerate(list.__iter__(obj)):
                list.__setitem__(obj, i, self.convert(value))
        return obj

    def flush(self) -> None:
        while self.pending:
            old = self.pending.pop()
            self.joiner._write(self.mapping[old], self.convert(self.reader.get_object(old)))


class PdfJoiner:
    """Append whole documents page by page; call ``finish`` once to close the file."""

    def __init__(self, out: BinaryIO, stamps: Path | BinaryIO | None = None) -> None:
        self._out = out
        self._start = out.tell()
        self._offsets: dict[int, int] = {}
        self._last_id = 0
        self._pages_id = self._reserve()
        self._page_refs: list[IndirectObject] = []
        self._info_text = ""
        self._bookmarks: list[tuple[str, IndirectObject]] = []
        out.write(HEADER)
        self._stamps: _Copier | None = None
        self._stamp_streams: tuple[IndirectObject, IndirectObject] | None = None
        if stamps is not None:
            self._stamps = _Copier(self, PdfReader(stamps))
            before, after = self._reserve(), self._reserve()
            self._write(before, _stream(b"q\n"))
            self._write(after, _stream(f"Q q {STAMP_NAME} Do Q\n".encode()))
            self._stamp_streams = (IndirectObject(before, 0, None), IndirectObject(after, 0, None))

    @property
    def page_count(self) -> int:
        return len(self._page_refs)

    def add(self, source: Path | BinaryIO, bookmark: str | None = None) -> int:
        """Copy every page of ``source``; a bookmark, if given, opens its first page."""
        reader = PdfReader(source)
        copier = _Copier(self, reader)
        first = len(self._page_refs)
        pages = list(reader.pages)
        # Number the pages first, so anything pointing at a page (a link) finds the copy.
        for page in pages:
            copier.mapping[_object_number(page)] = self._reserve()
        for page in pages:
            new_ref = IndirectObject(copier.mapping[_object_number(page)], 0, None)
            dict.pop(page, "/Parent", None)  # the old page tree is not copied
            stamped = self._stamps is not None and len(self._page_refs) < len(
                self._stamps.reader.pages
            )
            if stamped:  # its own resources, so the stamp's name goes on this page alone
                resources = _direct_copy(page.get("/Resources", DictionaryObject()))
                if "/XObject" in resources:
                    resources[NameObject("/XObject")] = _direct_copy(
                        dict.__getitem__(resources, "/XObject")
                    )
                page[NameObject("/Resources")] = resources
            copier.convert(page)
            if stamped:
                self._stamp(page, len(self._page_refs))
            page[NameObject("/Parent")] = IndirectObject(self._pages_id, 0, None)
            self._write(new_ref.idnum, page)
            self._page_refs.append(new_ref)
            copier.flush()
        if bookmark is not None and len(self._page_refs) > first:
            self._bookmarks.append((bookmark, self._page_refs[first]))
        return len(self._page_refs) - first

    def _stamp(self, page: DictionaryObject, index: int) -> None:
        """Lay stamp page ``index`` over ``page`` (already renumbered)."""
        assert self._stamps is not None and self._stamp_streams is not None
        stamp = self._stamps.reader.pages[index]
        contents = stamp.get_contents()
        form = _stream(contents.get_data() if contents is not None else b"")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([NumberObject(int(v)) for v in stamp.mediabox]),
                NameObject("/Resources"): self._stamps.convert(
                    _direct_copy(stamp.get("/Resources", DictionaryObject()))
                ),
            }
        )
        form_id = self._reserve()
        self._write(form_id, form)
        self._stamps.flush()
        resources = dict.__getitem__(page, "/Resources")  # made direct in ``add``
        xobjects = dict.get(resources, "/XObject") or DictionaryObject()
        xobjects[NameObject(STAMP_NAME)] = IndirectObject(form_id, 0, None)
        resources[NameObject("/XObject")] = xobjects
        contents = dict.get(page, "/Contents")
        parts = (
            list(contents)
            if isinstance(contents, list)
            else ([contents] if contents is not None else [])
        )
        before, after = self._stamp_streams
        page[NameObject("/Contents")] = ArrayObject([before, *parts, after])

    def finish(self, info: dict[str, str]) -> None:
        """Write the page tree, bookmarks, document information, cross-references, trailer."""
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(self._page_refs),
                NameObject("/Count"): NumberObject(len(self._page_refs)),
            }
        )
        self._write(self._pages_id, pages)
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(self._pages_id, 0, None),
            }
        )
        if self._bookmarks:
            catalog[NameObject("/Outlines")] = self._write_outline()
            catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
        catalog_id = self._reserve()
        self._write(catalog_id, catalog)
        now = datetime.now(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
        document = DictionaryObject(
            {NameObject(f"/{k}"): TextStringObject(v) for k, v in info.items()}
        )
        document[NameObject("/CreationDate")] = TextStringObject(now)
        document[NameObject("/ModDate")] = TextStringObject(now)
        info_id = self._reserve()
        self._write(info_id, document)
        self._info_text = f"{sorted(info.items())}|{now}"
        self._write_xref(catalog_id, info_id)

    def _write_outline(self) -> IndirectObject:
        root_id = self._reserve()
        ids = [self._reserve() for _ in self._bookmarks]
        for i, ((title, page), item_id) in enumerate(zip(self._bookmarks, ids, strict=True)):
            item = DictionaryObject(
                {
                    NameObject("/Title"): TextStringObject(title),
                    NameObject("/Parent"): IndirectObject(root_id, 0, None),
                    NameObject("/Dest"): ArrayObject([page, NameObject("/Fit")]),
                }
            )
            if i > 0:
                item[NameObject("/Prev")] = IndirectObject(ids[i - 1], 0, None)
            if i + 1 < len(ids):
                item[NameObject("/Next")] = IndirectObject(ids[i + 1], 0, None)
            self._write(item_id, item)
        root = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Outlines"),
                NameObject("/First"): IndirectObject(ids[0], 0, None),
                NameObject("/Last"): IndirectObject(ids[-1], 0, None),
                NameObject("/Count"): NumberObject(len(ids)),
            }
        )
        self._write(root_id, root)
        return IndirectObject(root_id, 0, None)

    def _reserve(self) -> int:
        self._last_id += 1
        return self._last_id

    def _write(self, obj_id: int, obj: PdfObject) -> None:
        self._offsets[obj_id] = self._out.tell() - self._start
        head = f"{obj_id} 0 obj\n".encode()
        self._out.write(head)
        obj.write_to_stream(self._out)
        self._out.write(b"\nendobj\n")

    def _write_xref(self, catalog_id: int, info_id: int) -> None:
        xref_at = self._out.tell() - self._start
        size = self._last_id + 1
        lines = [f"xref\n0 {size}\n".encode(), b"0000000000 65535 f\r\n"]
        for obj_id in range(1, size):
            offset = self._offsets.get(obj_id)
            # Every reserved number is written; a gap would be a bug, listed as free, not lost.
            lines.append(
                f"{offset:010d} 00000 n\r\n".encode()
                if offset is not None
                else b"0000000000 00000 f\r\n"
            )
        self._out.write(b"".join(lines))
        seed = f"{self._info_text}|{size}|{xref_at}".encode()
        file_id = ByteStringObject(hashlib.sha256(seed).digest()[:16])
        trailer = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(size),
                NameObject("/Root"): IndirectObject(catalog_id, 0, None),
                NameObject("/Info"): IndirectObject(info_id, 0, None),
                NameObject("/ID"): ArrayObject([file_id, file_id]),
            }
        )
        self._out.write(b"trailer\n")
        trailer.write_to_stream(self._out)
        self._out.write(f"\nstartxref\n{xref_at}\n%%EOF\n".encode())


def _stream(data: bytes) -> Any:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode() if len(data) > 64 else stream


def _direct_copy(obj: Any) -> Any:
    """A copy of the direct part of ``obj`` (dictionaries and arrays), sharing indirect ones.

    A page's resources may be one object shared by several pages; the stamp adds a name to a
    copy, never to what other pages still point at."""
    if isinstance(obj, IndirectObject):
        resolved = obj.get_object()
        return (
            _direct_copy(resolved)
            if isinstance(resolved, dict) and not hasattr(resolved, "get_data")
            else obj
        )
    if isinstance(obj, dict):
        return DictionaryObject({k: _direct_copy_inner(v) for k, v in dict.items(obj)})
    if isinstance(obj, list):
        return ArrayObject([_direct_copy_inner(v) for v in list.__iter__(obj)])
    return obj


def _direct_copy_inner(obj: Any) -> Any:
    if isinstance(obj, dict) and not hasattr(obj, "get_data"):
        return DictionaryObject({k: _direct_copy_inner(v) for k, v in dict.items(obj)})
    if isinstance(obj, list):
        return ArrayObject([_direct_copy_inner(v) for v in list.__iter__(obj)])
    return obj


def _object_number(page: DictionaryObject) -> int:
    ref = page.indirect_reference
    if ref is None:  # pragma: no cover - pages of a parsed file are always indirect objects
        raise ValueError("page without an object number")
    return ref.idnum
