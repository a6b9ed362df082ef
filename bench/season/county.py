"""The county side of the season: a real server process, its database, and the staff's API calls.

The server is the one the sync tests run (``tests/support/server.py``: ``server init`` and
``server run`` on a free 127.0.0.1 port), on a fresh PostgreSQL database created on
127.0.0.1:5432 and dropped afterwards, or on SQLite in its data directory. People are added
and enrollment codes issued by the admin over the HTTP API; county staff resolve conflicts
through the same API the desktop app's county mode calls.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.season.plan import Plan
from bench.season.proxy import CuttingProxy
from tests.support.server import (
    ADMIN_PASSWORD,
    ServerProcess,
    postgres_available,
    postgres_database,
    run_cli,
)

STAFF = "county_staff_1"
STAFF_PASSWORD = "staff-season-2026"


@dataclass
class County:
    server: ServerProcess
    backend: str
    proxy: CuttingProxy
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, who: str) -> str:
        if who not in self.tokens:
            password = ADMIN_PASSWORD if who == "admin" else STAFF_PASSWORD
            self.tokens[who] = self.server.token(who, password)
        return self.tokens[who]

    def api(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        r = self.server.api(method, path, self.token(who), **kwargs)
        if r.status_code >= 400:
            raise AssertionError(f"{method} {path} answered {r.status_code}: {r.text[:300]}")
        return r.json()

    def status(self) -> dict[str, Any]:
        return dict(self.api(STAFF, "GET", "/status"))

    def peak_memory_kib(self) -> int:
        """VmHWM of the server process: the most resident memory it ever had."""
        assert self.server.proc is not None
        for line in Path(f"/proc/{self.server.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError("no VmHWM in /proc")


@contextmanager
def running_county(work: Path, backend: str, *, cut_every: int, seed: int) -> Iterator[County]:
    if backend == "postgres":
        if not postgres_available():
            raise RuntimeError("PostgreSQL is not reachable on 127.0.0.1:5432")
        with postgres_database() as url:
            yield from _county(work, url, backend, cut_every, seed)
    elif backend == "sqlite":
        yield from _county(work, None, backend, cut_every, seed)
    else:
        raise ValueError(f"unknown backend {backend!r}")


def _county(
    work: Path, url: str | None, backend: str, cut_every: int, seed: int
) -> Iterator[County]:
    server = ServerProcess(work / f"county-{backend}", url, process=True)
    server.init()
    server.start()
    proxy = CuttingProxy(server.port, every=cut_every, seed=seed)
    try:
        yield County(server, backend, proxy)
    finally:
        proxy.close()
        server.stop()


def import_roster(county: County, files: list[Path]) -> list[float]:
    """``fieldsurvey server roster import`` per file, as the county office runs it."""
    seconds = []
    for f in files:
        start = time.perf_counter()
        run_cli("server", "roster", "import", "--data-dir", str(county.server.data_dir), str(f))
        seconds.append(time.perf_counter() - start)
    return seconds


def add_people(county: County, plan: Plan) -> None:
    """A secretary per laptop with its villages, and a county staff member, added by the admin."""
    for d in plan.devices:
        county.api(
            "admin",
            "POST",
            "/admin/users",
            json={"username": d.username, "role": "secretary", "display_name": d.visitor},
        )
        county.api(
            "admin", "PUT", f"/admin/users/{d.username}/villages", json={"villages": d.villages}
        )
    county.api(
        "admin",
        "POST",
        "/admin/users",
        json={
            "username": STAFF,
            "role": "county_staff",
            "display_name": "县乡村振兴局",
            "password": STAFF_PASSWORD,
        },
    )


def enroll_code(county: County, username: str) -> str:
    return str(
        county.api("admin", "POST", "/admin/enroll-codes", json={"username": username})["code"]
    )


def usb_import(county: County, batch_file: Path) -> tuple[str, float]:
    start = time.perf_counter()
    out = run_cli(
        "server", "batch", "import", "--data-dir", str(county.server.data_dir), str(batch_file)
    ).stdout
    return out.strip(), time.perf_counter() - start


def usb_export(county: County, device_id: str, out: Path) -> str:
    return run_cli(
        "server",
        "feed",
        "export",
        "--data-dir",
        str(county.server.data_dir),
        "--device",
        device_id,
        "--out",
        str(out),
    ).stdout.strip()


def conflicts_with(county: County, status: str) -> list[dict[str, Any]]:
    """Every conflict with this status, following the list's ``next`` cursor."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"status": status, "limit": 500}
    while True:
        page = county.api(STAFF, "GET", "/county/conflicts", params=params)
        items += page["items"]
        if not page["next"]:
            return items
        params["after"] = page["next"]


def open_conflicts(county: County) -> list[dict[str, Any]]:
    return conflicts_with(county, "open")


def all_conflicts(county: County) -> list[dict[str, Any]]:
    return conflicts_with(county, "open") + conflicts_with(county, "resolved")


def resolve_all(county: County) -> list[dict[str, Any]]:
    """Staff work through the queue: keep the device's value, keep the county's, or type another."""
    resolved = []
    for n, c in enumerate(open_conflicts(county)):
        choice = ("device", "server", "typed")[n % 3]
        if choice == "device":
            value = c["device_value"]
        elif choice == "server":
            value = c["server_value"]
        else:
            value = _typed_value(c["field"], n)
        note = {
            "device": "经电话核实,采用村里上报的值",
            "server": "经核实,县里的记录正确",
            "typed": "两者都不对,按户籍信息更正",
        }[choice]
        resolved.append(
            county.api(
                STAFF,
                "POST",
                f"/conflicts/{c['conflict_id']}/resolve",
                json={"value": value, "note": note},
            )
        )
    return resolved


def _typed_value(name: str, n: int) -> Any:
    return {
        "phone": f"1370000{n:04d}",
        "address": f"县里核实地址{n}号",
        "hamlet": f"核实组{n}",
        "group": f"{n % 9 + 1}组(核实)",
    }.get(name, f"核实{n}")
