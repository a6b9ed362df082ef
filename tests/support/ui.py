"""The desktop app under test: a small real store and the real app around it.

The fixtures that use these (``ui_store``, ``controller``) are in ``tests/ui/conftest.py``. Qt runs
offscreen (set in ``tests/conftest.py`` before Qt is imported). Households are hand-built and
synthetic: made-up names, ID numbers valid by construction.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from fieldsurvey.app.assessments import reassess_households
from fieldsurvey.core.divisions import Division, DivisionCode
from fieldsurvey.core.household import Household
from fieldsurvey.core.visit import Visit
from fieldsurvey.store import Store
from tests.support.common import FAST_KDF
from tests.support.factories import household_with, insured

PASSPHRASE = "qing-shan-lv-shui-2024"
VILLAGE_A = "610728101001"  # 示范村
VILLAGE_B = "610728101002"  # 青石村


@dataclass
class UiStore:
    data_dir: Path
    passphrase: str
    recovery_key: str
    ids: dict[str, str]  # label -> household_id


def _divisions() -> list[Division]:
    return [
        Division(DivisionCode("610728000000"), "镇巴县", None),
        Division(DivisionCode("610728101000"), "泾洋街道", "610728000000"),
        Division(DivisionCode(VILLAGE_A), "示范村", "610728101000"),
        Division(DivisionCode(VILLAGE_B), "青石村", "610728101000"),
    ]


def _households() -> dict[str, Household]:
    """Five households with different heads, villages, groups, types and problems."""

    wang = household_with("6107281010010001")  # head 王建国, exited, 三组, all met
    li = household_with(
        "6107281010010002",
        group="一组",
        status="not_exited",
        household_type="edge",
        housing_grade="D",
    )
    li.members[0].name = "李明华"
    zhao = household_with("6107281010010003", group="二组", household_type="unstable")
    zhao.members[0].name = "赵国强"
    zhao.members[2].schooling = "not_student"  # the school-age daughter out of school: dropout
    chen = household_with("6107281010020004", village=VILLAGE_B, group="一组")
    chen.members[0].name = "陈志远"
    for m in chen.members:
        m.resident_medical_insurance = False  # uninsured
    zhou = household_with(
        "6107281010020005", village=VILLAGE_B, group="五组", household_type="sudden_hardship"
    )
    zhou.members[0] = insured("周秀英", "02", "female", date(1972, 5, 6), 91, health="healthy")
    zhou.members[1] = insured("刘大山", "11", "male", date(1970, 2, 2), 93, health="healthy")
    zhou.water_source = "unprotected_well"
    zhou.water_quality_ok = False
    return {"wang": wang, "li": li, "zhao": zhao, "chen": chen, "zhou": zhou}


_TEMPLATE: list[UiStore] = []  # the store this process built first, copied for every later test


def make_store(data_dir: Path) -> UiStore:
    """The small real store at ``data_dir``: built once per process, then copied.

    Building it (creating an encrypted store, its migrations, the households, a finalized visit,
    the re-assessment) takes about 85 ms; copying its three files takes under a millisecond, and
    some 150 tests start from it. The copy is the same store byte for byte: same passphrase,
    recovery key and households.
    """
    if not _TEMPLATE:
        home = Path(tempfile.mkdtemp(prefix="fieldsurvey-ui-store-"))
        atexit.register(shutil.rmtree, home, True)
        _TEMPLATE.append(_build_store(home / "data"))
    template = _TEMPLATE[0]
    shutil.copytree(template.data_dir, data_dir)
    return replace(template, data_dir=data_dir, ids=dict(template.ids))


def _build_store(data_dir: Path) -> UiStore:
    store, recovery_key = Store.create(data_dir, PASSPHRASE, kdf=dict(FAST_KDF))
    try:
        store.set_county("610728", "镇巴县")
        store.divisions.add_many(_divisions())
        households = _households()
        store.households.add_many(households.values())
        reassess_households(store, date.today())
        # 王建国's household was visited ten days ago (finalized, with its assessment)
        wang = households["wang"]
        visit = Visit(
            wang.household_id,
            date.today() - timedelta(days=10),
            "测试书记",
            "household_visit",
            "1",
            {"note": "ok"},
            findings="家中情况稳定",
        )
        from fieldsurvey.core.assessment import assess

        store.visits.finalize(visit, None, assess(wang, on=date.today()).to_dict())
        store.settings.set("secretary", {"name": "测试书记", "unit": "县农业农村局"})
    finally:
        store.close()
    return UiStore(
        data_dir, PASSPHRASE, recovery_key, {k: h.household_id for k, h in households.items()}
    )


def running_controller(qtbot, ui_store: UiStore) -> Iterator:  # type: ignore[no-untyped-def]
    """Body of the ``controller`` fixture: the real app on the store, showing the unlock screen, in
    Chinese; closed afterwards."""
    from fieldsurvey.ui.app import AppController
    from fieldsurvey.ui.i18n import set_language

    c = AppController(ui_store.data_dir, kdf=dict(FAST_KDF))
    c.start()
    assert c.window is not None
    qtbot.addWidget(c.window)
    yield c
    set_language("zh_CN")
    if c.window is not None and c.window.isVisible():
        c.window.close()
    c.shutdown()


def unlock(qtbot, window, passphrase: str = PASSPHRASE) -> None:  # type: ignore[no-untyped-def]
    """Type the passphrase and wait for the list (Chinese goes in with setText, as from an IME)."""
    window.unlock_page.secret.clear()
    if passphrase.isascii():
        qtbot.keyClicks(window.unlock_page.secret, passphrase)
    else:
        window.unlock_page.secret.setText(passphrase)
    with qtbot.waitSignal(window.list_page.loaded, timeout=10_000):
        qtbot.mouseClick(window.unlock_page.unlock_button, _left())


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


@contextmanager
def worker_held(ops) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Hold the app's one database worker: operations submitted meanwhile wait in its queue.

    A test sees, deterministically, what the UI shows before an operation's answer arrives (the
    loading page of a visit), then lets the queue run on leaving the block.
    """
    running, release = threading.Event(), threading.Event()

    def hold(_env) -> None:  # type: ignore[no-untyped-def]
        running.set()
        release.wait(60)

    ops.run(hold, name="held by a test")
    assert running.wait(30), "the database worker did not take the test's hold"
    try:
        yield
    finally:
        release.set()


def wait_ops(window) -> None:  # type: ignore[no-untyped-def]
    assert window.ctx.ops.wait_idle(20), "operations did not finish"


# The sync tests' laptop: an empty store made with this passphrase (the ``empty_app`` fixture).
EMPTY_APP_PASSPHRASE = "county-sync-passphrase-1"
