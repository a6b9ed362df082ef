"""Photos in the 扶贫手册: the household photo on the cover, housing photos with their dates in
section six, documents only in the full copy, none in the village report — read back from the PDF."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from pypdf import PdfReader

from fieldsurvey.ledger import LedgerOptions, print_household, verify_fingerprint
from fieldsurvey.ledger.batch import print_village
from fieldsurvey.ledger.content import build_content
from fieldsurvey.ledger.model import LedgerInput, LedgerPhoto
from fieldsurvey.ledger.samples import NAMES, make_input
from fieldsurvey.media import photos as media
from tests.support.photo_fixtures import drawn, jpeg_bytes

CODE = "610728101001"


def photo(
    kind: str,
    title: str,
    seed: int,
    taken: str | None = "2026:05:04 10:11:12",
    caption: str | None = None,
) -> LedgerPhoto:
    p = media.process_bytes(
        jpeg_bytes(drawn(1200, 900, seed=seed), taken=taken), f"{seed}.jpg", long_edge=800
    )
    return LedgerPhoto(
        kind=kind,
        title=title,
        sha256=p.sha256,
        jpeg=p.jpeg,
        visit_date="2026-05-06",
        taken_at=p.meta.taken_at,
        caption=caption,
        width=p.meta.width,
        height=p.meta.height,
    )


def with_photos(seed: int = 1) -> LedgerInput:
    pics = [
        photo("household", "全家福", 10),
        photo("house_exterior", "改造前", 30, caption="西墙裂缝"),
        photo("house_exterior", "改造后", 50, taken=None),
        photo("document", "证明材料", 70),
        photo("visit", "走访", 90),
    ]
    return dataclasses.replace(make_input(seed), photos=pics)


def images_by_page(path: Path) -> list[list[bytes]]:
    """Each page's embedded JPEG streams, undone of their transport filters (ASCII85), not decoded."""
    out = []
    for page in PdfReader(path).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        found = []
        for ref in xobjects.values():
            o = ref.get_object()
            if o.get("/Subtype") == "/Image" and "/DCTDecode" in str(o.get("/Filter")):
                found.append(o.get_data())
        out.append(found)
    return out


def page_texts(path: Path) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_cover_and_housing_photos_are_printed_with_dates(tmp_path: Path) -> None:
    inp = with_photos()
    out = tmp_path / "full.pdf"
    print_household(inp, out, LedgerOptions())
    pics = {p.title: p for p in inp.photos}
    pages = images_by_page(out)
    texts = page_texts(out)
    digests = [[hashlib.sha256(d).hexdigest() for d in imgs] for imgs in pages]
    # the cover (page 1) holds the household photo, embedded as the very JPEG stored
    assert pics["全家福"].sha256 in digests[0] and len(pages[0]) == 1
    housing_page = next(i for i, t in enumerate(texts) if "七、两不愁三保障" in t)
    housing = {h for imgs in digests[housing_page : housing_page + 2] for h in imgs}
    assert {pics["改造前"].sha256, pics["改造后"].sha256} <= housing
    joined = "".join(texts)
    assert "改造前：西墙裂缝（2026-05-04拍摄）" in joined and "改造后（2026-05-06走访）" in joined
    every = {h for imgs in digests for h in imgs}
    assert (
        pics["证明材料"].sha256 in every and pics["走访"].sha256 in every
    )  # the full copy: documents too
    # the fingerprint covers the pictures: the record with the same photos verifies, other photos do not
    fp = build_content(inp, masked=False).fingerprint()
    assert verify_fingerprint(inp, fp).matches
    other = dataclasses.replace(inp, photos=[photo("household", "全家福", 66), *inp.photos[1:]])
    assert build_content(other, masked=False).fingerprint() != fp


def test_the_public_copy_leaves_out_document_photos(tmp_path: Path) -> None:
    inp = with_photos()
    out = tmp_path / "public.pdf"
    print_household(inp, out, LedgerOptions(mask_ids=True))
    every = {hashlib.sha256(d).hexdigest() for imgs in images_by_page(out) for d in imgs}
    pics = {p.title: p.sha256 for p in inp.photos}
    assert pics["证明材料"] not in every
    assert {pics["全家福"], pics["改造前"], pics["改造后"], pics["走访"]} <= every


def test_a_ledger_without_photos_keeps_its_fingerprint() -> None:
    plain = make_input(2)
    assert build_content(plain, masked=False).cover_photo is None
    # the serialisation of a photo-less ledger has no photo keys at all (prints made before photos verify)
    assert b'"photos"' not in build_content(plain, masked=False).canonical()


def test_the_village_report_prints_no_photos(tmp_path: Path) -> None:
    inputs = [with_photos(s) for s in range(2)]
    out = tmp_path / "village"
    print_village(inputs, 2, out, names=NAMES, village_code=CODE, options=LedgerOptions())
    report = next(p for p in out.iterdir() if "村级汇总" in p.name)
    assert all(imgs == [] for imgs in images_by_page(report))
    ledgers = [p for p in out.iterdir() if "村级汇总" not in p.name]
    assert ledgers and all(any(images_by_page(p)) for p in ledgers)
