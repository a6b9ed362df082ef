"""County mode under test: a real server process with a varied roster, and the real window signed in.

Shared by the county-mode tests (``tests/county``, whose ``conftest.py`` holds the fixtures).
The county's households are hand-built and synthetic, each with one known problem, so a test can
say exactly which households a dashboard number stands for. The window is the real
``CountyController`` offscreen, signed in by typing into its sign-in dialog; every call it makes
goes over HTTP to the server process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from fieldsurvey.core.household import Household
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.users import accounts
from tests.support.factories import household_with, insured
from tests.support.server import (
    VILLAGE_A,
    VILLAGE_B,
    ServerProcess,
    database,
    roster_of,
    township,
)

STAFF_PASSWORD = "staff-pass-123"
SECRETARY_PASSWORD = "sec-pass-1234"
TOWNSHIP = "610728101"


def county_households() -> dict[str, Household]:
    """Seven households, each with a known status and (at most) one failing dimension."""
    li = household_with(
        "6107281010010002", VILLAGE_A, status="not_exited", household_type="edge", housing_grade="D"
    )
    zhao = household_with(
        "6107281010010003", VILLAGE_A, status="relapsed", household_type="unstable"
    )
    zhao.members[
        2
    ].schooling = "not_student"  # a school-age daughter out of school: education fails
    chen = household_with("6107281010020004", VILLAGE_B, status="not_exited")
    for m in chen.members:
        m.resident_medical_insurance = False  # medical fails
    zhou = household_with(
        "6107281010020005", VILLAGE_B, household_type="sudden_hardship", water_quality_ok=False
    )
    zhou.members[0] = insured("周秀英", "02", "female", date(1972, 5, 6), 91, health="healthy")
    return {
        "wang": household_with("6107281010010001", VILLAGE_A),
        "li": li,
        "zhao": zhao,
        "sun": household_with(
            "6107281010010006", VILLAGE_A, status="not_exited", housing_grade="C"
        ),
        "chen": chen,
        "zhou": zhou,
        "wu": household_with("6107281010020007", VILLAGE_B),
    }


def county_roster(households: dict[str, Household]) -> dict[str, Any]:
    return roster_of(
        [household_to_dict(h) for h in households.values()],
        divisions=township({VILLAGE_A: "示范村", VILLAGE_B: "青石村"}, "泾洋街道"),
    )


@dataclass
class CountyServer:
    server: ServerProcess
    households: dict[str, Household]

    @property
    def url(self) -> str:
        return self.server.url

    def token(self, username: str = "staff", password: str = STAFF_PASSWORD) -> str:
        return self.server.token(username, password)

    def api(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        return self.server.api(method, path, token or self.token(), **kwargs)

    def ids(self, *keys: str) -> set[str]:
        return {self.households[k].household_id for k in keys}


def start_county(tmp: Path, db_url: str | None) -> CountyServer:
    server = ServerProcess(tmp / "county", db_url)
    server.init()
    sd = server.server_dir
    households = county_households()
    import_roster(sd, "test", county_roster(households))
    accounts.add_user(
        sd,
        "test",
        username="staff",
        role="county_staff",
        display_name="县乡村振兴局",
        password=STAFF_PASSWORD,
    )
    accounts.add_user(
        sd,
        "test",
        username="sec_a",
        role="secretary",
        display_name="示范村书记",
        password=SECRETARY_PASSWORD,
    )
    accounts.add_user(
        sd, "test", username="sec_a2", role="secretary", display_name="示范村工作队", password=None
    )
    accounts.assign(sd, "test", username="sec_a", villages=[VILLAGE_A])
    accounts.assign(sd, "test", username="sec_a2", villages=[VILLAGE_A])
    sd.close()
    server.start()
    county = CountyServer(server, households)
    r = county.api(
        "POST", "/reassess", params={"on": date.today().isoformat()}
    )  # the roster's first assessment
    assert r.status_code == 200, r.text
    return county


def county_process(tmp: Path, backend: str) -> Iterator[CountyServer]:
    """Body of a module-scoped fixture: the county on SQLite, or on PostgreSQL at 127.0.0.1:5432."""
    with database(backend) as url:
        county = start_county(tmp, url)
        try:
            yield county
        finally:
            county.server.stop()


# -- the window ------------------------------------------------------------------------------
def sign_in(qtbot: Any, url: str, home: Path, username: str, password: str) -> Any:
    """The real controller: type into the sign-in dialog, wait for the window and its first data."""
    from fieldsurvey.ui.county.app import CountyController
    from fieldsurvey.ui.i18n import set_language

    controller = CountyController(url, home)
    set_language("zh_CN")
    controller.start()
    dialog = controller.sign_in
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.username.setText(username)
    dialog.password.setText(password)
    with qtbot.waitSignal(dialog.signed_in, timeout=30_000):
        dialog.try_sign_in()
    window = controller.window
    assert window is not None
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.dashboard.loaded, timeout=30_000):
        pass
    wait(controller)
    return controller


def wait(controller: Any, timeout: float = 60) -> None:
    assert controller.ctx.ops.wait_idle(timeout), "county operations did not finish"
    assert controller.ctx.jobs.wait_idle(timeout), "county jobs did not finish"


def close(controller: Any) -> None:
    if controller.window is not None:
        controller.window.timer.stop()
        controller.window.close()
    controller.shutdown()


def window_for(
    qtbot: Any, county: CountyServer, home: Path, username: str, password: str
) -> Iterator[Any]:
    """Body of a window fixture: signed in as ``username``, closed afterwards."""
    controller = sign_in(qtbot, county.url, home, username, password)
    yield controller
    close(controller)
