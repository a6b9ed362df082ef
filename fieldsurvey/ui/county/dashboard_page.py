"""The dashboard: a county, township or village in charts and tables, every number one click from its list.

The server computes the numbers (``GET /dashboard``) and sends, for each measure, the filter
that lists the households behind it. A click on a number in a table, or on a bar, emits
``open_list(filter, description)``; the window opens the household list with exactly that
filter, so the list and the number cannot disagree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.dashboard import Dashboard, Reassessed, UnverifiedPolicy
from fieldsurvey.core.assessment_result import DIMENSIONS
from fieldsurvey.core.codes import code_list
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.charts import PALETTE, BarChart, LineChart
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.widgets import ScopePicker
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.i18n import lang
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import Retranslating, inform

ROLE_FILTER = int(Qt.ItemDataRole.UserRole) + 1
LINK = QColor("#1a55a8")


class MeasureTable(QTableWidget):
    """Rows (places) × measures; a click on a count emits its filter and what it counts."""

    number_clicked = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.cellClicked.connect(self._clicked)

    def fill(
        self, headers: list[str], rows: list[tuple[str, list[tuple[str, dict[str, Any] | None]]]]
    ) -> None:
        """``rows``: (place name, [(shown text, filter or None)]) — a filter makes the cell a link."""
        self.clear()
        self.setColumnCount(len(headers) + 1)
        self.setHorizontalHeaderLabels(["", *headers])
        self.setRowCount(len(rows))
        underline = QFont(self.font())
        underline.setUnderline(True)
        for r, (name, cells) in enumerate(rows):
            self.setItem(r, 0, QTableWidgetItem(name))
            for c, (text, f) in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if f is not None:
                    item.setData(ROLE_FILTER, f)
                    item.setForeground(QBrush(LINK))
                    item.setFont(underline)
                    item.setToolTip(self.headerItem_text(c) + " — " + name)
                self.setItem(r, c, item)

    def headerItem_text(self, column: int) -> str:
        item = self.horizontalHeaderItem(column)
        return item.text() if item else ""

    def _clicked(self, row: int, column: int) -> None:
        item = self.item(row, column)
        f = item.data(ROLE_FILTER) if item else None
        if f is not None:
            place = self.item(row, 0).text() if self.item(row, 0) else ""
            self.number_clicked.emit(
                dict(f), f"{self.headerItem_text(column)} · {place} ({item.text()})"
            )


class DashboardPage(Retranslating, QWidget):
    open_list = Signal(object, str)  # filter dict, description
    loaded = Signal()

    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Dashboard | None = None
        self.scope = ScopePicker(ctx)
        self.scope.changed.connect(lambda _s: self.refresh())
        self.as_of = QLabel()
        self.reassess_button = QPushButton()
        self.reassess_button.clicked.connect(self._reassess)
        self.reassess_button.setVisible(ctx.me.is_staff)
        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addStretch(1)
        top.addWidget(self.as_of)
        top.addWidget(self.reassess_button)

        self.fails_chart = BarChart()
        self.fails_chart.bar_clicked.connect(self._fails_bar)
        self.status_chart = BarChart()
        self.status_chart.bar_clicked.connect(self._status_bar)
        self.incidence_chart = BarChart()
        self.incidence_chart.bar_clicked.connect(self._incidence_bar)
        self.batches_chart = LineChart()
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, chart in enumerate(
            (self.fails_chart, self.status_chart, self.incidence_chart, self.batches_chart)
        ):
            grid.addWidget(chart, i // 2, i % 2)

        self.tables = QTabWidget()
        self.people_table = MeasureTable()
        self.guarantees_table = MeasureTable()
        self.coverage_table = MeasureTable()
        self.incidence_table = MeasureTable()
        self.batches_table = MeasureTable()
        for table in (
            self.people_table,
            self.guarantees_table,
            self.coverage_table,
            self.incidence_table,
        ):
            table.number_clicked.connect(self.open_list.emit)
            self.tables.addTab(table, "")
        self.tables.addTab(self.batches_table, "")
        self.incidence_note = QLabel()
        self.incidence_note.setWordWrap(True)
        self.incidence_note.setStyleSheet("color: #555;")
        # Policy values still to verify: county staff settle them; households never see them.
        self.policy_note = QLabel()
        self.policy_note.setWordWrap(True)
        self.policy_note.setStyleSheet("color: #8a4b00;")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.tables, 1)
        lower_layout.addWidget(self.incidence_note)
        lower_layout.addWidget(self.policy_note)
        split.addWidget(lower)
        split.setSizes([360, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.retranslate()

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        scope = self.scope.scope()

        def op(_env: OpEnv) -> Dashboard:
            return self.ctx.client.get_as(
                Dashboard, "/dashboard", params={"scope": scope} if scope else {}
            )

        self.ctx.ops.run(
            op,
            owner=self,
            on_done=self._show,
            on_error=lambda e: show_error(self, e, "dashboard"),
            name="dashboard",
        )

    def _show(self, data: Dashboard) -> None:
        self.data = data
        self.retranslate()
        self.loaded.emit()

    def _reassess(self) -> None:
        scope = self.scope.scope()

        def op(_env: OpEnv) -> Reassessed:
            return self.ctx.client.get_as(
                Reassessed, "/reassess", method="POST", params={"scope": scope} if scope else {}
            )

        def done(result: Reassessed) -> None:
            inform(
                self,
                self.tr("Re-assessed"),
                self.tr(
                    "%1 households were assessed again with the county's policy tables."
                ).replace("%1", f"{result.households:,}"),
            )
            self.ctx.data_changed.emit("registry")
            self.refresh()

        self.ctx.jobs.run_long(
            op,
            parent=self,
            title=self.tr("Assessing the households again…"),
            on_done=done,
            cancellable=False,
        )

    # -- drawing -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.reassess_button.setText(self.tr("Re-assess households"))
        self.reassess_button.setToolTip(
            self.tr(
                "Assess every household in this scope again from its record, with the "
                "county's policy tables (after the tables or records changed)."
            )
        )
        names = (
            self.tr("Households and people"),
            self.tr("Two assurances, three guarantees"),
            self.tr("Visit coverage"),
            self.tr("Poverty incidence"),
            self.tr("Batches per week"),
        )
        for i, name in enumerate(names):
            self.tables.setTabText(i, name)
        self.fails_chart.set_title(
            self.tr("Households failing each dimension (click a bar for the list)")
        )
        self.status_chart.set_title(self.tr("Households by status"))
        self.incidence_chart.set_title(
            self.tr("Poverty incidence per village (%); dashed line: the exit standard")
        )
        self.batches_chart.set_title(self.tr("Batches received per secretary per week"))
        if self.data is None:
            self.as_of.setText(self.tr("Loading…"))
            return
        d = self.data
        self.as_of.setText(
            self.tr("%1 · as of %2").replace("%1", d.scope.name).replace("%2", d.as_of)
        )
        self._fill_tables(d)
        self._draw_charts(d)

    def _rows(self, d: Dashboard) -> list[tuple[str, str, dict[str, int]]]:
        rows = [(r.code, r.name, r.counts) for r in d.rows]
        rows.append((d.scope.code, self.tr("Total"), d.total))
        return rows

    def _cells(
        self, d: Dashboard, code: str, counts: dict[str, int], measures: list[str]
    ) -> list[tuple[str, dict[str, Any] | None]]:
        cells: list[tuple[str, dict[str, Any] | None]] = []
        for m in measures:
            n = counts.get(m, 0)
            cells.append((f"{n:,}", {"scope": code, **d.filters[m]} if n else None))
        return cells

    def _fill_tables(self, d: Dashboard) -> None:
        statuses = code_list("status").codes()
        types = [c for c in code_list("household_type").codes() if c not in ("ordinary",)]
        people = [
            "households",
            "people",
            *[f"status.{s}" for s in statuses],
            *[f"status_people.{s}" for s in statuses],
            "monitored",
            "monitored_people",
            *[f"type.{t}" for t in types],
        ]
        headers = [
            self.tr("households"),
            self.tr("people"),
            *[labels.status(s) for s in statuses],
            *[self.tr("people: %1").replace("%1", labels.status(s)) for s in statuses],
            self.tr("monitored"),
            self.tr("people monitored"),
            *[labels.household_type(t) for t in types],
        ]
        rows = self._rows(d)
        self.people_table.fill(
            headers, [(name, self._cells(d, code, c, people)) for code, name, c in rows]
        )
        dims = [f"fails.{x}" for x in DIMENSIONS] + ["not_assessed"]
        self.guarantees_table.fill(
            [self.tr("fails: %1").replace("%1", labels.dimension(x)) for x in DIMENSIONS]
            + [self.tr("never assessed")],
            [(name, self._cells(d, code, c, dims)) for code, name, c in rows],
        )
        cover = ["households", "not_visited.30", "not_visited.90"]
        self.coverage_table.fill(
            [
                self.tr("households"),
                self.tr("not visited in 30 days"),
                self.tr("not visited in 90 days"),
            ],
            [(name, self._cells(d, code, c, cover)) for code, name, c in rows],
        )
        self._fill_incidence(d)
        self._fill_batches(d)

    def _fill_incidence(self, d: Dashboard) -> None:
        rows = []
        roster_used = False
        for v in d.incidence:
            roster_used |= v.population_source == "roster"
            rate = "—" if v.rate_percent is None else f"{v.rate_percent:.2f} %"
            standard = "—" if v.standard_percent is None else f"< {_number(v.standard_percent)} %"
            verdict = {True: self.tr("meets"), False: self.tr("does not meet"), None: "—"}[
                v.meets_standard
            ]
            source = (
                self.tr("county figure")
                if v.population_source == "county"
                else self.tr("people in the roster")
            )
            relapse = "—" if v.relapse_rate_percent is None else f"{v.relapse_rate_percent:.2f} %"
            relapse_target = (
                "—"
                if v.relapse_target_percent is None
                else f"< {_number(v.relapse_target_percent)} %"
            )
            relapse_verdict = {True: self.tr("meets"), False: self.tr("does not meet"), None: "—"}[
                v.meets_relapse_target
            ]
            rows.append(
                (
                    v.village,
                    [
                        (f"{v.poor_people:,}", v.filter),
                        (f"{v.population:,}", None),
                        (source, None),
                        (rate, None),
                        (standard, None),
                        (verdict, None),
                        (relapse, None),
                        (relapse_target, None),
                        (relapse_verdict, None),
                    ],
                )
            )
        self.incidence_table.fill(
            [
                self.tr("poor people"),
                self.tr("rural population"),
                self.tr("population from"),
                self.tr("incidence"),
                self.tr("exit standard"),
                self.tr("verdict"),
                self.tr("relapse rate"),
                self.tr("relapse target"),
                self.tr("relapse verdict"),
            ],
            rows,
        )
        notes = [
            self.tr(
                "Poverty incidence = people in households not exited or relapsed ÷ the village's rural population."
            )
        ]
        if roster_used:
            notes.append(
                self.tr(
                    "Where the county has not entered a village's rural population (Administration tab), the "
                    "people in the roster stand in for it, which overstates the incidence."
                )
            )
        unverified = [v for v in d.incidence if v.standard_verified is False]
        if unverified:
            # The table's source is a citation for county staff's policy view, not a sentence for the clerk.
            notes.append(
                self.tr(
                    "The exit standard is not yet verified in the policy tables: check it against the figure "
                    "your province published."
                )
            )
        notes.append(
            self.tr(
                "Relapse rate = people in relapsed households ÷ people in households that exited."
            )
        )
        total = d.relapse
        if total.relapse_rate_percent is not None:
            line = (
                self.tr("Relapse rate of %1: %2 %")
                .replace("%1", d.scope.name)
                .replace("%2", f"{total.relapse_rate_percent:.2f}")
            )
            if total.relapse_target_percent is not None:
                line += " " + (
                    self.tr("(target: below %1 %, met)")
                    if total.meets_relapse_target
                    else self.tr("(target: below %1 %, not met)")
                ).replace("%1", _number(total.relapse_target_percent))
            notes.append(line)
        target = d.income_target
        if target:
            notes.append(
                self.tr("Income target for the poor population in %1: %2 yuan per person.")
                .replace("%1", str(target.year))
                .replace("%2", f"{target.value:,.0f}")
            )
        self.incidence_note.setText(" ".join(notes))
        self._fill_policy_note(d.unverified_policy)

    def _fill_policy_note(self, unverified: list[UnverifiedPolicy]) -> None:
        """Which policy values in use are still unverified (run `fieldsurvey policy check` for all)."""
        if not unverified:
            self.policy_note.setText("")
            self.policy_note.setVisible(False)
            return
        english = lang() == "en"
        tables: dict[str, int] = {}
        for u in unverified:  # grouped by the table's title in the user's language, never by key
            title = (u.table_en if english else u.table_zh) or u.table
            tables[title] = tables.get(title, 0) + 1
        listed = (", " if english else "、").join(
            self.tr("%1 (%2)").replace("%1", title).replace("%2", str(n))
            for title, n in tables.items()
        )
        text = (
            self.tr(
                "Policy values used for this county not yet verified against the published document (%1): "
            ).replace("%1", str(len(unverified)))
            + listed
        )
        self.policy_note.setText(
            text + self.tr(". Confirm them and correct the county's policy tables.")
        )
        # Where to correct each one: the table's title, then the value's path in that table's file.
        self.policy_note.setToolTip(
            "\n".join(
                f"{u.table_en if english else u.table_zh}: {u.key} = {u.value}" for u in unverified
            )
        )
        self.policy_note.setVisible(True)

    def _fill_batches(self, d: Dashboard) -> None:
        b = d.batches_per_week
        if not b:
            self.batches_table.fill([], [])
            return
        weeks = [w[5:] for w in b.weeks]
        self.batches_table.fill(
            weeks,
            [(s.display_name or s.username, [(str(n), None) for n in s.counts]) for s in b.series],
        )

    def _draw_charts(self, d: Dashboard) -> None:
        total = d.total
        self.fails_chart.set_bars(
            [labels.dimension(x) for x in DIMENSIONS],
            [total[f"fails.{x}"] for x in DIMENSIONS],
            [PALETTE[3]] * len(DIMENSIONS),
        )
        statuses = code_list("status").codes()
        self.status_chart.set_bars(
            [labels.status(s) for s in statuses],
            [total[f"status.{s}"] for s in statuses],
            [PALETTE[i] for i in range(len(statuses))],
        )
        inc = [v for v in d.incidence if v.rate_percent is not None]
        standard = next((v.standard_percent for v in inc if v.standard_percent is not None), None)
        self.incidence_chart.set_bars(
            [v.village for v in inc],
            [v.rate_percent or 0.0 for v in inc],
            [PALETTE[3] if v.meets_standard is False else PALETTE[2] for v in inc],
            reference=standard,
            reference_label=self.tr("exit standard") if standard else "",
        )
        b = d.batches_per_week
        self.batches_chart.setVisible(bool(b))
        if b:
            series = [(s.display_name or s.username, s.counts) for s in b.series[:8]]
            self.batches_chart.set_series([w[5:] for w in b.weeks], series)

    # -- clicks on bars ----------------------------------------------------------------------
    def _emit(self, measure: str, title: str) -> None:
        if self.data is None:
            return
        d = self.data
        self.open_list.emit(
            {"scope": d.scope.code, **d.filters[measure]},
            f"{title} · {d.scope.name} ({d.total[measure]:,})",
        )

    def _fails_bar(self, index: int) -> None:
        dim = DIMENSIONS[index]
        self._emit(f"fails.{dim}", self.tr("fails: %1").replace("%1", labels.dimension(dim)))

    def _status_bar(self, index: int) -> None:
        status = code_list("status").codes()[index]
        self._emit(f"status.{status}", labels.status(status))

    def _incidence_bar(self, index: int) -> None:
        if self.data is None:
            return
        inc = [v for v in self.data.incidence if v.rate_percent is not None]
        if 0 <= index < len(inc):
            v = inc[index]
            self.open_list.emit(
                v.filter, self.tr("poor people") + f" · {v.village} ({v.poor_people:,})"
            )


def _number(value: float) -> str:
    """A percentage as the policy table states it: ``3``, not ``3.0`` (the answer's numbers are floats)."""
    return str(int(value)) if float(value).is_integer() else str(value)
