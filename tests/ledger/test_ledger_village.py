"""Printing a village: the report's totals, one file per household, the combined file, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.ledger import LedgerOptions, print_village
from fieldsurvey.ledger.model import LedgerInput, format_fingerprint
from fieldsurvey.ledger.samples import NAMES, VILLAGE, make_input
from tests.support.common import assert_mode

CODE = VILLAGE.value


def squeeze(text: str) -> str:
    return "".join(text.split())


def text_of(path: Path, pages: range | None = None) -> str:
    reader = PdfReader(path)
    chosen = pages if pages is not None else range(len(reader.pages))
    return squeeze("\n".join(reader.pages[i].extract_text() for i in chosen))


def village(count: int) -> list[LedgerInput]:
    return [make_input(seed) for seed in range(count)]


def test_report_totals_equal_the_households_given(tmp_path: Path) -> None:
    inputs = village(13)
    inputs[5].household.members.pop()  # sizes differ, so people counts are not households × 4
    inputs[6].visits.clear()  # never visited, never assessed
    inputs[
        7
    ].household.registered_poor = False  # an edge household: monitored, never registered poor
    result = print_village(inputs, len(inputs), tmp_path, names=NAMES, village_code=CODE)
    report = tmp_path / f"{CODE}-村级汇总.pdf"
    assert report in result.files
    text = text_of(report)

    def count(status: str) -> tuple[int, int]:
        chosen = [
            i.household
            for i in inputs
            if i.household.status == status and i.household.registered_poor
        ]
        return len(chosen), sum(h.size for h in chosen)

    people = sum(i.household.size for i in inputs)
    assert f"总户数{len(inputs)}户" in text
    assert f"总人口（列表内）{people}人" in text
    for status, zh in (("not_exited", "未脱贫"), ("exited", "已脱贫"), ("relapsed", "返贫")):
        households, members = count(status)
        assert f"{zh}户数/人数{households}户/{members}人" in text
    unsafe = sum(1 for i in inputs if i.household.housing_grade in ("C", "D") and i.visits)
    assert unsafe > 0
    assert f"住房安全有保障{unsafe}户" in text
    assert "未评估" in text and "尚未评估1户" in text
    monitored = sum(1 for i in inputs if i.household.monitored)
    assert f"监测对象{monitored}户" in text
    assert "非建档立卡监测户1户" in text
    poor = sum(
        i.household.size
        for i in inputs
        if i.household.status in ("not_exited", "relapsed") and i.household.registered_poor
    )
    assert f"贫困发生率{100 * poor / people:.2f}%" in text
    for inp in inputs:
        assert inp.household.household_no in text


def test_population_given_is_the_incidence_denominator(tmp_path: Path) -> None:
    inputs = village(4)
    poor = sum(i.household.size for i in inputs if i.household.status in ("not_exited", "relapsed"))
    print_village(inputs, 4, tmp_path, names=NAMES, village_code=CODE, population=1000)
    text = text_of(tmp_path / f"{CODE}-村级汇总.pdf")
    assert f"贫困发生率{100 * poor / 1000:.2f}%" in text
    assert "全村人口1000人" in text


def test_one_file_per_household_with_progress(tmp_path: Path) -> None:
    inputs = village(5)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "printed"
    result = print_village(
        inputs,
        5,
        out,
        names=NAMES,
        village_code=CODE,
        options=LedgerOptions(mask_ids=True),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(i, 5) for i in range(1, 6)]
    assert result.households == 5
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"{i.household.household_no}-公示.pdf" for i in inputs] + [f"{CODE}-村级汇总-公示.pdf"]
    )
    for inp in inputs:
        path = out / f"{inp.household.household_no}-公示.pdf"
        assert_mode(path, 0o600)
        text = text_of(path)
        assert inp.household.members[0].id_number not in text
        assert inp.household.head.name in text  # type: ignore[union-attr]
    assert result.pages == sum(len(PdfReader(p).pages) for p in out.iterdir())


def test_combined_file_has_contents_and_bookmarks(tmp_path: Path) -> None:
    inputs = village(6)
    out = tmp_path / "village.pdf"
    result = print_village(inputs, 6, out, names=NAMES, village_code=CODE)
    assert result.files == [out]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["village.pdf"]  # no temp files left
    reader = PdfReader(out)
    assert len(reader.pages) == result.pages
    outline = reader.outline
    titles = [item.title for item in outline]
    assert titles[:2] == ["目录", "村级汇总表"]
    assert titles[2:] == [f"{i.household.household_no} {i.household.head.name}" for i in inputs]  # type: ignore[union-attr]
    starts = [reader.get_destination_page_number(item) for item in outline]
    assert starts[0] == 0
    toc = text_of(out, range(starts[1]))
    assert "目录" in toc
    # Each household's bookmark lands on its cover, and the contents give that page (1-based).
    for inp, start in zip(inputs, starts[2:], strict=True):
        cover = squeeze(reader.pages[start].extract_text())
        assert "扶贫手册" in cover and inp.household.household_no in cover
        assert f"{inp.household.household_no}{inp.household.head.name}{start + 1}" in toc  # type: ignore[union-attr]
    assert reader.metadata is not None and reader.metadata.author == NAMES.county
    assert_mode(out, 0o600)


def pdftotext_pages(path: Path) -> list[str]:
    """Each page's text as PDFium (Chrome's PDF engine) reads it: what a reader's viewer shows.

    A second reader beside pypdf, so the page-number overlay is checked by an engine that did
    not write it; poppler's pdftotext is not on every machine, PDFium comes with the test extra.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return [squeeze(doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()


