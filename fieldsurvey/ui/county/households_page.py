"""The county's households: filters, a lazily paged list, and the household beside it.

Filtering happens on the server (``GET /county/households``); the list holds only the pages
scrolled through. A dashboard number opens this page with its exact filter (``show_filter``),
shown in a banner that also offers to clear it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from fieldsurvey.api.lists import HouseholdItem
from fieldsurvey.core.assessment_result import DIMENSIONS, FLAG_LABELS
from fieldsurvey.core.codes import code_list
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.household_detail import HouseholdDetail
from fieldsurvey.ui.county.paged_model import Column, Fetch, list_fetch
from fieldsurvey.ui.county.widgets import ScopePicker, lay_out_list_page, paged_list
from fieldsurvey.ui.widgets import Retranslating

FILTER_KEYS = (
    "scope",
    "status",
    "household_type",
    "monitored",
    "poor",
    "fails",
    "unknown",
    "not_assessed",
    "not_visited_days",
    "flag",
    "household_no",
)


def columns() -> list[Column]:
    return [
        Column(
            "household_no",
            lambda: QCoreApplication.translate("CountyHouseholds", "Household no."),
            lambda r: r.household_no,
        ),
        Column(
            "village",
            lambda: QCoreApplication.translate("CountyHouseholds", "Village"),
            lambda r: r.village,
        ),
        Column(
            "group",
            lambda: QCoreApplication.translate("CountyHouseholds", "Group"),
            lambda r: r.group or "",
        ),
        Column(
            "head",
            lambda: QCoreApplication.translate("CountyHouseholds", "Head"),
            lambda r: r.head_name or "",
        ),
        Column(
            "id",
            lambda: QCoreApplication.translate("CountyHouseholds", "ID number"),
            lambda r: r.head_id_number or "",
        ),
        Column(
            "members",
            lambda: QCoreApplication.translate("CountyHouseholds", "Members"),
            lambda r: str(r.member_count),
        ),
        Column(
            "status",
            lambda: QCoreApplication.translate("CountyHouseholds", "Status"),
            lambda r: labels.status(r.status),
        ),
        Column(
            "type",
            lambda: QCoreApplication.translate("CountyHouseholds", "Type"),
            lambda r: labels.household_type(r.household_type),
        ),
        Column(
            "failing",
            lambda: QCoreApplication.translate("CountyHouseholds", "Not met"),
            lambda r: "、".join(labels.dimension(d) for d in r.failing),
            lambda r: "#b3261e" if r.failing else None,
        ),
        Column(
            "last_visit",
            lambda: QCoreApplication.translate("CountyHouseholds", "Last visit"),
            lambda r: r.last_visit_date or QCoreApplication.translate("CountyHouseholds", "never"),
        ),
    ]


class HouseholdsPage(Retranslating, QWidget):
    print_household = Signal(str, str, str)

    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter: dict[str, Any] = {}
        self.model, self.view, self.count = paged_list(
            self, ctx, columns(), self._fetch(), "households", self._selected
        )
        self.scope = ScopePicker(ctx)
        self.status = QComboBox()
        self.kind = QComboBox()
        self.problem = QComboBox()
        self.number = QLineEdit()
        self.number.setClearButtonEnabled(True)
        self.number.setMaximumWidth(200)
        self.number.returnPressed.connect(self._from_controls)
        self.scope.changed.connect(lambda _s: self._from_controls())
        for combo in (self.status, self.kind, self.problem):
            combo.currentIndexChanged.connect(lambda _i: self._from_controls())
        self.banner = QLabel()
        self.banner.setStyleSheet("background: #e8f0fe; padding: 4px 8px;")
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear_filter)
        self.detail = HouseholdDetail(ctx)
        self.detail.print_requested.connect(self.print_household.emit)

        banner = QHBoxLayout()
        banner.addWidget(self.banner, 1)
        banner.addWidget(self.clear_button)
        lay_out_list_page(
            self,
            (self.scope, self.status, self.kind, self.problem, self.number),
            self.view,
            self.count,
            self.detail,
            (760, 520),
            above_list=banner,
        )
        self._quiet = False
        self.retranslate()
        self._show_banner(None)

    # -- filters -----------------------------------------------------------------------------
    def _fetch(self) -> Fetch:
        params = {k: v for k, v in self.filter.items() if k in FILTER_KEYS}
        return list_fetch(HouseholdItem, "/county/households", **params)

    def _from_controls(self) -> None:
        if self._quiet:
            return
        f: dict[str, Any] = {}
        if self.scope.scope():
            f["scope"] = self.scope.scope()
        if self.status.currentData():
            f["status"] = self.status.currentData()
        kind = self.kind.currentData()
        if kind == "monitored":
            f["monitored"] = True
        elif kind:
            f["household_type"] = kind
        problem = self.problem.currentData()
        if problem:
            key, _, value = str(problem).partition(":")
            f[key] = (
                int(value)
                if key == "not_visited_days"
                else (True if key == "not_assessed" else value)
            )
        if self.number.text().strip():
            f["household_no"] = self.number.text().strip()
        self.filter = f
        self._show_banner(None)
        self.model.set_fetch(self._fetch())

    def show_filter(self, f: dict[str, Any], description: str) -> None:
        """Open the list under exactly ``f`` (a dashboard number's filter)."""
        self._quiet = True
        self.scope.set_scope(f.get("scope"))
        for combo, value in (
            (self.status, f.get("status")),
            (self.kind, "monitored" if f.get("monitored") else f.get("household_type")),
            (self.problem, _problem_key(f)),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.number.setText(str(f.get("household_no") or ""))
        self._quiet = False
        self.filter = {k: v for k, v in f.items() if k in FILTER_KEYS}
        self._show_banner(description)
        self.model.set_fetch(self._fetch())

    def clear_filter(self) -> None:
        self._quiet = True
        self.scope.set_scope(None)
        for combo in (self.status, self.kind, self.problem):
            combo.setCurrentIndex(0)
        self.number.clear()
        self._quiet = False
        self._from_controls()

    def _show_banner(self, description: str | None) -> None:
        self.banner.setText(
            self.tr("Households behind: %1").replace("%1", description) if description else ""
        )
        self.banner.setVisible(bool(description))
        self.clear_button.setVisible(bool(description))

    def refresh(self) -> None:
        self.model.reload()
        self.detail.show_household(self.detail.household_id)

    def _selected(self, row: HouseholdItem | None) -> None:
        self.detail.show_household(row.household_id if row else None)

    # -- texts -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self._quiet = True
        keep = (self.status.currentData(), self.kind.currentData(), self.problem.currentData())
        self.status.clear()
        self.status.addItem(self.tr("Any status"), None)
        for c in code_list("status"):
            self.status.addItem(labels.status(c.code), c.code)
        self.kind.clear()
        self.kind.addItem(self.tr("Any type"), None)
        self.kind.addItem(self.tr("Monitored (any type)"), "monitored")
        for c in code_list("household_type"):
            self.kind.addItem(labels.household_type(c.code), c.code)
        self.problem.clear()
        self.problem.addItem(self.tr("Any problem"), None)
        for d in DIMENSIONS:
            self.problem.addItem(
                self.tr("Fails: %1").replace("%1", labels.dimension(d)), f"fails:{d}"
            )
        for d in DIMENSIONS:
            self.problem.addItem(
                self.tr("Unknown: %1").replace("%1", labels.dimension(d)), f"unknown:{d}"
            )
        for f in FLAG_LABELS:
            self.problem.addItem(labels.flag(f), f"flag:{f}")
        self.problem.addItem(self.tr("Not visited in 30 days"), "not_visited_days:30")
        self.problem.addItem(self.tr("Not visited in 90 days"), "not_visited_days:90")
        self.problem.addItem(self.tr("Never assessed"), "not_assessed:1")
        for combo, value in zip((self.status, self.kind, self.problem), keep, strict=True):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.number.setPlaceholderText(self.tr("Household number"))
        self.clear_button.setText(self.tr("Show all"))
        self._quiet = False
        self.model.retranslate()


def _problem_key(f: dict[str, Any]) -> str | None:
    for key in ("fails", "unknown", "flag"):
        if f.get(key):
            return f"{key}:{f[key]}"
    if f.get("not_visited_days"):
        return f"not_visited_days:{f['not_visited_days']}"
    if f.get("not_assessed"):
        return "not_assessed:1"
    return None
