"""The frame the county dialogs share: labelled fields, an error line and OK/Cancel.

The rows are added with blank labels and named on ``retranslate`` (a language switch renames
them in place), and OK runs the dialog's own check rather than closing, so a refused entry stays
on screen with its reason. The words stay in each dialog: their translations belong to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.ui.widgets import Retranslating, error_label


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK and Cancel; OK calls ``on_ok`` (which accepts when the entry will do), Cancel rejects."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def name_rows(form: QFormLayout, texts: Sequence[str]) -> None:
    """Set the labels of a form's rows, in order (the rows were added with blank labels)."""
    for row, text in enumerate(texts):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel):
            label.setText(text)


class FormDialog(Retranslating, QDialog):
    """A dialog of ``fields`` under any ``above`` widgets, then ``error`` and ``buttons``; OK runs
    ``on_ok``. Subclasses build their fields, call ``lay_out`` and name the rows in
    ``retranslate`` with ``name_rows(self.form, ...)``."""

    def lay_out(
        self,
        fields: Sequence[QWidget],
        on_ok: Callable[[], None],
        above: Sequence[QWidget] = (),
    ) -> None:
        self.error = error_label()
        self.buttons = ok_cancel(self, on_ok)
        self.form = QFormLayout()
        for field in fields:
            self.form.addRow(QLabel(), field)
        layout = QVBoxLayout(self)
        for widget in above:
            layout.addWidget(widget)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
