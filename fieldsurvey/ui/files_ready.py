""" "Your file is ready": where it was saved, and buttons to open it or the folder it is in.

Used when ledgers and exports are written, in both modes. A secretary who prints a village's
ledgers looks for the file next; the message gives its full path (selectable, to paste into a
file manager or an e-mail) and opens the folder with ``QDesktopServices``, which asks the
desktop's own file manager (Explorer on Windows, the desktop's on Linux).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget


def where(files: Sequence[Path]) -> str:
    """The sentence that says where the files are."""
    if len(files) == 1:
        return QCoreApplication.translate("FilesReady", "Saved as: %1").replace(
            "%1", QDir.toNativeSeparators(str(files[0]))
        )
    return QCoreApplication.translate("FilesReady", "Saved in the folder: %1").replace(
        "%1", QDir.toNativeSeparators(str(files[0].parent))
    )


def show_files_ready(
    parent: QWidget, title: str, text: str, files: Sequence[Path], note: str = ""
) -> QMessageBox:
    """Open (not exec) the message; it stays until closed, the app usable meanwhile."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(f"{text}\n{where(files)}" if files else text)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if note:
        box.setInformativeText(note)
    box.open_file = None  # type: ignore[attr-defined]
    box.open_folder = None  # type: ignore[attr-defined]
    if files:
        if len(files) == 1:
            box.open_file = box.addButton(  # type: ignore[attr-defined]
                QCoreApplication.translate("FilesReady", "Open the file"),
                QMessageBox.ButtonRole.ActionRole,
            )
        box.open_folder = box.addButton(  # type: ignore[attr-defined]
            QCoreApplication.translate("FilesReady", "Open the folder"),
            QMessageBox.ButtonRole.ActionRole,
        )
    box.addButton(QMessageBox.StandardButton.Close)

    def clicked(button: QAbstractButton) -> None:
        if files and button is box.open_file:  # type: ignore[attr-defined]
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(files[0])))
        elif files and button is box.open_folder:  # type: ignore[attr-defined]
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(files[0].parent)))

    box.buttonClicked.connect(clicked)
    box.open()
    return box