def test_every_page_of_the_combined_file_gives_its_page_in_the_whole_file(tmp_path: Path) -> None:
    inputs = village(4)
    out = tmp_path / "village.pdf"
    result = print_village(inputs, 4, out, names=NAMES, village_code=CODE)
    pages = pdftotext_pages(out)
    total = len(pages)
    assert total == result.pages == len(PdfReader(out).pages)
    for number, text in enumerate(pages, 1):
        assert f"全册第{number}页共{total}页" in text, number
    # Follow the contents on paper: the start page it gives for each household is the page
    # whose footer says 全册第 N 页, and that page is the first of the household's own ledger.
    toc = pages[0]
    assert "起始页为全册页码" in toc
    reader = PdfReader(out)
    for inp, item in zip(inputs, reader.outline[2:], strict=True):
        h = inp.household
        start = reader.get_destination_page_number(item) + 1  # where the bookmark opens, 1-based
        page = pages[start - 1]
        assert f"全册第{start}页共{total}页" in page
        assert h.household_no in page and "第1页共" in page
        own_total = int(page.split("第1页共", 1)[1].split("页", 1)[0])
        # the contents' row: number, head, start page, page count, fingerprint
        assert f"{h.household_no}{h.head.name}{start}{own_total}" in toc  # type: ignore[union-attr]
        last = pages[start + own_total - 2]
        assert (
            f"全册第{start + own_total - 1}页" in last and f"第{own_total}页共{own_total}页" in last
        )


def test_a_ledger_printed_alone_has_no_whole_file_page(tmp_path: Path) -> None:
    from fieldsurvey.ledger import print_household

    out = tmp_path / "one.pdf"
    print_household(make_input(1), out)
    assert not any("全册" in p for p in pdftotext_pages(out))


def test_contents_list_each_ledger_fingerprint(tmp_path: Path) -> None:
    inputs = village(3)
    out = tmp_path / "village.pdf"
    print_village(inputs, 3, out, names=NAMES, village_code=CODE, include_report=False)
    reader = PdfReader(out)
    toc = squeeze(reader.pages[0].extract_text())
    for item in reader.outline[1:]:
        first = reader.get_destination_page_number(item)
        keywords = PdfReader(out).pages[first].extract_text()
        printed = [line for line in keywords.splitlines() if line.startswith("文档指纹")][0]
        assert squeeze(printed.split("：", 1)[1]) in toc
    assert "村级汇总表" not in toc


def _cancel_after(n: int) -> tuple[list[int], object]:
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > n

    return calls, cancelled


@pytest.mark.parametrize("target", ["folder", "village.pdf"])
def test_cancel_leaves_no_files(tmp_path: Path, target: str) -> None:
    out_root = tmp_path / "out"
    out_root.mkdir()
    calls, cancelled = _cancel_after(3)
    with pytest.raises(Cancelled):
        print_village(
            village(8), 8, out_root / target, names=NAMES, village_code=CODE, cancelled=cancelled
        )  # type: ignore[arg-type]
    assert len(calls) == 4
    leftovers = [p for p in out_root.rglob("*") if p.is_file()]
    assert leftovers == []
    assert [p.name for p in out_root.iterdir()] in ([], ["folder"])


