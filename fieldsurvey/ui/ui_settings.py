"""The app's own settings: language and auto-lock, in ``ui.json`` next to the store.

These are read before the store is unlocked (the unlock screen must already speak the user's
language), so they cannot live inside the encrypted database. Nothing personal goes here; the
secretary's name and the county live in the store.

Each setting is declared once, with its type, default and label (see STYLE.md, Electrum).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE_NAME = "ui.json"
LANGUAGES = ("zh_CN", "en")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    type: type
    default: Any
    label: str  # English; shown translated by the settings dialog
    minimum: int | None = None
    maximum: int | None = None


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("language", str, "zh_CN", "Language"),
        SettingSpec(
            "auto_lock_minutes", int, 10, "Lock after idle minutes", minimum=1, maximum=240
        ),
        SettingSpec("last_folder", str, "", "Folder last used for files"),
        # photos are scaled so their long edge is at most this many pixels (media/photos.py)
        SettingSpec(
            "photo_long_edge",
            int,
            1600,
            "Photo size (long edge, pixels)",
            minimum=640,
            maximum=4000,
        ),
    )
}


class UiSettings:
    """A few typed values persisted atomically; unknown or bad values fall back to defaults."""

    def __init__(self, data_dir: Path | None) -> None:
        self._path = (data_dir / FILE_NAME) if data_dir else None
        self._values: dict[str, Any] = {}
        self._load()

    def _load(self) -> None:
        if self._path is None or not self._path.exists():
            return
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("ui settings file unreadable; using defaults")
            return
        if isinstance(raw, dict):
            for key, value in raw.items():
                spec = SPECS.get(key)
                if spec is not None and self._valid(spec, value):
                    self._values[key] = value

    @staticmethod
    def _valid(spec: SettingSpec, value: Any) -> bool:
        if spec.type is int and (isinstance(value, bool) or not isinstance(value, int)):
            return False
        if not isinstance(value, spec.type):
            return False
        if spec.key == "language" and value not in LANGUAGES:
            return False
        if spec.minimum is not None and value < spec.minimum:
            return False
        return not (spec.maximum is not None and value > spec.maximum)

    def get(self, key: str) -> Any:
        return self._values.get(key, SPECS[key].default)

    def set(self, key: str, value: Any) -> None:
        spec = SPECS[key]
        if not self._valid(spec, value):
            raise ValueError(f"invalid value for setting {key}")
        self._values[key] = value
        self.save()

    def move_to(self, data_dir: Path) -> None:
        """The setup assistant picks the language before the data directory holds anything."""
        self._path = data_dir / FILE_NAME
        self.save()

    def save(self) -> None:
        if self._path is None:  # no data folder yet (setup assistant): kept in memory until then
            return
        from fieldsurvey.core.atomic import atomic_write  # the store package is slow to import

        data = json.dumps(self._values, ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(self._path, data, mode=0o600)

    @property
    def language(self) -> str:
        return str(self.get("language"))

    @property
    def auto_lock_minutes(self) -> int:
        return int(self.get("auto_lock_minutes"))
