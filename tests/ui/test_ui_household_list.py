"""The household list: search, filters, counts, sorting and opening a household, on real widgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from fieldsurvey.store.households import HouseholdSummary
from fieldsurvey.ui.household_list import (
    COL_HEAD,
    COL_LAST_VISIT,
    MONITORED,
    NOT_VISITED_30,
    NOT_VISITED_90,
    FilterState,
    HouseholdIndex,
)
from fieldsurvey.ui.household_view import HouseholdView
from tests.support.ui import VILLAGE_A, VILLAGE_B, unlock, wait_ops


@pytest.fixture
def window(controller, qtbot):  # type: ignore[no-untyped-def]
    unlock(qtbot, controller.window)
    return controller.window


def heads(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.list_page.model
    return [model.summary_at(r).head_name for r in range(model.rowCount())]


def search(window, qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    page = window.list_page
    page.search.setText(text)  # Chinese goes in with setText, as an input method would
    qtbot.waitUntil(lambda: page.model.state.search == text, timeout=2000)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("李明华", ["李明华"]),  # the head's name
        ("赵", ["赵国强"]),  # part of it
        ("czy", ["陈志远"]),  # pinyin initials
        ("ZXY", ["周秀英"]),  # initials in capitals
        ("zhaoguoqiang", ["赵国强"]),  # full pinyin
        ("Chen", ["陈志远"]),  # the start of it
        ("6107281010020005", ["周秀英"]),  # household number
        ("10010002", ["李明华"]),  # part of a household number
    ],
)
def test_search_by_name_initials_and_household_number(
    window, qtbot, term: str, expected: list[str]
) -> None:  # type: ignore[no-untyped-def]
    search(window, qtbot, term)
    assert heads(window) == expected
    assert window.count_label.text() == f"显示 {len(expected)} / 5 户"


def test_a_search_with_no_match_says_so_and_clears_in_one_click(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.list_page
    assert not page.no_match.isVisible()
    search(window, qtbot, "不存在的户主")
    assert heads(window) == []
    assert page.no_match.isVisible()
    assert page.no_match_label.text() == "没有符合“不存在的户主”的农户。"
    assert page.no_match_button.text() == "清除搜索和筛选(&C)"
    qtbot.mouseClick(page.no_match_button, Qt.MouseButton.LeftButton)
    assert page.search.text() == "" and page.model.rowCount() == 5
    assert not page.no_match.isVisible()
    page.problem.setCurrentIndex(page.problem.findData("uninsured"))
    page.search.setText("王建国")  # insured: nothing left
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=2000)
    assert page.no_match.isVisible() and "王建国" in page.no_match_label.text()
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert not page.no_match.isVisible()


def test_search_by_id_number_and_its_check_character(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    summary = next(s for s in window.list_page.model.index_data.rows if s.head_name == "陈志远")
    search(window, qtbot, summary.head_id_number)
    assert heads(window) == ["陈志远"]
    search(window, qtbot, summary.head_id_number[-6:].lower())
    assert "陈志远" in heads(window)


def test_typing_real_keys_narrows_the_list(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.list_page
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F
    assert (
        window.focusWidget() is page.search
    )  # has the focus, or gets it when the window is active
    qtbot.keyClicks(page.search, "wjg")
    qtbot.waitUntil(lambda: heads(window) == ["王建国"], timeout=2000)
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=2000)


def choose(combo, value) -> None:  # type: ignore[no-untyped-def]
    i = combo.findData(value)
    assert i >= 0, value
    combo.setCurrentIndex(i)


def test_filters_by_village_group_status_type_and_problem(window) -> None:  # type: ignore[no-untyped-def]
    page = window.list_page
    choose(page.village, VILLAGE_B)
    assert sorted(heads(window)) == ["周秀英", "陈志远"]
    assert page.village.currentText() == "青石村"
    assert [page.group.itemText(i) for i in range(page.group.count())] == [
        "（全部）",
        "一组",
        "五组",
    ]
    choose(page.group, "五组")
    assert heads(window) == ["周秀英"]
    assert window.count_label.text() == "显示 1 / 5 户"
    page.clear_filters()
    assert page.model.rowCount() == 5
    choose(page.status, "not_exited")
    assert heads(window) == ["李明华"]
    page.clear_filters()
    choose(page.household_type, MONITORED)
    assert sorted(heads(window)) == sorted(["李明华", "赵国强", "周秀英"])
    choose(page.household_type, "edge")
    assert heads(window) == ["李明华"]
    page.clear_filters()
    for flag, head in (
        ("dropout", "赵国强"),
        ("uninsured", "陈志远"),
        ("unsafe_house", "李明华"),
        ("unsafe_water", "周秀英"),
    ):
        choose(page.problem, flag)
        assert heads(window) == [head], flag
    choose(page.problem, NOT_VISITED_30)
    assert "王建国" not in heads(window) and len(heads(window)) == 4  # visited ten days ago
    choose(page.problem, NOT_VISITED_90)
    assert len(heads(window)) == 4


def test_filters_and_search_combine(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    choose(window.list_page.village, VILLAGE_A)
    search(window, qtbot, "国")
    assert sorted(heads(window)) == ["王建国", "赵国强"]
    choose(window.list_page.problem, "dropout")
    assert heads(window) == ["赵国强"]


def test_columns_sort_both_ways(window) -> None:  # type: ignore[no-untyped-def]
    table = window.list_page.table
    table.sortByColumn(COL_HEAD, Qt.SortOrder.AscendingOrder)  # by pinyin initials
    assert heads(window) == ["陈志远", "李明华", "王建国", "赵国强", "周秀英"]
    table.sortByColumn(COL_HEAD, Qt.SortOrder.DescendingOrder)
    assert heads(window) == ["周秀英", "赵国强", "王建国", "李明华", "陈志远"]
    table.sortByColumn(COL_LAST_VISIT, Qt.SortOrder.DescendingOrder)
    assert heads(window)[0] == "王建国"
    assert (
        window.list_page.model.data(window.list_page.model.index(1, COL_LAST_VISIT)) == "从未走访"
    )


def test_enter_opens_the_household(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(window, qtbot, "周秀英")
    page = window.list_page
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    view = window.tabs.currentWidget()
    assert isinstance(view, HouseholdView)
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=5000)
    assert view.title.text() == "周秀英户"
    assert window.tabs.tabText(window.tabs.currentIndex()) == "周秀英"
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc closes the tab, the list stays
    assert window.tabs.count() == 1
    assert window.tabs.currentWidget() is page


def test_list_follows_a_new_household(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from fieldsurvey.ui import ops
    from tests.support.factories import household

    h = household("6107281010020099", village=VILLAGE_B)
    h.members[0].name = "孙立新"
    with qtbot.waitSignal(window.list_page.loaded, timeout=5000):
        window.ctx.ops.run(ops.add_household(h))
    wait_ops(window)
    assert window.list_page.model.total == 6
    search(window, qtbot, "slx")
    assert heads(window) == ["孙立新"]


# -- the index itself, without widgets -------------------------------------------------------
def summary(n: int, name: str, initials: str, **extra: object) -> HouseholdSummary:
    values = dict(
        household_id=f"h{n}",
        household_no=f"61072810100100{n:02d}",
        division_code=VILLAGE_A,
        group="一组",
        head_name=name,
        head_id_number=f"61072819800101{n:03d}X",
        head_initials=initials,
        member_count=3,
        status="exited",
        poverty_category="general",
        household_type="exited",
        flags=(),
        flag_bits=0,
        last_visit_date=None,
    )
    values.update(extra)
    return HouseholdSummary(**values)  # type: ignore[arg-type]


def test_growing_search_term_searches_only_the_previous_result() -> None:
    rows = [summary(1, "王建国", "wjg"), summary(2, "王丽", "wl"), summary(3, "李四", "ls")]
    index = HouseholdIndex(rows, {})
    order = index.order(0)
    first = index.filter(FilterState(search="w"), order)
    assert [rows[i].head_name for i in first] == ["王建国", "王丽"]
    narrowed = index.filter(
        FilterState(search="wj"), order, previous=(FilterState(search="w"), first)
    )
    assert [rows[i].head_name for i in narrowed] == ["王建国"]
    # a different filter must not reuse the previous result
    other = index.filter(
        FilterState(search="wj", status="not_exited"),
        order,
        previous=(FilterState(search="w"), first),
    )
    assert other == []


def test_not_visited_counts_never_visited_and_old_visits() -> None:
    today = date(2025, 6, 30)
    rows = [
        summary(1, "甲", "j", last_visit_date=today - timedelta(days=5)),
        summary(2, "乙", "y", last_visit_date=today - timedelta(days=45)),
        summary(3, "丙", "b", last_visit_date=today - timedelta(days=200)),
        summary(4, "丁", "d"),
    ]
    index = HouseholdIndex(rows, {}, today=today)
    order = index.order(0)
    assert [
        rows[i].head_name for i in index.filter(FilterState(problem=NOT_VISITED_30), order)
    ] == ["乙", "丙", "丁"]
    assert [
        rows[i].head_name for i in index.filter(FilterState(problem=NOT_VISITED_90), order)
    ] == ["丙", "丁"]
