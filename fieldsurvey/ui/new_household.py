"""A new household found on a visit (a split household, a newly monitored family).

Created here with its head; everything else is collected by the first visit's forms. The new
record goes to the outbox like any local edit, so the county sees it at the next sync.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.validation import errors_only, validate_household
from fieldsurvey.ui import ops
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.errors import message_for
from fieldsurvey.ui.household_list import HouseholdIndex
from fieldsurvey.ui.i18n import t
from fieldsurvey.ui.person_fields import PersonFields
from fieldsurvey.ui.widgets import Retranslating, error_label


class NewHouseholdDialog(Retranslating, QDialog):
    created = Signal(str)  # household_id

    def __init__(
        self, ctx: AppContext, index: HouseholdIndex | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.index = index
        self.household_no = QLineEdit()
        self.village = QComboBox()
        self.village.setEditable(True)
        self.group = QComboBox()
        self.group.setEditable(True)
        self.status = QComboBox()
        self.household_type = QComboBox()
        self.category = QComboBox()
        self.phone = QLineEdit()
        self.head = PersonFields(head=True)
        self.error = error_label()
        self.labels = [QLabel() for _ in range(7)]
        form = QFormLayout()
        widgets = (
            self.household_no,
            self.village,
            self.group,
            self.status,
            self.household_type,
            self.category,
            self.phone,
        )
        for label, w in zip(self.labels, widgets, strict=True):
            form.addRow(label, w)
            label.setBuddy(w)
        self.head_box = QGroupBox()
        QVBoxLayout(self.head_box).addWidget(self.head)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.head_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if index is not None:
            for code, name in sorted(index.village_names.items(), key=lambda x: x[1]):
                self.village.addItem(name, code)
        self.village.currentIndexChanged.connect(self._fill_groups)
        self._fill_groups()
        self.setMinimumWidth(520)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New household"))
        texts = (
            self.tr("Household n&o.:"),
            self.tr("&Village (name or 12-digit code):"),
            self.tr("&Group:"),
            self.tr("&Status:"),
            self.tr("&Type:"),
            self.tr("&Poverty category:"),
            self.tr("Phon&e:"),
        )
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.head_box.setTitle(self.tr("Head of household"))
        for combo, name, none_allowed in (
            (self.status, "status", False),
            (self.household_type, "household_type", True),
            (self.category, "poverty_category", True),
        ):
            current = combo.currentData()
            combo.clear()
            if none_allowed:
                combo.addItem(self.tr("(not set)"), None)
            for c in code_list(name):
                combo.addItem(t(c.label), c.code)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)

    def _fill_groups(self) -> None:
        self.group.clear()
        if self.index is not None:
            for g in self.index.groups_of(self.village.currentData()):
                self.group.addItem(g)
        self.group.setCurrentText("")

    def _village_code(self) -> DivisionCode | None:
        text = self.village.currentText().strip()
        i = self.village.findText(text)
        code = self.village.itemData(i) if i >= 0 else text
        try:
            parsed = DivisionCode.parse(str(code))
        except UserError:
            return None
        return parsed if parsed.level == "village" else None

    def household(self) -> Household | str:
        no = self.household_no.text().strip()
        if not no:
            return self.tr("Enter the household number.")
        if self.index is not None and any(s.household_no == no for s in self.index.rows):
            return self.tr("This household number already exists.")
        code = self._village_code()
        if code is None:
            return self.tr("Choose a village, or type its 12-digit code.")
        problem = self.head.problem()
        if problem:
            return problem
        h = Household(
            household_no=no,
            division_code=code,
            group=self.group.currentText().strip() or None,
            phone=self.phone.text().strip() or None,
            status=self.status.currentData(),
            household_type=self.household_type.currentData(),
            poverty_category=self.category.currentData(),
            members=[self.head.member()],
        )
        errors = errors_only(validate_household(h))
        return t(errors[0].message()) if errors else h

    def _save(self) -> None:
        result = self.household()
        if isinstance(result, str):
            self.error.setText(result)
            return
        self.buttons.setEnabled(False)
        self.ctx.ops.run(
            ops.add_household(result),
            owner=self,
            on_done=self._done,
            on_error=self._failed,
            name="new household",
        )

    def _done(self, household_id: str) -> None:
        self.accept()
        self.created.emit(household_id)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message_for(error) or "")
