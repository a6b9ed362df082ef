"""The one object every window and editor receives: where the data is, the worker, settings.

``AppContext`` is what a visit editor (``fieldsurvey.ui.visit``) and every other view get
instead of a store. Through it they

- run store operations: ``ctx.ops.run(lambda env: env.store.visits.save_draft(v), owner=self,
  on_done=...)``;
- learn what changed elsewhere: ``ctx.ops.changed`` (a ``Changes``);
- ask the language: ``ctx.lang`` ("zh" / "en") and ``ctx.t(text)`` for bilingual ``Text``;
- know who is visiting: ``ctx.profile.visitor`` (filled in after unlock, from the store);
- take part in locking: ``ctx.about_to_lock`` is emitted before the store closes, so an editor
  saves its draft (its save operation is queued ahead of the close on the single worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from fieldsurvey.core.text import Text
from fieldsurvey.ui import i18n
from fieldsurvey.ui.ops import Ops
from fieldsurvey.ui.ui_settings import UiSettings

PROFILE_KEY = "secretary"


@dataclass(slots=True)
class Profile:
    """Who uses this device and where: read from the encrypted store after unlock."""

    visitor: str = ""  # the secretary's name, written on visits as the visitor
    unit: str = ""  # the secretary's work unit
    county_code: str = ""
    county_name: str = ""

    @classmethod
    def from_store_values(cls, secretary: dict | None, county: tuple[str, str]) -> Profile:
        s = secretary or {}
        return cls(str(s.get("name", "")), str(s.get("unit", "")), county[0], county[1])


class AppContext(QObject):
    about_to_lock = Signal()
    locked = Signal()
    unlocked = Signal()
    profile_changed = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.settings = UiSettings(data_dir if data_dir.exists() else None)
        self.ops = Ops(self)
        self.profile = Profile()
        self.is_unlocked = False

    @property
    def lang(self) -> str:
        return i18n.lang()

    def t(self, text: Text) -> str:
        return i18n.t(text)

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.profile_changed.emit()
