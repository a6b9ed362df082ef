"""Member changes (人员变更): a birth, a marriage, a death, a move, with the domain's reasons.

A member who leaves stays in the record with ``present = False`` (history is kept); one who
joins is added. When the head leaves, another member becomes head. The household and the change
record are saved together on the worker.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.household import Household
from fieldsurvey.core.validation import errors_only, validate_household
from fieldsurvey.core.visit import MemberChange
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.i18n import code_label, t
from fieldsurvey.ui.person_fields import PersonFields
from fieldsurvey.ui.widgets import Retranslating, error_label


def direction(reason: str | None) -> str | None:
    item = code_list("member_change_reason").get(reason) if reason else None
    return item.extra.get("direction") if item else None


class MemberChangeDialog(Retranslating, QDialog):
    def __init__(
        self, ctx: AppContext, household: Household, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household = household
        self.reason = QComboBox()
        self.when = QDateEdit(QDate.currentDate())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd")
        self.when.setMaximumDate(QDate.currentDate())
        self.leaving = QComboBox()
        self.new_head = QComboBox()
        self.person = PersonFields()
        self.note = QLineEdit()
        self.error = error_label()
        self.labels = {k: QLabel() for k in ("reason", "when", "leaving", "new_head", "note")}
        form = QFormLayout()
        form.addRow(self.labels["reason"], self.reason)
        form.addRow(self.labels["when"], self.when)
        form.addRow(self.labels["leaving"], self.leaving)
        form.addRow(self.labels["new_head"], self.new_head)
        form.addRow(self.labels["note"], self.note)
        for key, w in (
            ("reason", self.reason),
            ("when", self.when),
            ("leaving", self.leaving),
            ("new_head", self.new_head),
            ("note", self.note),
        ):
            self.labels[key].setBuddy(w)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.person)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.currentIndexChanged.connect(self._layout_for_reason)
        self.leaving.currentIndexChanged.connect(self._layout_for_reason)
        self.setMinimumWidth(500)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Member change"))
        self.labels["reason"].setText(self.tr("&Reason:"))
        self.labels["when"].setText(self.tr("&Date:"))
        self.labels["leaving"].setText(self.tr("&Member leaving:"))
        self.labels["new_head"].setText(self.tr("New &head:"))
        self.labels["note"].setText(self.tr("N&ote:"))
        current = self.reason.currentData()
        self.reason.blockSignals(True)
        self.reason.clear()
        self.reason.addItem(self.tr("(choose)"), None)
        for c in code_list("member_change_reason"):
            arrow = "→" if c.extra.get("direction") == "in" else "←"
            self.reason.addItem(f"{arrow} {t(c.label)}", c.code)
        self.reason.setCurrentIndex(max(0, self.reason.findData(current)) if current else 0)
        self.reason.blockSignals(False)
        leaving = self.leaving.currentData()
        self.leaving.blockSignals(True)
        self.leaving.clear()
        for m in self.household.present_members:
            self.leaving.addItem(f"{m.name}({code_label('relation', m.relation)})", m.member_id)
        self.leaving.setCurrentIndex(max(0, self.leaving.findData(leaving)) if leaving else 0)
        self.leaving.blockSignals(False)
        self._layout_for_reason()

    def _layout_for_reason(self) -> None:
        way = direction(self.reason.currentData())
        out = way == "out"
        self.person.setVisible(way == "in")
        for key, widget in (("leaving", self.leaving), ("note", self.note)):
            widget.setVisible(out if key == "leaving" else way is not None)
            self.labels[key].setVisible(widget.isVisibleTo(self))
        leaving = (
            self.household.member(self.leaving.currentData())
            if out and self.leaving.currentData()
            else None
        )
        head_leaves = bool(leaving and leaving.is_head)
        self.new_head.clear()
        if head_leaves:
            for m in self.household.present_members:
                if m.member_id != leaving.member_id:  # type: ignore[union-attr]
                    self.new_head.addItem(m.name, m.member_id)
        self.new_head.setVisible(head_leaves)
        self.labels["new_head"].setVisible(head_leaves)
        self.adjustSize()

    def changed_household(self) -> tuple[Household, MemberChange] | str:
        """The household after the change and the change record, or what is wrong."""
        reason = self.reason.currentData()
        way = direction(reason)
        if way is None:
            return self.tr("Choose the reason for the change.")
        h = copy.deepcopy(self.household)
        when = self.when.date().toPython()
        if way == "in":
            problem = self.person.problem()
            if problem:
                return problem
            member = self.person.member()
            if any(m.id_number == member.id_number for m in h.present_members):
                return self.tr("This ID number already belongs to a member of the household.")
            h.members.append(member)
            member_id = member.member_id
        else:
            member_id = self.leaving.currentData()
            leaving = h.member(member_id) if member_id else None
            if leaving is None:
                return self.tr("Choose the member who leaves.")
            if len(h.present_members) == 1:
                return self.tr(
                    "The last member cannot leave; the county closes a household record."
                )
            if leaving.is_head:
                new_head = (
                    h.member(self.new_head.currentData()) if self.new_head.currentData() else None
                )
                if new_head is None:
                    return self.tr("Choose the new head of the household.")
                new_head.relation = "02"
            leaving.present = False
        errors = errors_only(validate_household(h))
        if errors:
            return t(errors[0].message())
        note = self.note.text().strip() or None
        return h, MemberChange(h.household_id, member_id, reason, when, note=note)

    def _save(self) -> None:
        result = self.changed_household()
        if isinstance(result, str):
            self.error.setText(result)
            return
        household, change = result
        self.buttons.setEnabled(False)
        self.ctx.ops.run(
            ops.change_member(household, change),
            owner=self,
            on_done=lambda _r: self.accept(),
            on_error=self._failed,
            name="member change",
        )

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message_for(error) or "")
