"""Help › User guide and F1: the shipped, illustrated guide opens at the part for the screen in front."""

from __future__ import annotations

import importlib
import re

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from fieldsurvey.core.resources import resource_path
from fieldsurvey.ui.help import TOPICS, HelpWindow, guide_path
from tests.support.ui import unlock, wait_ops

GUIDES = {"zh_CN": guide_path("zh_CN"), "en": guide_path("en")}


def anchors(html: str) -> set[str]:
    return set(re.findall(r'<a name="([^"]+)">', html))


@pytest.mark.parametrize("lang", sorted(GUIDES))
def test_the_guide_has_a_part_for_every_screen_and_its_pictures(lang: str) -> None:
    html = GUIDES[lang].read_text(encoding="utf-8")
    assert set(TOPICS.values()) <= anchors(html)
    links = set(re.findall(r'href="#([^"]+)"', html))
    assert links <= anchors(html), links - anchors(html)
    pictures = re.findall(r'<img src="([^"]+)"', html)
    assert len(pictures) >= 8
    for src in pictures:
        assert not QImage(str(resource_path("help", src))).isNull(), (
            src
        )  # shipped, and Qt can read it
    assert "http://" not in html.replace("https://fupin.example.gov.cn", "")  # nothing fetched


def test_both_languages_cover_the_same_parts() -> None:
    zh, en = (anchors(p.read_text(encoding="utf-8")) for p in GUIDES.values())
    assert zh == en


def test_every_screen_named_for_help_exists() -> None:
    modules = [
        "fieldsurvey.ui.setup_wizard",
        "fieldsurvey.ui.unlock",
        "fieldsurvey.ui.household_list_page",
        "fieldsurvey.ui.household_view",
        "fieldsurvey.ui.member_change",
        "fieldsurvey.ui.new_household",
        "fieldsurvey.ui.visit.editor",
        "fieldsurvey.ui.dialogs",
        "fieldsurvey.ui.sync_panel",
        "fieldsurvey.ui.ledger_print",
        "fieldsurvey.ui.settings_dialog",
        "fieldsurvey.ui.roster_dialog",
        "fieldsurvey.ui.main_window",
        "fieldsurvey.ui.county.sign_in",
        "fieldsurvey.ui.county.dashboard_page",
        "fieldsurvey.ui.county.households_page",
        "fieldsurvey.ui.county.inbox_page",
        "fieldsurvey.ui.county.conflicts_page",
        "fieldsurvey.ui.county.visits_page",
        "fieldsurvey.ui.county.roster_page",
        "fieldsurvey.ui.county.exports_page",
        "fieldsurvey.ui.county.admin_page",
        "fieldsurvey.ui.county.window",
    ]
    defined = {name for m in modules for name in vars(importlib.import_module(m))}
    assert set(TOPICS) <= defined, set(TOPICS) - defined


def help_window() -> HelpWindow:
    shown = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, HelpWindow) and w.isVisible()
    ]
    assert len(shown) == 1
    return shown[0]


def press_f1(qtbot, widget) -> HelpWindow:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_F1)
    return help_window()


def shown_part(window: HelpWindow) -> str:
    """The heading at the top of the browser's view: the part the user reads first."""
    browser = window.browser
    cursor = browser.cursorForPosition(browser.viewport().rect().topLeft())
    block = cursor.block()
    for _ in range(3):  # the anchor's heading, or the line just under the top edge
        if block.text().strip():
            return block.text().strip()
        block = block.next()
    return ""


def test_f1_on_each_screen_opens_its_part(controller, ui_store, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = controller.window
    w.resize(1100, 700)
    w.show()
    qtbot.waitExposed(w)
    guide = press_f1(qtbot, w.unlock_page.secret)
    assert (
        guide.browser.source().fileName() == "guide_zh_CN.html"
        and guide.browser.source().fragment() == "unlock"
    )
    assert shown_part(guide) == "解锁"
    guide.close()

    unlock(qtbot, w)
    guide = press_f1(qtbot, w.list_page.search)
    assert guide.topic == "find" and shown_part(guide) == "找到农户"
    guide.close()

    view = w.open_household(ui_store.ids["wang"])
    qtbot.waitUntil(lambda: view.bundle is not None, timeout=10_000)
    wait_ops(w)
    guide = press_f1(qtbot, view)
    assert guide.topic == "household" and shown_part(guide) == "查看农户"
    guide.close()

    editor = w.open_visit(ui_store.ids["wang"], None)
    qtbot.waitUntil(lambda: editor.session is not None, timeout=10_000)
    wait_ops(w)
    guide = press_f1(qtbot, editor.sections)
    assert guide.topic == "visit" and shown_part(guide) == "入户走访"
    guide.close()
    w.close_current_tab()
    wait_ops(w)

    w.open_settings()
    from fieldsurvey.ui.settings_dialog import SettingsDialog

    dialog = next(
        x for x in QApplication.topLevelWidgets() if isinstance(x, SettingsDialog) and x.isVisible()
    )
    guide = press_f1(qtbot, dialog.visitor)  # in a dialog too
    assert guide.topic == "settings" and shown_part(guide) == "设置"
    guide.close()
    dialog.close()


def test_the_help_menu_opens_the_guide_in_the_users_language(controller, qtbot) -> None:  # type: ignore[no-untyped-def]
    from fieldsurvey.ui.i18n import set_language

    w = controller.window
    w.show()
    assert "使用说明" in w.act_guide.text() and w.act_guide in w.menu_help.actions()
    w.act_guide.trigger()
    guide = help_window()
    assert guide.windowTitle() == "FieldSurvey 使用说明" and guide.topic == "unlock"
    assert (
        guide.browser.document().resource(
            QTextDocument.ResourceType.ImageResource, QUrl("images/unlock.jpg")
        )
        is not None
    )
    set_language("en")  # the open guide follows the switch, at the same part
    assert (
        guide.browser.source().fileName() == "guide_en.html"
        and guide.browser.source().fragment() == "unlock"
    )
    assert shown_part(guide) == "Unlock"
    guide.close()
