"""Errors reach the user as sentences in their language; unexpected ones go to a log file that
holds no personal data."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.ui.errors import LOG_FILE, log_dir
from tests.support.ui import unlock, wait_ops

SECRET_ID = "610728197503141234"


@pytest.fixture
def window(controller, qtbot):  # type: ignore[no-untyped-def]
    unlock(qtbot, controller.window)
    return controller.window


def visible_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def close_boxes() -> None:
    for box in visible_boxes():
        box.close()


def test_unexpected_error_is_an_apology_and_a_log_line_without_data(window, ui_store) -> None:  # type: ignore[no-untyped-def]
    def broken(env):  # type: ignore[no-untyped-def]
        raise KeyError(f"王建国 {SECRET_ID}")

    window.ctx.ops.run(broken, owner=window, name="broken op")
    wait_ops(window)
    boxes = visible_boxes()
    assert len(boxes) == 1
    text = boxes[0].text()
    assert "意外错误" in text and "已保存的数据是安全的" in text
    assert "Traceback" not in text and SECRET_ID not in text and "KeyError" not in text
    log = (ui_store.data_dir / "logs" / LOG_FILE).read_text(encoding="utf-8")
    assert str(ui_store.data_dir / "logs" / LOG_FILE) in text
    assert "builtins.KeyError" in log and "broken op" in log and "in broken" in log
    assert SECRET_ID not in log and "王建国" not in log
    close_boxes()


def test_user_error_is_shown_as_its_sentence(window) -> None:  # type: ignore[no-untyped-def]
    def refuse(env):  # type: ignore[no-untyped-def]
        raise UserError(Text("该户编号已存在", "this household number already exists"))

    window.ctx.ops.run(refuse, owner=window)
    wait_ops(window)
    assert [b.text() for b in visible_boxes()] == ["该户编号已存在"]
    close_boxes()


def test_exceptions_escaping_slots_are_logged(window, ui_store) -> None:  # type: ignore[no-untyped-def]
    from fieldsurvey.ui.errors import install_excepthooks

    saved = sys.excepthook
    install_excepthooks()
    try:
        try:
            raise ValueError(SECRET_ID)
        except ValueError as e:
            sys.excepthook(type(e), e, e.__traceback__)
    finally:
        sys.excepthook = saved
    log = (ui_store.data_dir / "logs" / LOG_FILE).read_text(encoding="utf-8")
    assert "builtins.ValueError" in log and SECRET_ID not in log
    close_boxes()


def test_help_menu_finds_the_log_folder(window, ui_store) -> None:  # type: ignore[no-untyped-def]
    assert log_dir() == ui_store.data_dir / "logs"
    assert window.act_log in window.menu_help.actions()
    assert window.act_log.text() == "打开日志文件夹(&L)"
