"""The dashboard's numbers, and one click from each number to exactly its households.

The expected sets are computed here independently, with ``core.assessment.assess`` on the very
households the server was given; the window must show those counts and, when a number or a bar
is clicked, list exactly those households. Runs on SQLite and (marked) on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.assessment_result import DIMENSIONS, NOT_MET
from tests.support.county import (
    STAFF_PASSWORD,
    TOWNSHIP,
    CountyServer,
    close,
    county_process,
    sign_in,
    wait,
)
from tests.support.server import BACKENDS, VILLAGE_A


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CountyServer]:
    yield from county_process(tmp_path_factory.mktemp(f"dash-{request.param}"), request.param)


@pytest.fixture
def window(app, qtbot, county: CountyServer, tmp_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    controller = sign_in(qtbot, county.url, tmp_path / "home", "staff", STAFF_PASSWORD)
    yield controller
    close(controller)


def expected_failing(county: CountyServer, dimension: str) -> set[str]:
    return {
        h.household_id
        for h in county.households.values()
        if assess(h, on=date.today()).outcome(dimension) == NOT_MET
    }


def listed(qtbot: Any, controller: Any) -> set[str]:
    page = controller.window.households
    wait(controller)
    qtbot.waitUntil(lambda: not page.model.loading, timeout=20_000)
    while page.model.canFetchMore():
        page.model.fetchMore()
        wait(controller)
    return {r.household_id for r in page.model.rows}


def click_cell(qtbot: Any, table: Any, row: int, column: int) -> None:
    rect = table.visualItemRect(table.item(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def column_of(table: Any, header: str) -> int:
    return next(
        c for c in range(table.columnCount()) if table.horizontalHeaderItem(c).text() == header
    )


def test_each_dimension_count_opens_exactly_its_households(
    window: Any, county: CountyServer, qtbot: Any
) -> None:
    dash = window.window.dashboard
    d = dash.data
    assert d.total["households"] == len(county.households)
    assert expected_failing(county, "housing") == county.ids(
        "li", "sun"
    )  # the test is about something
    assert expected_failing(county, "medical") == county.ids("chen")
    table = dash.guarantees_table
    total_row = table.rowCount() - 1
    assert table.item(total_row, 0).text() == dash.tr("Total")
    for i, dimension in enumerate(DIMENSIONS):
        expected = expected_failing(county, dimension)
        assert d.total[f"fails.{dimension}"] == len(expected), dimension
        if not expected:
            assert (
                table.item(total_row, i + 1).data(Qt.ItemDataRole.UserRole + 1) is None
            )  # a zero is not a link
            continue
        window.window.tabs.setCurrentWidget(dash)
        click_cell(qtbot, table, total_row, i + 1)
        assert window.window.tabs.currentWidget() is window.window.households
        assert listed(qtbot, window) == expected, dimension
        assert window.window.households.model.total == len(expected)
        assert window.window.households.banner.isVisible()


def test_a_bar_and_a_village_row_open_their_households(
    window: Any, county: CountyServer, qtbot: Any
) -> None:
    dash = window.window.dashboard
    dash.fails_chart.bar_clicked.emit(DIMENSIONS.index("education"))
    assert listed(qtbot, window) == expected_failing(county, "education") == county.ids("zhao")

    window.window.tabs.setCurrentWidget(dash)
    with qtbot.waitSignal(dash.loaded, timeout=20_000):
        dash.scope.set_scope(TOWNSHIP)
        dash.refresh()
    table = dash.people_table
    village_row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "示范村")
    column = column_of(table, "未脱贫")
    assert table.item(village_row, column).text() == "2"
    click_cell(qtbot, table, village_row, column)
    assert listed(qtbot, window) == county.ids("li", "sun")

    window.window.tabs.setCurrentWidget(dash)
    click_cell(
        qtbot,
        dash.coverage_table,
        0,
        column_of(dash.coverage_table, dash.tr("not visited in 90 days")),
    )
    assert listed(qtbot, window) == {
        h.household_id for h in county.households.values() if h.division_code.value == VILLAGE_A
    }


def test_poverty_incidence_uses_the_countys_population_when_given(
    window: Any, county: CountyServer, qtbot: Any
) -> None:
    dash = window.window.dashboard
    [a] = [v for v in dash.data.incidence if v.village_code == VILLAGE_A]
    poor = sum(
        h.size
        for h in county.households.values()
        if h.division_code.value == VILLAGE_A and h.status != "exited"
    )
    people = sum(h.size for h in county.households.values() if h.division_code.value == VILLAGE_A)
    assert (a.poor_people, a.population, a.population_source) == (poor, people, "roster")
    assert (
        a.standard_percent == 3 and a.meets_standard is False
    )  # Shaanxi: western standard, unverified
    # relapse rate per village (Shaanxi sets no target) and the unverified values for staff to settle
    relapsed = sum(
        h.size
        for h in county.households.values()
        if h.division_code.value == VILLAGE_A and h.status == "relapsed"
    )
    exited = sum(
        h.size
        for h in county.households.values()
        if h.division_code.value == VILLAGE_A and h.status in ("exited", "relapsed")
    )
    assert (a.relapsed_people, a.exited_people) == (
        relapsed,
        exited,
    ) and a.relapse_target_percent is None
    listed = dash.data.unverified_policy
    assert (
        dash.policy_note.isVisibleTo(dash) and f"有 {len(listed)} 项" in dash.policy_note.text()
    )  # the test runs in Chinese
    assert "monitoring_threshold:thresholds.610000.2025" in dash.policy_note.toolTip()
    assert (
        "340000" not in dash.policy_note.toolTip()
    )  # another province's values are not this county's concern
    admin = county.token("admin", "admin-pass-123")
    r = county.api(
        "PUT",
        f"/populations/{VILLAGE_A}",
        admin,
        json={"rural_population": 1000, "source": "县统计局2025年末户籍人口"},
    )
    assert r.status_code == 200
    try:
        with qtbot.waitSignal(dash.loaded, timeout=20_000):
            dash.refresh()
        [a] = [v for v in dash.data.incidence if v.village_code == VILLAGE_A]
        assert a.population_source == "county" and a.rate_percent == round(100 * poor / 1000, 2)
        assert a.meets_standard is (100 * poor / 1000 < 3)
        assert (
            county.api("GET", "/audit", params={"action": "population_set"}).json()["items"][0][
                "subject"
            ]
            == VILLAGE_A
        )
    finally:
        county.api("PUT", f"/populations/{VILLAGE_A}", admin, json={"rural_population": None})


def test_bar_labels_are_whole_and_count_axes_show_whole_numbers(window: Any, qtbot: Any) -> None:
    from PySide6.QtGui import QFontMetrics

    from fieldsurvey.ui.county import labels
    from fieldsurvey.ui.label_wrap import wrap_text

    page = window.window.dashboard
    chart = page.fails_chart
    metrics = QFontMetrics(chart.tick_font)
    bottom = chart.plot.getAxis("bottom")

    def relabelled(width: int) -> bool:
        """The window at ``width`` and the bar labels wrapped for the bars' slots at that size."""
        if window.window.width() != width:
            return False
        slot = int(chart.plot.getViewBox().width() / len(chart.labels)) - 6
        wanted = [(i, wrap_text(label, metrics, slot)) for i, label in enumerate(chart.labels)]
        return list(bottom._tickLevels[0]) == wanted

    wrapped = False
    for width in (1366, 900):  # a laptop's screen, then a narrow window where labels must wrap
        window.window.resize(width, 768)
        qtbot.waitUntil(lambda width=width: relabelled(width), timeout=5000)
        ticks = bottom._tickLevels[0]
        shown = [text.replace("\n", "") for _x, text in ticks]
        assert shown == [labels.dimension(d) for d in DIMENSIONS]  # none cut short with "…"
        slot = chart.plot.getViewBox().width() / len(ticks)
        assert all(
            metrics.horizontalAdvance(line) <= slot
            for _x, text in ticks
            for line in text.split("\n")
        ), (width, ticks)
        assert all(len(line) > 1 for _x, text in ticks for line in text.split("\n"))
        wrapped = wrapped or any("\n" in text for _x, text in ticks)
    assert wrapped  # 义务教育有保障 is wider than its bar in the narrow window
    for counts in (page.fails_chart, page.status_chart, page.batches_chart):
        left = counts.plot.getAxis("left")._tickLevels
        assert left is not None and all(
            float(text).is_integer() and int(text) == value for value, text in left[0]
        )
    assert (
        page.incidence_chart.plot.getAxis("left")._tickLevels is None
    )  # a percentage: pyqtgraph's own ticks
