"""What every county-mode page receives: the signed-in API session, the workers, settings.

Two workers, because a county's long jobs (printing a township's ledgers, exporting a county,
checking a roster) must not hold up the short calls that fill lists and dashboards: ``ops``
serves pages and actions one at a time, ``jobs`` runs the long ones with progress and cancel.
Both are the village app's ``Ops`` (single worker, results on the main thread); their operations
ignore the store and use ``ctx.client`` (the signed-in ``CountyApi``).
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from fieldsurvey.api.county import DivisionRow
from fieldsurvey.core.text import Text
from fieldsurvey.ui import i18n
from fieldsurvey.ui.county.api import CountyApi, Me
from fieldsurvey.ui.ops import Ops
from fieldsurvey.ui.ui_settings import UiSettings


class LastSignIn:
    """The server address and user name last signed in with (never the password)."""

    FILE = "county.json"

    def __init__(self, home: Path) -> None:
        self.path = home / self.FILE
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            raw = {}
        self.server_url = str(raw.get("server_url") or "") if isinstance(raw, dict) else ""
        self.username = str(raw.get("username") or "") if isinstance(raw, dict) else ""

    def save(self, server_url: str, username: str) -> None:
        from fieldsurvey.core.atomic import atomic_write

        self.server_url, self.username = server_url, username
        atomic_write(
            self.path, json.dumps({"server_url": server_url, "username": username}).encode("utf-8")
        )


def county_home() -> Path:
    """Where county mode keeps its settings and log (no personal data: the server has it).

    ``county`` in the app's data folder (``commands.common.app_data_root``), unless only the
    folder an older FieldSurvey used (``~/.fieldsurvey-county``) exists.
    """
    from fieldsurvey.commands.common import app_data_root

    current = app_data_root() / "county"
    legacy = Path.home() / ".fieldsurvey-county"
    return legacy if legacy.exists() and not current.exists() else current


class CountyContext(QObject):
    refresh_requested = (
        Signal()
    )  # the window's refresh action and timer; pages reload what they show
    data_changed = Signal(
        str
    )  # a page changed something on the server: "conflicts", "visits", "registry", "users"
    session_lost = (
        Signal()
    )  # the server no longer knows the session (ended, expired, account disabled)

    def __init__(self, home: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.api: CountyApi | None = None  # set by the sign-in
        self.home = home or county_home()
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.settings = UiSettings(self.home)
        self.last = LastSignIn(self.home)
        self.ops = Ops(self)
        self.jobs = Ops(self)
        self.divisions: list[
            DivisionRow
        ] = []  # the county's townships and villages, loaded at sign-in
        self.signed_out_because = ""  # why the window went back to the sign-in, shown there once

    @property
    def me(self) -> Me:
        assert self.api is not None and self.api.me is not None, "county mode runs signed in"
        return self.api.me

    @property
    def client(self) -> CountyApi:
        assert self.api is not None, "county mode runs signed in"
        return self.api

    @property
    def lang(self) -> str:
        return i18n.lang()

    def t(self, text: Text) -> str:
        return i18n.t(text)

    # -- places ------------------------------------------------------------------------------
    def set_divisions(self, rows: list[DivisionRow]) -> None:
        self.divisions = sorted(rows, key=lambda d: d.code)

    def townships(self) -> list[tuple[str, str]]:
        """(code prefix, name) of townships that have villages this account may see."""
        seen = {d.code[:9] for d in self.divisions if d.level == "village"}
        names = {d.code[:9]: d.name for d in self.divisions if d.level == "township"}
        return [(code, names.get(code, code)) for code in sorted(seen)]

    def villages(self, township: str | None = None) -> list[tuple[str, str]]:
        return [
            (d.code, d.name)
            for d in self.divisions
            if d.level == "village" and (township is None or d.code.startswith(township))
        ]

    def place_name(self, code: str) -> str:
        """A village's, township's or the county's name from its code or prefix."""
        full = code if len(code) == 12 else (code + "000" if len(code) == 9 else code + "000000")
        for d in self.divisions:
            if d.code == full:
                return d.name
        return self.me.county_name if len(code) == 6 else code

    def shutdown(self) -> None:
        for ops in (self.ops, self.jobs):
            ops.wait_idle(30)
            ops.shutdown()
        if self.api is not None:
            self.api.close()
