"""``fieldsurvey app --check``: open the real app, unlock it, show the list, report and close.

For whoever installs FieldSurvey on a laptop (county IT, the .deb's and the bundle's checks):
it proves that this installation's Qt, fonts, SQLCipher and store work together, through the
same windows a secretary uses, without anyone clicking — and says how long each step took.
Nothing personal is printed: only counts and timings.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer

from fieldsurvey.ui.app import AppController, create_application, install_excepthooks


def process_age() -> float | None:
    """Seconds since this process was started (Linux: /proc), None where that is not known.

    Timing from the process's start counts the interpreter, the bundle's unpacking and every
    import: the cold start a user waits through, which is what the bundle is compared on.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        import os

        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime in ticks
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def run_check(data_dir: Path, passphrase: str, *, timeout_s: float = 120.0) -> int:
    """0 when the unlock screen appeared and the household list loaded within ``timeout_s``;
    1 at once when the store refuses the passphrase, or after ``timeout_s``.

    Times are from the process's start where the system says when that was ("since start"),
    otherwise from this function's start ("since the check began").
    """
    from fieldsurvey.ui.main_window import PAGE_UNLOCK

    age = process_age()
    started = time.monotonic() - (age or 0.0)
    origin = "since start" if age is not None else "since the check began"
    app = create_application()
    install_excepthooks()
    controller = AppController(Path(data_dir))
    controller.start()
    window = controller.window
    if window is None:
        print(
            "错误:这里没有数据,应用打开了设置向导 Error: no store here; the app opened the setup assistant"
        )
        return 1
    result = {"code": 1, "over": False}

    def unlock_screen() -> None:
        if result["over"]:
            return  # the check ended before the unlock screen showed
        if not window.isVisible() or window.stack.currentIndex() != PAGE_UNLOCK:
            QTimer.singleShot(20, unlock_screen)
            return
        print(
            f"解锁界面 Unlock screen shown: {time.monotonic() - started:.2f} s {origin}", flush=True
        )
        window.unlock_page.secret.setText(passphrase)
        window.unlock_page.unlock_button.click()

    def listed() -> None:
        rows = window.list_page.model.rowCount()
        print(
            f"户列表 Household list: {rows} households shown after {time.monotonic() - started:.2f} s {origin}",
            flush=True,
        )
        result["code"] = 0 if rows > 0 else 1
        window.close()

    def refused(said: str) -> None:
        print(f"错误:存储未能打开 Error: the store did not open ({said})", flush=True)
        window.close()

    def too_slow() -> None:
        said = window.unlock_page.error.text()
        print(
            f"错误:{timeout_s:.0f} 秒内未显示户列表 Error: no household list within {timeout_s:.0f} s"
            + (f" ({said})" if said else ""),
            flush=True,
        )
        window.close()

    window.list_page.loaded.connect(listed)
    window.unlock_page.refused.connect(refused)
    QTimer.singleShot(0, unlock_screen)
    # A timer object, stopped below: a pending single shot would outlive this check and fire in
    # whatever event loop runs next in the process (printing "no household list" into it).
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(too_slow)
    deadline.start(int(timeout_s * 1000))
    try:
        app.exec()
    finally:
        deadline.stop()
        result["over"] = True
        controller.shutdown()
    return result["code"]
