"""What the app shows about one photo: its address, caption and the metadata kept beside it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication


@dataclass(frozen=True, slots=True)
class PhotoEntry:
    sha256: str
    caption: str | None = None
    taken_at: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    width: int = 0
    height: int = 0
    context: str = ""  # where it belongs: "2026-05-04 · 改造后"

    @classmethod
    def from_info(cls, info: object, caption: str | None = None, context: str = "") -> PhotoEntry:
        """From the store's ``PhotoInfo`` or the county's JSON (same field names)."""
        get = info.get if isinstance(info, dict) else lambda k, d=None: getattr(info, k, d)
        return cls(
            sha256=str(get("sha256")),
            caption=caption,
            taken_at=get("taken_at"),
            latitude=get("latitude"),
            longitude=get("longitude"),
            width=int(get("width") or 0),
            height=int(get("height") or 0),
            context=context,
        )

    def details(self) -> str:
        """Capture time and place as a line beside the picture."""
        parts: list[str] = []
        if self.taken_at:
            parts.append(
                QCoreApplication.translate("Photos", "Taken %1").replace(
                    "%1", self.taken_at.replace("T", " ")
                )
            )
        else:
            parts.append(QCoreApplication.translate("Photos", "Capture time unknown"))
        if self.latitude is not None and self.longitude is not None:
            ns = "N" if self.latitude >= 0 else "S"
            ew = "E" if self.longitude >= 0 else "W"
            parts.append(
                QCoreApplication.translate("Photos", "Location %1").replace(
                    "%1", f"{abs(self.latitude):.5f}°{ns} {abs(self.longitude):.5f}°{ew}"
                )
            )
        if self.width and self.height:
            parts.append(f"{self.width}×{self.height}")
        return " · ".join(parts)