def test_earlier_prints_survive_a_cancelled_reprint(tmp_path: Path) -> None:
    inputs = village(3)
    print_village(inputs, 3, tmp_path, names=NAMES, village_code=CODE)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    _, cancelled = _cancel_after(2)
    with pytest.raises(Cancelled):
        print_village(inputs, 3, tmp_path, names=NAMES, village_code=CODE, cancelled=cancelled)  # type: ignore[arg-type]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_records_are_read_one_at_a_time(tmp_path: Path) -> None:
    """The village streams: the next record is not asked for before the last one is on disk."""
    out = tmp_path / "out"

    def records() -> Iterator[LedgerInput]:
        for seed in range(4):
            written = sorted(p.name for p in out.rglob("*.pdf")) if out.exists() else []
            assert len(written) == seed  # every earlier household already rendered to disk
            yield make_input(seed)

    print_village(records(), 4, out, names=NAMES, village_code=CODE, include_report=False)
    assert len(list(out.glob("*.pdf"))) == 4


def test_empty_village_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        print_village([], 0, tmp_path, names=NAMES, village_code=CODE)
    assert list(tmp_path.iterdir()) == []


def test_fingerprint_format_is_printed_on_report(tmp_path: Path) -> None:
    print_village(village(2), 2, tmp_path, names=NAMES, village_code=CODE)
    reader = PdfReader(tmp_path / f"{CODE}-村级汇总.pdf")
    fingerprint = (reader.metadata or {}).get("/Keywords", "").split(":")[-1]
    assert len(fingerprint) == 16
    for page in reader.pages:
        assert format_fingerprint(fingerprint) in page.extract_text()


def test_household_numbers_cannot_escape_the_folder(tmp_path: Path) -> None:
    inp = make_input(1)
    inp.household.household_no = "../../etc/x"
    out = tmp_path / "out"
    print_village([inp], 1, out, names=NAMES, village_code=CODE, include_report=False)
    assert [p.name for p in out.iterdir()] == ["______etc_x.pdf"]
    assert not (tmp_path / "etc").exists()


def test_cancel_while_joining_leaves_no_file(tmp_path: Path) -> None:
    # 3 households polled once each, once more before the report, then once per joined part.
    calls, cancelled = _cancel_after(5)
    with pytest.raises(Cancelled):
        print_village(
            village(3),
            3,
            tmp_path / "village.pdf",
            names=NAMES,
            village_code=CODE,
            cancelled=cancelled,
        )  # type: ignore[arg-type]
    assert len(calls) == 6
    assert list(tmp_path.iterdir()) == []


def test_several_processes_print_the_same_files(tmp_path: Path) -> None:
    inputs = village(6)
    one = print_village(
        inputs, 6, tmp_path / "one", names=NAMES, village_code=CODE, include_report=False
    )
    seen: list[int] = []
    two = print_village(
        inputs,
        6,
        tmp_path / "two",
        names=NAMES,
        village_code=CODE,
        include_report=False,
        workers=2,
        progress=lambda done, total: seen.append(done),
    )
    assert seen == list(range(1, 7))
    assert [p.name for p in one.files] == [p.name for p in two.files]
    for a, b in zip(one.files, two.files, strict=True):
        fingerprint = [
            line for line in PdfReader(a).pages[0].extract_text().splitlines() if "文档指纹" in line
        ]
        assert fingerprint == [
            line for line in PdfReader(b).pages[0].extract_text().splitlines() if "文档指纹" in line
        ]
        assert_mode(b, 0o600)
    assert one.pages == two.pages


def test_cancel_with_several_processes_leaves_no_files(tmp_path: Path) -> None:
    calls, cancelled = _cancel_after(5)
    with pytest.raises(Cancelled):
        print_village(
            village(12),
            12,
            tmp_path / "out",
            names=NAMES,
            village_code=CODE,
            workers=2,
            cancelled=cancelled,
        )  # type: ignore[arg-type]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
