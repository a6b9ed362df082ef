"""Find Alt+letter mnemonics that collide within one window, for the mnemonic tests.

A mnemonic (``&File``, ``文件(&F)``) is a shortcut of the window its widget is in: two of them on
the same letter make Alt+letter go to whichever Qt finds first (``提交(&F)`` opened the File
menu instead of finalizing). Two widgets can share a letter only when they can never be on screen
together: they are on different pages of one stacked widget (tabs, wizard pages, the visit
editor's sections). Menus are their own scope: the items of one menu must differ among
themselves, not from the window.

The walk reads the real widgets: buttons, labels with a buddy, group boxes, tab bars, the menu bar
and its menus (submenus included). Widgets hidden explicitly (a button for another state) are not
on screen and are left out; the tests drive the states where they show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedLayout,
    QTabBar,
    QWidget,
)

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonic(text: str) -> str | None:
    """The letter after the single ``&`` of ``text`` (``&&`` is a literal ampersand)."""
    m = _MNEMONIC.search(text.replace("&&", ""))
    return m.group(1).upper() if m else None


@dataclass(frozen=True)
class Entry:
    letter: str
    text: str
    pages: tuple[tuple[int, int], ...]  # (id of the stacked layout, page index) from outer to inner

    def can_show_with(self, other: Entry) -> bool:
        """False when the two are on different pages of one stacked layout."""
        mine = dict(self.pages)
        return all(mine.get(stack, page) == page for stack, page in other.pages)


def _pages(widget: QWidget, window: QWidget) -> tuple[tuple[int, int], ...] | None:
    """The stack pages ``widget`` sits on, or None when it (or a parent) is hidden explicitly."""
    pages: list[tuple[int, int]] = []
    w: QWidget | None = widget
    while w is not None and w is not window:
        parent = w.parentWidget()
        layout = parent.layout() if parent is not None else None
        if isinstance(layout, QStackedLayout) and layout.indexOf(w) >= 0:
            pages.append((id(layout), layout.indexOf(w)))
        elif w.isHidden():
            return None
        w = parent
    return tuple(reversed(pages))


def _texts(widget: QWidget) -> list[str]:
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLabel) and widget.buddy() is not None:
        return [widget.text()]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    return []


def window_entries(window: QWidget) -> list[Entry]:
    entries: list[Entry] = []
    if (
        isinstance(window, QMainWindow)
        and window.menuWidget() is not None
        and not window.menuBar().isHidden()
    ):
        for action in window.menuBar().actions():
            if action.isVisible() and (letter := mnemonic(action.text())):
                entries.append(Entry(letter, action.text(), ()))
    for child in window.findChildren(QWidget):
        if child.window() is not window or isinstance(child, QMenu):
            continue
        texts = _texts(child)
        if not texts:
            continue
        pages = _pages(child, window)
        if pages is None:
            continue
        for text in texts:
            if letter := mnemonic(text):
                entries.append(Entry(letter, text, pages))
    return entries


def window_clashes(window: QWidget) -> list[str]:
    """Pairs of mnemonics in ``window`` that share a letter and can be on screen together."""
    entries = window_entries(window)
    clashes = []
    for i, a in enumerate(entries):
        for b in entries[i + 1 :]:
            if a.letter == b.letter and a.can_show_with(b):
                clashes.append(
                    f"{window.windowTitle() or type(window).__name__}: {a.text!r} and {b.text!r} (Alt+{a.letter})"
                )
    return clashes


def menu_clashes(window: QMainWindow) -> list[str]:
    """Items of one menu (submenus included, each its own scope) sharing a letter."""
    clashes: list[str] = []

    def walk(menu: QMenu) -> None:
        seen: dict[str, str] = {}
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            letter = mnemonic(action.text())
            if letter is None:
                clashes.append(f"{menu.title()}: {action.text()!r} has no mnemonic")
            elif letter in seen:
                clashes.append(
                    f"{menu.title()}: {seen[letter]!r} and {action.text()!r} (Alt+{letter})"
                )
            else:
                seen[letter] = action.text()
            if action.menu() is not None:
                walk(action.menu())

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu())
    return clashes


def clashes(window: QWidget) -> list[str]:
    found = window_clashes(window)
    if isinstance(window, QMainWindow):
        found += menu_clashes(window)
    return found
