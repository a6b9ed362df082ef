"""Taking a photo with the laptop's camera, where Qt Multimedia and a camera are present.

PySide6-Essentials has no Qt Multimedia; the camera button exists only when the module imports
and lists at least one camera (``camera_available``), so it is absent rather than broken. The
captured frame goes straight from memory through the import pipeline: no picture file is
written in clear.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def _multimedia() -> object | None:
    try:
        return importlib.import_module("PySide6.QtMultimedia")
    except ImportError:
        return None


def camera_available() -> bool:
    mm = _multimedia()
    if mm is None:
        return False
    try:
        return bool(mm.QMediaDevices.videoInputs())  # type: ignore[attr-defined]
    except Exception:
        return False


class CameraDialog(QDialog):
    """Preview and a shutter; ``on_jpeg(bytes)`` receives the frame as a JPEG."""

    def __init__(self, on_jpeg: Callable[[bytes], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mm = _multimedia()
        assert mm is not None
        widgets = importlib.import_module("PySide6.QtMultimediaWidgets")
        self.on_jpeg = on_jpeg
        self.setWindowTitle(self.tr("Take a photo"))
        self.camera = mm.QCamera(mm.QMediaDevices.defaultVideoInput())  # type: ignore[attr-defined]
        self.session = mm.QMediaCaptureSession()  # type: ignore[attr-defined]
        self.capture = mm.QImageCapture()  # type: ignore[attr-defined]
        self.preview = widgets.QVideoWidget()
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.preview)
        self.capture.imageCaptured.connect(self._captured)
        self.status = QLabel()
        shoot = QPushButton(self.tr("Take photo"))
        shoot.clicked.connect(self.capture.capture)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(shoot)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(row)
        self.resize(720, 560)
        self.camera.start()

    def _captured(self, _id: int, image: object) -> None:
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buf, "JPEG", 95)  # type: ignore[attr-defined]
        self.on_jpeg(bytes(data.data()))
        self.status.setText(self.tr("Photo taken"))

    def done(self, result: int) -> None:
        self.camera.stop()
        super().done(result)
