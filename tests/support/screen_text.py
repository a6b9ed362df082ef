"""What a person reads on a screen, collected from the real widgets, and what should not be there.

``visible_texts`` walks a window's visible widgets and returns the texts drawn: labels, buttons,
tabs, group and window titles, table headers and cells, list items, text boxes, placeholders.
``chrome`` marks what the program wrote (headers, buttons, titles) apart from data (cells, fields),
which in county mode is Chinese in any language (people's and villages' names).

``internal_codes`` finds what a Chinese screen must not show: code-list keys (``purified_tap``,
``transfer.condolence``) and English words, allowing numbers, units, household numbers and the few
Latin names that are the same in Chinese (PDF, USB, Excel, …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)


@dataclass(frozen=True)
class Seen:
    text: str
    where: str  # class and object name, to find it
    chrome: bool  # written by the program, not data


def _visible(w: QWidget) -> bool:
    return w.isVisible() and w.width() > 0 and w.height() > 0


def _strip_markup(text: str) -> str:
    if "<" in text and ">" in text:
        text = re.sub(r"<[^>]+>", " ", text)
    return (
        text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    )


def visible_texts(root: QWidget, max_rows: int = 40) -> list[Seen]:
    out: list[Seen] = []

    def add(text: object, w: QWidget, chrome: bool) -> None:
        text = None if text is None else str(text)
        if text and text.strip():
            out.append(
                Seen(
                    _strip_markup(text.replace("&", "")) if chrome else text,
                    f"{type(w).__name__}:{w.objectName()}",
                    chrome,
                )
            )

    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not _visible(w):
            continue
        if w.isWindow():
            add(w.windowTitle(), w, True)
        if isinstance(w, QLabel):
            add(w.text(), w, True)
        elif isinstance(w, QAbstractButton):
            add(w.text(), w, True)
            add(w.toolTip(), w, True)
        elif isinstance(w, QGroupBox):
            add(w.title(), w, True)
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                add(w.tabText(i), w, True)
        elif isinstance(w, QLineEdit):
            add(w.placeholderText(), w, True)
            add(w.text(), w, False)
        elif isinstance(w, QComboBox):
            add(w.currentText(), w, False)
        elif isinstance(w, (QTextEdit, QPlainTextEdit)):
            add(w.toPlainText(), w, True)
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            try:
                columns = min(model.columnCount(QModelIndex()), 40)
            except TypeError:  # a list model keeps columnCount private: one column
                columns = 1
            for c in range(columns):
                add(
                    model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole),
                    w,
                    True,
                )
            for r in range(min(model.rowCount(QModelIndex()), max_rows)):
                for c in range(columns):
                    value = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
                    add(None if value is None else str(value), w, False)
    for menu_bar in [w for w in widgets if type(w).__name__ == "QMenuBar" and _visible(w)]:
        for action in menu_bar.actions():  # type: ignore[attr-defined]
            add(action.text(), menu_bar, True)
    return out


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Latin that is at home in a Chinese sentence: names of things, units, abbreviations everyone uses.
ALLOWED_LATIN = {
    "pdf",
    "usb",
    "excel",
    "xlsx",
    "csv",
    "json",
    "id",
    "ctrl",
    "alt",
    "shift",
    "esc",
    "enter",
    "tab",
    "del",
    "url",
    "http",
    "https",
    "www",
    "fieldsurvey",
    "a",
    "b",
    "c",
    "d",
    "f",
    "kg",
    "km",
    "m",
    "cm",
    "mm",
    "l",
    "qr",
    "ok",
    "wps",
    "gb",
    "t",
    "docs",
    "api",
    "mb",
    "kb",
    "pin",
    "sqlcipher",
    "aes",
    "utc",
    "com",
    "cn",
    "gov",
    "example",
    "localhost",
    "x",
    "n",
    "qt",
    "fsb",
    "png",
    "fingerprint",
    "wjg",  # the search box's example of pinyin initials
    "wangjianguo",
    "zhangwuji",  # its example of full pinyin, and the pinyin typed for "no household matches"
}
IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)+\b")
WORD = re.compile(r"[A-Za-z]{2,}")


def internal_codes(text: str) -> list[str]:
    """Code keys and English words in a text meant to be Chinese; file paths and addresses excepted."""
    cleaned = re.sub(
        r"(?:https?://|file://)\S+|[A-Za-z]:\\\S+|(?:/[\w.\-]+){2,}|\S+@\S+", " ", text
    )
    cleaned = re.sub(
        r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", " ", cleaned
    )  # a batch's id
    cleaned = re.sub(
        r"\b[\w\-]+\.(?:pdf|xlsx|csv|fsb|png|json|txt|log)\b", " ", cleaned, flags=re.IGNORECASE
    )
    found = [
        m.group(0) for m in IDENTIFIER.finditer(cleaned) if not re.fullmatch(r"[\d.]+", m.group(0))
    ]
    found += [
        w for w in WORD.findall(IDENTIFIER.sub(" ", cleaned)) if w.lower() not in ALLOWED_LATIN
    ]
    return found


def chinese_left(text: str) -> list[str]:
    """CJK runs in a text meant to be English."""
    return re.findall(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+", text)
