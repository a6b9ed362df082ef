"""The household ledger PDF, read back: text, pages, masking, fingerprint, font, metadata."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.ids import mask_id_number
from fieldsurvey.ledger import LedgerOptions, print_household, verify_fingerprint
from fieldsurvey.ledger.model import LedgerInput, format_fingerprint
from fieldsurvey.ledger.samples import NAMES, make_household, make_input, make_visits
from tests.support.common import assert_mode

HEADINGS = (
    "一、家庭基本情况",
    "二、生产生活条件",
    "三、家庭成员",
    "四、致贫原因与返贫致贫风险",
    "五、帮扶责任人",
    "六、家庭收入情况",
    "七、两不愁三保障及饮水安全",
    "八、帮扶措施及项目",
    "九、帮扶成效",
    "十、走访记录",
    "十一、最近一次评估",
    "十二、签字确认",
)
WHEN = datetime(2024, 5, 6, 10, 30)


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squeeze(text: str) -> str:
    """Text without any whitespace: names wrapped across lines in a cell read whole again."""
    return "".join(text.split())


def ink_fraction(path: Path, index: int) -> float:
    """Share of non-white pixels on a rendered page (a blank page gives 0)."""
    pdf = pdfium.PdfDocument(path)
    try:
        image = pdf[index].render(scale=0.5).to_pil().convert("L")
    finally:
        pdf.close()
    histogram = image.histogram()
    return sum(histogram[:200]) / (image.width * image.height)


@pytest.fixture
def normal(tmp_path: Path) -> tuple[LedgerInput, Path]:
    inp = make_input(1)
    out = tmp_path / "ledger.pdf"
    print_household(inp, out, LedgerOptions(generated_at=WHEN))
    return inp, out


def test_ledger_reads_back_in_chinese_with_every_section(normal: tuple[LedgerInput, Path]) -> None:
    inp, out = normal
    text = squeeze("\n".join(pages_text(out)))
    for heading in HEADINGS:
        assert heading in text
    for m in inp.household.present_members:
        assert m.name in text
        assert m.id_number in text
    for value in (
        "陕西省汉中市镇巴县",
        "泾洋街道",
        "样例村",
        inp.household.household_no,
        "扶贫手册",
    ):
        assert value in text
    helper_names = [h.name for h in inp.household.helpers]
    assert all(name in text for name in helper_names)  # ended helpers stay in the history
    assert "已调整" in text and "在帮" in text
    for role in ("户主", "帮扶责任人", "驻村第一书记"):
        assert f"{role}签字：____" in text


def test_every_page_says_which_of_how_many(normal: tuple[LedgerInput, Path]) -> None:
    _, out = normal
    texts = pages_text(out)
    assert len(texts) >= 3
    for i, text in enumerate(texts, 1):
        assert f"第 {i} 页 共 {len(texts)} 页" in text
        assert "生成时间：2024-05-06 10:30" in text
    for i in range(len(texts)):
        assert ink_fraction(out, i) > 0.01


def test_visit_log_has_finalized_visits_only(normal: tuple[LedgerInput, Path]) -> None:
    inp, out = normal
    text = squeeze("\n".join(pages_text(out)))
    for visit in inp.visits:
        if visit.finalized:
            assert visit.visit_date.isoformat() in text
            assert squeeze(visit.findings or "") in text
    assert "草稿不应打印" not in text


def test_metadata_a4_and_embedded_subset_font(normal: tuple[LedgerInput, Path]) -> None:
    inp, out = normal
    reader = PdfReader(out)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == f"扶贫手册（一户一本台账） 户编号 {inp.household.household_no}"
    assert meta.author == NAMES.county
    assert NAMES.village in (meta.subject or "")
    for page in reader.pages:
        assert (
            round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
        )
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, "TrueType font must be embedded"
            assert "+" in font["/BaseFont"], "embedded as a subset"
    assert_mode(out, 0o600)


def test_big_household_lays_out_with_repeated_table_headers(tmp_path: Path) -> None:
    household = make_household(7, members=15, measures=24, long_names=True)
    inp = LedgerInput(household, make_visits(household, 30, long_text=True), NAMES)
    out = tmp_path / "big.pdf"
    result = print_household(inp, out, LedgerOptions(generated_at=WHEN))
    texts = pages_text(out)
    assert result.pages == len(texts) >= 6
    joined = squeeze("\n".join(texts))
    for m in household.members:
        assert squeeze(m.name) in joined
    finalized = [v for v in inp.visits if v.finalized]
    assert all(v.visit_date.isoformat() in joined for v in finalized)
    # The visit log spans pages: each page holding visit rows starts with the header row again.
    pages_with_visits = [t for t in texts if "次走访：家中生产生活正常" in squeeze(t)]
    assert len(pages_with_visits) >= 2
    assert all("走访发现" in squeeze(t) for t in pages_with_visits)
    for i in range(len(texts)):
        assert ink_fraction(out, i) > 0.01


def test_public_copy_masks_id_numbers(tmp_path: Path) -> None:
    inp = make_input(2)
    out = tmp_path / "public.pdf"
    print_household(inp, out, LedgerOptions(mask_ids=True, generated_at=WHEN))
    text = squeeze("\n".join(pages_text(out)))
    for m in inp.household.present_members:
        assert m.id_number not in text
        assert mask_id_number(m.id_number) in text
        assert m.id_number[:6] + "********" + m.id_number[-4:] == mask_id_number(m.id_number)
    assert inp.household.phone not in text
    assert "公示版" in text


def test_fingerprint_is_stable_and_follows_the_record(tmp_path: Path) -> None:
    inp = make_input(3)
    first = print_household(inp, tmp_path / "a.pdf", LedgerOptions(generated_at=WHEN))
    again = print_household(
        inp, tmp_path / "b.pdf", LedgerOptions(generated_at=datetime(2025, 1, 1))
    )
    assert first.fingerprint == again.fingerprint and len(first.fingerprint) == 16
    for text in pages_text(tmp_path / "a.pdf"):
        assert format_fingerprint(first.fingerprint) in text

    changed = dataclasses.replace(inp.household, members=list(inp.household.members))
    changed.members[1] = dataclasses.replace(changed.members[1], name="改名后")
    other = print_household(LedgerInput(changed, inp.visits, NAMES), tmp_path / "c.pdf")
    assert other.fingerprint != first.fingerprint

    public = print_household(inp, tmp_path / "d.pdf", LedgerOptions(mask_ids=True))
    assert public.fingerprint != first.fingerprint


def test_verify_accepts_paper_of_either_copy_and_rejects_a_changed_record(tmp_path: Path) -> None:
    inp = make_input(4)
    full = print_household(inp, tmp_path / "a.pdf").fingerprint
    public = print_household(inp, tmp_path / "b.pdf", LedgerOptions(mask_ids=True)).fingerprint
    typed = format_fingerprint(full).lower().replace("-", " ")
    assert verify_fingerprint(inp, typed).copy == "full"
    assert verify_fingerprint(inp, public).copy == "public"
    inp.household.housing_grade = "D"
    result = verify_fingerprint(inp, full)
    assert not result.matches and result.copy is None


def test_qr_code_holds_household_number_and_fingerprint(normal: tuple[LedgerInput, Path]) -> None:
    inp, out = normal
    pdf = pdfium.PdfDocument(out)
    try:
        image = pdf[len(pdf) - 1].render(scale=3).to_pil()
    finally:
        pdf.close()
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    fingerprint = PdfReader(out).metadata.get("/Keywords", "").split(":")[-1]
    assert found == [f"FSLEDGER:1:{inp.household.household_no}:{fingerprint}"]


def test_household_without_visits_or_assessment_still_prints(tmp_path: Path) -> None:
    household = make_household(5, measures=0)
    household.helpers.clear()
    household.incomes.clear()
    out = tmp_path / "bare.pdf"
    result = print_household(LedgerInput(household, [], NAMES), out)
    text = squeeze("\n".join(pages_text(out)))
    for words in (
        "尚无已提交的走访记录",
        "尚未评估",
        "尚无收入记录",
        "尚无帮扶措施记录",
        "尚未确定帮扶责任人",
    ):
        assert words in text
    assert result.pages == len(PdfReader(out).pages)


def test_markup_characters_in_names_print_literally(tmp_path: Path) -> None:
    household = make_household(6)
    household.members[0].name = "李<b>&amp;"
    household.address = "村口 <小卖部> & 旁"
    out = tmp_path / "markup.pdf"
    print_household(LedgerInput(household, [], NAMES), out)
    text = squeeze("\n".join(pages_text(out)))
    assert "李<b>&amp;" in text
    assert "<小卖部>&旁" in text


def test_missing_output_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        print_household(make_input(1), tmp_path / "nowhere" / "x.pdf")


def test_income_table_shows_the_line_of_each_year(normal: tuple[LedgerInput, Path]) -> None:
    inp, out = normal
    text = squeeze("\n".join(pages_text(out)))
    for record in inp.household.incomes:
        assert f"{record.year}年防返贫监测标准" in text
    assert "慰问金" in text and "不计入" in text  # excluded items are shown, marked as such
    assert date(2024, 3, 15).isoformat() in text  # the assessment's date


def test_very_long_findings_continue_across_pages_in_full(tmp_path: Path) -> None:
    household = make_household(8, members=2)
    visits = make_visits(household, 4)
    long_text = "".join(f"第{i}句：家中老人慢性病需长期服药，已办理慢病卡。" for i in range(300))
    visits[0].findings = long_text
    out = tmp_path / "long.pdf"
    result = print_household(LedgerInput(household, visits, NAMES), out)
    texts = [squeeze(t) for t in pages_text(out)]
    joined = "".join(texts)
    assert all(f"第{i}句：家中老人慢性病需长期服药" in joined for i in range(300))
    log_pages = [t for t in texts if "第1句" in t or "第299句" in t or "慢病卡" in t]
    assert len(log_pages) >= 2
    for t in texts:
        assert (
            t.count("走访日期走访人走访发现") <= 1
        )  # the header repeats once per page, not mid-page
    assert result.pages == len(texts)
