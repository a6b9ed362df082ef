"""The base of the visit editor's inputs: one widget per field, showing the engine's value and
emitting what the user entered (``committed``) for ``FormSession.set_value`` to coerce."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from fieldsurvey.forms.model import Choice, Field
from fieldsurvey.forms.rows import Row

TYPING_PAUSE_MS = 350


class FieldInput(QWidget):
    """Base of the inputs: ``show`` draws the engine's state, ``committed`` carries user input."""

    committed = Signal(object)

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = fld
        self._setting = False
        self.editable = True

    def show_row(self, row: Row, choices: Sequence[Choice], lang: str) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        return self

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self.setEnabled(editable)

    def commit_pending(self) -> bool:
        """Hand over typing not yet committed; True if something was emitted."""
        return False

    def _emit(self, raw: Any) -> None:
        if not self._setting and self.editable:
            self.committed.emit(raw)
