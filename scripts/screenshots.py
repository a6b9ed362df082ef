"""Make the README's screenshots from the real app, offscreen.

    python scripts/screenshots.py [--out docs/screenshots] [--households 600]

A demo county is generated into a temporary folder, the app is started on it exactly as
``fieldsurvey demo`` starts it, and the main screens are driven through their widgets and
grabbed: unlock, the household list with a filter, a household with its assessment, settings,
the setup assistant, the roster import report, and the visit editor when it is installed. The
machine needs no Chinese fonts: the bundled one is what draws the text.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from fieldsurvey.app.assessments import reassess_households  # noqa: E402
from fieldsurvey.core.ids import make_id_number  # noqa: E402
from fieldsurvey.ui.app import AppController, create_application  # noqa: E402
from fieldsurvey.ui.household_list import MONITORED  # noqa: E402
from fieldsurvey.ui.i18n import set_language  # noqa: E402
from fieldsurvey.ui.quiet import wait_quiet  # noqa: E402

PASSPHRASE = "shan-shui-tian-yun-42"
SIZE = (1366, 768)  # a cheap laptop's screen
LANGUAGE = {"value": "zh_CN"}  # --language: the screens' language (the README's are Chinese)
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 19456, "lanes": 1}


def make_demo_store(data_dir: Path, households: int) -> None:
    """The demo county, as ``fieldsurvey demo`` prepares it, with each household assessed."""
    from fieldsurvey.commands.demo import prepare

    store, _recovery = prepare(data_dir, PASSPHRASE, households, 1, progress=lambda _msg: None)
    try:
        reassess_households(store, date.today())  # the list's problem flags
    finally:
        store.close()


def settle(app: QApplication, ctx=None) -> None:  # type: ignore[no-untyped-def]
    """Until the app is quiet: every answer in, no typing pause or check pending."""
    wait_quiet([ctx.ops] if ctx is not None else [])


def wait_for(app: QApplication, condition: Callable[[], bool], timeout_s: float = 30) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def shoot_main(app: QApplication, data_dir: Path, out: Path) -> None:
    c = AppController(data_dir, passphrase_hint=PASSPHRASE)
    set_language(LANGUAGE["value"])
    c.start()
    w = c.window
    assert w is not None
    w.resize(*SIZE)
    w.show()
    settle(app, c.ctx)
    save(w, out, "unlock")

    w.unlock_page.try_unlock()
    wait_for(app, lambda: w.list_page.model.total > 0)
    settle(app, c.ctx)
    page = w.list_page
    page.household_type.setCurrentIndex(page.household_type.findData(MONITORED))
    page.table.selectRow(2)
    settle(app, c.ctx)
    save(w, out, "household-list")

    page.clear_filters()
    page.search.setText("zhangwuji")  # full pinyin of a head the county does not have
    settle(app, c.ctx)
    save(w, out, "household-list-no-match")
    page.clear_filters()
    page.problem.setCurrentIndex(page.problem.findData("unsafe_house"))
    summary = page.model.summary_at(0) or page.model.summary_at(0)
    page.clear_filters()
    target = summary.household_id if summary else page.model.summary_at(0).household_id
    view = w.open_household(target)
    wait_for(app, lambda: view.bundle is not None)
    settle(app, c.ctx)
    save(w, out, "household")

    editor = w.open_visit(target, None)
    if editor is not None:  # drawn in slices: wait until the section is complete
        wait_for(app, lambda: editor.session is not None and not editor.current_page().pending)
        settle(app, c.ctx)
        save(w, out, "visit-editor")
        editor.sections.setCurrentRow(1)  # income: net income per capita follows the answers
        wait_for(app, lambda: not editor.current_page().pending)
        settle(app, c.ctx)
        save(w, out, "visit-editor-income")
    w.close_current_tab()
    settle(app, c.ctx)
    done = next((v for v in view.bundle.visits if v.finalized), None) if view.bundle else None
    if done is not None:  # a finalized visit: its assessment above the sections, at 1366×768
        shown = w.open_visit(target, done.visit_id)
        if shown is not None:
            wait_for(app, lambda: shown.session is not None and not shown.current_page().pending)
            settle(app, c.ctx)
            save(w, out, "visit-finalized")
            shown.toggle_assessment()
            settle(app, c.ctx)
            save(w, out, "visit-finalized-collapsed")
            shown.toggle_assessment()
        w.close_current_tab()
        settle(app, c.ctx)

    w.tabs.setCurrentIndex(0)
    from fieldsurvey.ui.settings_dialog import SettingsDialog

    def settings_dialog() -> SettingsDialog:
        w.open_settings()
        settle(app, c.ctx)
        return next(
            x
            for x in QApplication.topLevelWidgets()
            if isinstance(x, SettingsDialog) and x.isVisible()
        )

    dialog = settings_dialog()
    dialog.visitor.setText("马书记")
    dialog.unit.setText("县农业农村局")
    dialog.buttons.accepted.emit()
    settle(app, c.ctx)
    dialog = settings_dialog()
    save(dialog, out, "settings")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.close()
    settle(app, c.ctx)
    save(w, out, "household-list-en")
    set_language("zh_CN")
    c.ctx.settings.set("language", "zh_CN")
    w.close()
    c.shutdown()


def roster(path: Path) -> Path:
    def idn(born: date, seq: int, sex: str) -> str:
        return make_id_number("610728", born, seq, sex)

    rows = [
        [
            "户编号",
            "行政区划代码",
            "乡镇",
            "行政村",
            "村民小组",
            "姓名",
            "证件号码",
            "与户主关系",
            "脱贫状态",
        ],
        [
            "6107281010010101",
            "610728101001",
            "泾洋街道",
            "示范村",
            "一组",
            "马德胜",
            idn(date(1960, 4, 5), 101, "male"),
            "户主",
            "已脱贫",
        ],
        [
            "6107281010010101",
            "610728101001",
            "泾洋街道",
            "示范村",
            "一组",
            "胡秀珍",
            idn(date(1962, 6, 7), 102, "female"),
            "妻",
            "",
        ],
        [
            "6107281010010102",
            "610728101001",
            "泾洋街道",
            "示范村",
            "二组",
            "高永福",
            idn(date(1958, 9, 9), 103, "male"),
            "户主",
            "未脱贫",
        ],
        [
            "6107281010010103",
            "610728101001",
            "泾洋街道",
            "示范村",
            "二组",
            "罗春梅",
            "61072819700101123",
            "户主",
            "已脱贫",
        ],
        [
            "6107281010010104",
            "610728101001",
            "泾洋街道",
            "示范村",
            "三组",
            "田有才",
            idn(date(1966, 2, 1), 105, "male"),
            "子",
            "已脱贫",
        ],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def shoot_setup(app: QApplication, data_dir: Path, out: Path, work: Path) -> None:
    from PySide6.QtWidgets import QWizard

    c = AppController(data_dir, kdf=FAST_KDF)
    set_language(LANGUAGE["value"])
    c.start()
    wiz = c.wizard
    assert wiz is not None
    wiz.show()
    wiz.next()
    wiz.passphrase.visitor.setText("马书记")
    wiz.passphrase.unit.setText("县农业农村局")
    wiz.passphrase.fields.first.setText("清晨的山路-2025")
    wiz.passphrase.fields.second.setText("清晨的山路-2025")
    settle(app, c.ctx)
    save(wiz, out, "setup-passphrase")
    wiz.button(QWizard.WizardButton.CommitButton).click()
    wait_for(app, lambda: bool(wiz.recovery_key))
    settle(app, c.ctx)
    save(wiz, out, "setup-recovery-key")
    wiz.recovery.confirm.setChecked(True)
    wiz.next()
    wiz.next()
    importer = wiz.roster.importer
    importer.path.setText(str(roster(work / "花名册.csv")))
    importer.check()
    wait_for(app, lambda: importer.report is not None)
    settle(app, c.ctx)
    save(wiz, out, "roster-import")
    wiz.close()
    c.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--households", type=int, default=600)
    parser.add_argument("--language", choices=("zh_CN", "en"), default="zh_CN")
    args = parser.parse_args(argv)
    LANGUAGE["value"] = args.language
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_application([sys.argv[0]])
    QCoreApplication.setApplicationName("FieldSurvey")
    with tempfile.TemporaryDirectory(prefix="fieldsurvey-shots-") as tmp:
        work = Path(tmp)
        print(f"preparing a demo county of {args.households} households …")
        make_demo_store(work / "demo", args.households)
        print("grabbing:")
        shoot_main(app, work / "demo", args.out)
        shoot_setup(app, work / "first-run", args.out, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
