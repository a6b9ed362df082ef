"""Photos in county mode: a household's pictures on its page, a visit's in review, beside a conflict.

Everything comes from the county server (``GET /households/{id}/photos`` and the JPEG of each),
which answers only for households the signed-in account may see. Pictures are fetched on the
context's worker and kept in memory for the session, never written to disk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from fieldsurvey.api.files import HouseholdPhoto, HouseholdPhotos
from fieldsurvey.ui.county.context import CountyContext
from fieldsurvey.ui.ops import OpEnv
from fieldsurvey.ui.photos.entry import PhotoEntry
from fieldsurvey.ui.photos.strip import PhotoStrip
from fieldsurvey.ui.photos.viewer import PhotoViewer

MAX_CACHE = 64


def _title(item: HouseholdPhoto) -> str:
    from fieldsurvey.forms.photo_fields import field_info

    info = field_info(item.form_id or "household_visit", item.form_version, item.field)
    return info.title.get("zh")


class CountyPhotos(QGroupBox):
    """The photos of one household (optionally of one visit), loaded from the county server."""

    def __init__(self, ctx: CountyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countyPhotos")
        self.ctx = ctx
        self.household_id: str | None = None
        self.visit_id: str | None = None
        self.items: list[HouseholdPhoto] = []
        self._jpegs: dict[str, bytes] = {}
        self.strip = PhotoStrip(self._load_thumbs)
        self.strip.open_requested.connect(self.open_viewer)
        self.empty = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.strip)
        layout.addWidget(self.empty)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Photos"))
        self.empty.setText(self.tr("No photos of this household have reached the county."))

    def show_for(self, household_id: str | None, visit_id: str | None = None) -> None:
        self.household_id, self.visit_id = household_id, visit_id
        self.items = []
        self._redraw()
        if household_id is None:
            return

        def op(_env: OpEnv) -> list[HouseholdPhoto]:
            return self.ctx.client.get_as(
                HouseholdPhotos, f"/households/{household_id}/photos"
            ).photos

        def done(items: list[HouseholdPhoto]) -> None:
            if household_id == self.household_id and visit_id == self.visit_id:
                self.items = [i for i in items if visit_id is None or i.visit_id == visit_id]
                self._redraw()

        self.ctx.ops.run(op, owner=self, on_done=done, on_error=lambda _e: None, name="photos")

    def entries(self) -> list[PhotoEntry]:
        return [
            PhotoEntry.from_info(i, i.caption or _title(i), f"{i.visit_date} · {_title(i)}")
            for i in self.items
        ]

    def _redraw(self) -> None:
        self.strip.set_entries(self.entries())
        self.strip.setVisible(bool(self.items))
        self.empty.setVisible(self.household_id is not None and not self.items)
        self.setVisible(self.household_id is not None)

    def _fetch(self, hashes: Sequence[str], done: Callable[[dict[str, bytes]], None]) -> None:
        household_id = self.household_id
        wanted = [h for h in hashes if h not in self._jpegs]

        def op(_env: OpEnv) -> dict[str, bytes]:
            return {
                h: self.ctx.client.get_bytes(f"/households/{household_id}/photos/{h}")
                for h in wanted
            }

        def arrived(got: dict[str, bytes]) -> None:
            if len(self._jpegs) > MAX_CACHE:
                self._jpegs.clear()
            self._jpegs.update(got)
            done({h: self._jpegs.get(h, b"") for h in hashes})

        if not wanted:
            done({h: self._jpegs[h] for h in hashes})
            return
        self.ctx.ops.run(op, owner=self, on_done=arrived, on_error=lambda _e: None, name="photo")

    def _load_thumbs(self, hashes: Sequence[str], done: Callable[[dict[str, bytes]], None]) -> None:
        self._fetch(hashes, done)

    def open_viewer(self, index: int) -> PhotoViewer | None:
        if not self.items:
            return None
        viewer = PhotoViewer(
            self.entries(),
            index,
            lambda sha, done: self._fetch([sha], lambda got: done(got[sha])),
            self,
        )
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        return viewer
