"""The conflict queue: a field both a laptop and the county changed, with the three values side by side.

For each conflict staff see the value the laptop's edit started from (base), the laptop's value
and the county's value, pick one or type another, and say why in a note. The server writes the
value as a new revision, audits the resolution and tells the laptop that raised the conflict on
its next sync. Kinds other than a field edit (a record removed on one side, a household number
already used) are closed with a note; the county's record stays as it is.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.api.county import Conflict
from fieldsurvey.api.lists import ListedConflict
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.local_time import local_minute
from fieldsurvey.core.text import Text
from fieldsurvey.ui.county import labels
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.county.paged_model import Column, Fetch, list_fetch
from fieldsurvey.ui.county.photos import CountyPhotos
from fieldsurvey.ui.county.widgets import ScopePicker, lay_out_list_page, paged_list, refill
from fieldsurvey.ui.errors import show_error
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.widgets import Retranslating, error_label, heading

SIDES = ("base", "device", "server")


def columns() -> list[Column]:
    return [
        Column(
            "created",
            lambda: QCoreApplication.translate("CountyConflicts", "Raised"),
            lambda r: local_minute(r.created_at),
        ),
        Column(
            "household",
            lambda: QCoreApplication.translate("CountyConflicts", "Household no."),
            lambda r: r.household_no,
        ),
        Column(
            "village",
            lambda: QCoreApplication.translate("CountyConflicts", "Village"),
            lambda r: r.village,
        ),
        Column(
            "record",
            lambda: QCoreApplication.translate("CountyConflicts", "Record"),
            lambda r: (
                labels.record_type(r.record_type) + (f" {r.record_label}" if r.record_label else "")
            ),
        ),
        Column(
            "field",
            lambda: QCoreApplication.translate("CountyConflicts", "Field"),
            lambda r: labels.field(r.field) if r.field != "*" else "—",
        ),
        Column(
            "secretary",
            lambda: QCoreApplication.translate("CountyConflicts", "From"),
            lambda r: r.display_name or r.user or "",
        ),
        Column(
            "status",
            lambda: QCoreApplication.translate("CountyConflicts", "Status"),
            lambda r: (
                QCoreApplication.translate("CountyConflicts", "open")
                if r.status == "open"
                else QCoreApplication.translate("CountyConflicts", "resolved")
            ),
            lambda r: "#a05a00" if r.status == "open" else "#1e7b34",
        ),
    ]


def typed(text: str, like: list[Any]) -> Any:
    """A typed value in the type of the values it replaces (numbers stay numbers)."""
    sample = next((v for v in like if v is not None), None)
    text = text.strip()
    if text == "":
        return None
    if isinstance(sample, bool):
        if text.lower() in ("是", "yes", "true", "1"):
            return True
        if text.lower() in ("否", "no", "false", "0"):
            return False
        raise UserError(Text("请填“是”或“否”", "enter yes or no"), code="bad_value")
    if isinstance(sample, (int, float)):
        try:
            number = float(text.replace(",", "").replace(",", ""))
        except ValueError as e:
            raise UserError(Text("请填一个数", "enter a number"), code="bad_value") from e
        return int(number) if isinstance(sample, int) and number.is_integer() else number
    return text


class Resolution(Retranslating, QWidget):
    resolved = Signal()

    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.conflict: ListedConflict | None = None
        self.title = heading(size_delta=2)
        self.kind = QLabel()
        self.kind.setWordWrap(True)
        self.values_box = QGroupBox()
        grid = QGridLayout(self.values_box)
        self.choices = QButtonGroup(self)
        self.side_titles = [QLabel() for _ in SIDES]
        self.side_values = [QLabel() for _ in SIDES]
        self.radios = [QRadioButton() for _ in SIDES]
        for i in range(len(SIDES)):
            self.side_titles[i].setStyleSheet("font-weight: bold;")
            self.side_titles[i].setWordWrap(True)  # they name the laptop, its user and the time
            self.side_values[i].setWordWrap(True)
            self.side_values[i].setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
            )
            self.side_values[i].setStyleSheet(
                "background: #f6f6f6; padding: 6px; border: 1px solid #ddd;"
            )
            self.side_values[i].setMinimumHeight(36)
            grid.addWidget(self.side_titles[i], 0, i)
            grid.addWidget(self.side_values[i], 1, i)
            grid.addWidget(self.radios[i], 2, i)
            self.choices.addButton(self.radios[i], i)
        self.other = QRadioButton()
        self.choices.addButton(self.other, len(SIDES))
        self.other_value = QLineEdit()
        self.other_value.textEdited.connect(lambda _t: self.other.setChecked(True))
        row = QHBoxLayout()
        row.addWidget(self.other)
        row.addWidget(self.other_value, 1)
        grid.addLayout(row, 3, 0, 1, 3)
        self.note_label = QLabel()
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        self.note.setTabChangesFocus(True)
        self.error = error_label()
        self.resolve_button = QPushButton()
        self.resolve_button.clicked.connect(self.resolve)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        layout = QVBoxLayout(self)
        self.photos = CountyPhotos(ctx)  # the evidence beside the disagreement
        for w in (
            self.title,
            self.kind,
            self.values_box,
            self.photos,
            self.note_label,
            self.note,
            self.error,
        ):
            layout.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.resolve_button)
        layout.addLayout(buttons)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        self.retranslate()

    def show_conflict(self, conflict: ListedConflict | None) -> None:
        self.conflict = conflict
        self.photos.show_for(conflict.household_id if conflict else None)
        self.note.clear()
        self.other_value.clear()
        self.error.clear()
        self.choices.setExclusive(False)
        for b in self.choices.buttons():
            b.setChecked(False)
        self.choices.setExclusive(True)
        self.retranslate()

    def retranslate(self) -> None:
        c = self.conflict
        self.values_box.setTitle(self.tr("Values"))
        for i, text in enumerate(self._side_titles(c)):
            self.side_titles[i].setText(text)
            self.radios[i].setText(self.tr("Keep this"))
        self.other.setText(self.tr("Another value:"))
        self.note_label.setText(self.tr("Note (why; the secretary sees it):"))
        self.resolve_button.setText(self.tr("Resolve"))
        staff = self.ctx.me.is_staff
        if c is None:
            self.title.setText(self.tr("Choose a conflict in the list."))
            self.kind.clear()
            self.outcome.clear()
            for w in (self.values_box, self.note_label, self.note, self.resolve_button):
                w.setVisible(False)
            return
        record = labels.record_type(c.record_type) + (
            f" {c.record_label}" if c.record_label else ""
        )
        self.title.setText(
            f"{c.household_no} · {c.village} · {record}"
            + (f" · {labels.field(c.field)}" if c.field != "*" else "")
        )
        self.kind.setText(labels.conflict_kind(c.kind))
        field_kind = c.kind == "field"
        self.values_box.setVisible(True)
        for i, side in enumerate(SIDES):
            v = getattr(c, f"{side}_value")
            self.side_values[i].setText(
                labels.value(c.field, v) if c.field != "*" else self.tr("(the whole record)")
            )
            self.radios[i].setVisible(field_kind)
        self.other.setVisible(field_kind)
        self.other_value.setVisible(field_kind)
        is_open = c.status == "open"
        for w in (self.note_label, self.note, self.resolve_button):
            w.setVisible(is_open and staff)
        self.resolve_button.setText(
            self.tr("Resolve") if field_kind else self.tr("Close with the note")
        )
        if is_open:
            self.outcome.setText("" if staff else self.tr("County staff resolve conflicts."))
        else:
            self.outcome.setText(
                self.tr("Resolved by %1 at %2: %3. Note: %4")
                .replace("%1", c.resolved_by or "")
                .replace("%2", local_minute(c.resolved_at))
                .replace("%3", labels.value(c.field, c.resolved_value))
                .replace("%4", c.note or "")
            )

    def _side_titles(self, c: ListedConflict | None) -> tuple[str, str, str]:
        """Where each value came from: the laptop and its user, sent when; the server's value as
        the server recorded it (``server_source``: which laptop and user synced it when, or which
        county user set it), never just "the county's"."""
        if c is None:
            return (
                self.tr("Before (what the laptop started from)"),
                self.tr("On the laptop"),
                self.tr("On the county server"),
            )
        who = c.display_name or c.user or ""
        laptop = c.device or ""
        sent = local_minute(c.created_at)
        return (
            self.tr("Before (what laptop %1 started from)").replace("%1", laptop),
            self.tr("Laptop %1 (%2), sent %3")
            .replace("%1", laptop)
            .replace("%2", who)
            .replace("%3", sent),
            self._server_title(c, sent),
        )

    def _server_title(self, c: ListedConflict, sent: str) -> str:
        """The county server's value, named by its origin; "unknown" for conflicts filed before the
        server kept it (or values last written before then)."""
        source = c.server_source
        if source is None:
            return self.tr(
                "On the county server before %1 (where this value came from is not recorded)"
            ).replace("%1", sent)
        at = local_minute(source.at)
        person = source.display_name or source.username or ""
        if source.username and source.display_name and source.username != source.display_name:
            person = (
                self.tr("%1 (%2)", "a person: display name (user name)")
                .replace("%1", source.display_name)
                .replace("%2", source.username)
            )
        if source.source == "device":
            texts = {
                "created": self.tr("Created on %1's laptop (device %2), synced %3"),
                "deleted": self.tr("Removed on %1's laptop (device %2), synced %3"),
            }
            text = texts.get(source.change, self.tr("Synced from %1's laptop (device %2) at %3"))
            return (
                text.replace("%1", person)
                .replace("%2", source.device or self.tr("unknown"))
                .replace("%3", at)
            )
        texts = {
            "resolved": self.tr("Set at the county by %1 at %2 (resolving an earlier conflict)"),
            "imported": self.tr("Imported at the county by %1 at %2 (roster import)"),
        }
        text = texts.get(source.change, self.tr("Changed at the county by %1 at %2"))
        return text.replace("%1", person).replace("%2", at)

    def chosen_value(self) -> Any:
        c = self.conflict
        assert c is not None
        if c.kind != "field":
            return None
        index = self.choices.checkedId()
        if index < 0:
            raise UserError(
                Text(
                    "请选择要保留的值，或填写另一个值", "choose the value to keep, or type another"
                ),
                code="no_choice",
            )
        if index < len(SIDES):
            return getattr(c, f"{SIDES[index]}_value")
        return typed(self.other_value.text(), [c.base_value, c.device_value, c.server_value])

    def resolve(self) -> None:
        c = self.conflict
        if c is None:
            return
        note = self.note.toPlainText().strip()
        try:
            if not note:
                raise UserError(Text("请写一句说明", "write a note"), code="note_required")
            value = self.chosen_value()
        except UserError as e:
            self.error.setText(self.ctx.t(e.text))
            return
        conflict_id = c.conflict_id

        def op(_env: OpEnv) -> Conflict:
            return self.ctx.client.get_as(
                Conflict,
                f"/conflicts/{conflict_id}/resolve",
                method="POST",
                json={"value": value, "note": note},
            )

        def done(result: Conflict) -> None:
            # the listing's names (household, laptop, origin of the server value) stay; the status is new
            self.conflict = c.model_copy(
                update={
                    "status": result.status,
                    "resolved_value": result.resolved_value,
                    "resolved_by": result.resolved_by,
                    "resolved_at": result.resolved_at,
                    "note": result.note,
                }
            )
            self.retranslate()
            self.resolved.emit()
            self.ctx.data_changed.emit("conflicts")

        self.resolve_button.setEnabled(False)
        self.ctx.ops.run(
            op, owner=self, on_done=done, on_error=self._failed, name="resolve conflict"
        )

    def _failed(self, error: BaseException) -> None:
        self.resolve_button.setEnabled(True)
        show_error(self, error, "resolve conflict")

    def showEvent(self, event: Any) -> None:
        self.resolve_button.setEnabled(True)
        super().showEvent(event)


class ConflictsPage(Retranslating, QWidget):
    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scope = ScopePicker(ctx)
        self.status = QComboBox()
        self.model, self.view, self.count = paged_list(
            self,
            ctx,
            columns(),
            self._fetch(),
            "conflicts",
            lambda row: self.resolution.show_conflict(row),
        )
        self.resolution = Resolution(ctx)
        self.resolution.resolved.connect(self._resolved)
        self.scope.changed.connect(lambda _s: self.refresh())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        lay_out_list_page(
            self, (self.scope, self.status), self.view, self.count, self.resolution, (620, 660)
        )
        self.retranslate()

    def _fetch(self) -> Fetch:
        status = self.status.currentData() if self.status.count() else "open"
        return list_fetch(
            ListedConflict, "/county/conflicts", scope=self.scope.scope(), status=status
        )

    def refresh(self) -> None:
        self.resolution.show_conflict(None)
        self.model.set_fetch(self._fetch())

    def _resolved(self) -> None:
        """The row now shows as resolved (the list reloads on the next refresh)."""
        index = self.view.currentIndex()
        if index.isValid() and self.resolution.conflict is not None:
            self.model.replace(index.row(), self.resolution.conflict)

    def retranslate(self) -> None:
        refill(
            self.status,
            ((self.tr("Open conflicts"), "open"), (self.tr("Resolved conflicts"), "resolved")),
        )
        self.model.retranslate()
