"""Screenshots of county mode, from the real app talking to a real county server, offscreen.

    python scripts/county_screenshots.py [--out docs/screenshots] [--households 900]

A county server is set up in a temporary folder with the synthetic demo county (its roster,
assessed), two enrolled laptops that send visits and edits (one pair of edits conflicts, one
batch is refused), and a county staff account. The server runs as ``fieldsurvey server run`` on
a free 127.0.0.1 port; county mode signs in to it exactly as ``fieldsurvey county`` does, and
the dashboard, the households behind a number, the conflict queue and the batch inbox are
grabbed. Nothing leaves 127.0.0.1 and every person in the pictures is made up.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Synthetic counties only: their servers are encrypted with this passphrase unless one is given.
os.environ.setdefault("FIELDSURVEY_SERVER_PASSPHRASE", "bench-county-passphrase-1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from fieldsurvey.core.assessment import assess  # noqa: E402
from fieldsurvey.core.records import household_to_dict, visit_to_dict  # noqa: E402
from fieldsurvey.core.visit import FINALIZED, Visit  # noqa: E402
from fieldsurvey.demo.generator import generate_county, iter_households  # noqa: E402
from fieldsurvey.server import setup  # noqa: E402
from fieldsurvey.server.db.engine import ServerDir  # noqa: E402
from fieldsurvey.server.devices import enrollment  # noqa: E402
from fieldsurvey.server.roster.json_import import import_roster  # noqa: E402
from fieldsurvey.server.users import accounts  # noqa: E402
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch  # noqa: E402
from fieldsurvey.sync.keys import KeyPair  # noqa: E402
from fieldsurvey.sync.transport import RetryPolicy, Transport  # noqa: E402

SIZE = (1366, 768)
STAFF = ("staff", "staff-pass-123")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def visit(h: Any, day: date, visitor: str, findings: str) -> dict[str, Any]:
    v = Visit(
        h.household_id,
        day,
        visitor,
        "household_visit",
        "1",
        {"food_secure": h.food_secure},
        status=FINALIZED,
        findings=findings,
        assessment=assess(h, on=day).to_dict(),
    )
    d = visit_to_dict(v)
    for name in ("cursor", "review_status", "review_comment"):
        d.pop(name, None)
    return d


def edit(h: Any, field: str, base: Any, value: Any) -> dict[str, Any]:
    return {
        "kind": "record.update",
        "record_type": "household",
        "record_id": h.household_id,
        "household_id": h.household_id,
        "base_revision": 1,
        "changes": [{"field": field, "base": base, "value": value}],
    }


class Laptop:
    def __init__(self, sd: ServerDir, url: str, username: str) -> None:
        code, _ = enrollment.new_enroll_code(sd, "screenshots", username=username)
        keys = KeyPair.generate()
        t = Transport(url, policy=RetryPolicy(attempts=3, base=0.05))
        info = t.enroll(code, keys, f"{username}的笔记本")
        t.close()
        county = info["county"]
        self.identity = Identity(
            info["device_id"],
            username,
            county["code"],
            keys,
            county["signing_key"],
            county["encryption_key"],
        )
        self.url = url

    def send(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        payload = batch_payload(self.identity, records, base_cursor=None)
        t = Transport(self.url, identity=self.identity, policy=RetryPolicy(attempts=3, base=0.05))
        try:
            return t.upload(payload["header"]["batch_id"], seal_batch(self.identity, payload))
        except Exception as e:
            return {"refused": str(e)}
        finally:
            t.close()


def prepare(folder: Path, households: int) -> tuple[ServerDir, list[Any], list[str]]:
    sd = ServerDir(folder / "county")
    setup.init_server(
        sd, county="610728", name=None, admin="admin", password="admin-pass-123", db_url=None
    )
    county = generate_county(seed=7, households=households)
    homes = list(iter_households(county, households, seed=7))
    divisions = [
        {"code": d.code.value, "name": d.name, "parent": d.parent, "level": d.code.level}
        for d in county.divisions
    ]
    import_roster(
        sd,
        "screenshots",
        {
            "format": "fieldsurvey-roster",
            "version": 1,
            "county": "610728",
            "divisions": divisions,
            "households": [household_to_dict(h) for h in homes],
        },
    )
    villages = [str(v) for v in county.villages]
    accounts.add_user(
        sd,
        "screenshots",
        username=STAFF[0],
        role="county_staff",
        display_name="县乡村振兴局",
        password=STAFF[1],
    )
    for i, name in enumerate(("王书记", "李书记")):
        accounts.add_user(
            sd,
            "screenshots",
            username=f"sec{i + 1}",
            role="secretary",
            display_name=name,
            password=None,
        )
        accounts.assign(sd, "screenshots", username=f"sec{i + 1}", villages=villages[:2])
    from fieldsurvey.server.dashboard.assessments import reassess

    reassess(sd, None, None, date.today())
    return sd, homes, villages


def send_work(sd: ServerDir, url: str, homes: list[Any], villages: list[str]) -> None:
    first = [h for h in homes if str(h.division_code) in villages[:2]]
    one, two = Laptop(sd, url, "sec1"), Laptop(sd, url, "sec2")
    today = date.today()
    for week in range(
        8, 0, -1
    ):  # visits over the past weeks (the server stamps its own receipt time)
        chunk = first[week * 6 : week * 6 + 6]
        one.send(
            [
                {
                    "kind": "visit",
                    "visit": visit(
                        h, today - timedelta(days=7 * week), "王书记", "入户核实收入和住房情况。"
                    ),
                }
                for h in chunk
            ]
        )
    two.send(
        [
            {
                "kind": "visit",
                "visit": visit(h, today - timedelta(days=2), "李书记", "房屋有裂缝,建议鉴定。"),
            }
            for h in first[60:66]
        ]
    )
    target = first[1]
    one.send(
        [
            edit(target, "phone", target.phone, "13800001111"),
            edit(target, "housing_grade", target.housing_grade, "C"),
        ]
    )
    two.send(
        [
            edit(target, "phone", target.phone, "13900002222"),
            edit(target, "housing_grade", target.housing_grade, "D"),
        ]
    )
    other = first[3]
    one.send([edit(other, "water_source", other.water_source, "unprotected_well")])
    two.send([edit(other, "water_source", other.water_source, "protected_well")])
    two.send(
        [
            {
                "kind": "record.update",
                "record_type": "household",
                "record_id": "00000000-0000-4000-8000-000000000000",
                "household_id": "00000000-0000-4000-8000-000000000000",
                "base_revision": 1,
                "changes": [{"field": "phone", "base": None, "value": "1"}],
            }
        ]
    )  # refused: unknown household


def start_server(sd: ServerDir) -> tuple[subprocess.Popen[bytes], str]:
    """The demo's own starter (``fieldsurvey server run``, waits until it answers) on a free port."""
    from fieldsurvey.commands.demo_server import start_server as run_server

    port = free_port()
    return run_server(sd.path, port), f"http://127.0.0.1:{port}"


def roster_workbook(path: Path, village: str) -> Path:
    """A small county export with the mistakes real ones have, for the roster report picture."""
    from openpyxl import Workbook

    from fieldsurvey.core.ids import make_id_number

    def idn(seq: int, sex: str = "male", born: date = date(1969, 3, 8)) -> str:
        return make_id_number("610728", born, 700 + 2 * seq, sex)

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "户编号",
            "户主姓名",
            "姓名",
            "与户主关系",
            "证件号码",
            "行政区划代码",
            "村民小组",
            "脱贫状态",
        ]
    )
    rows = [
        ["6107281009990001", "严大明", "严大明", "户主", idn(1), village, "一组", "已脱贫"],
        [
            "6107281009990001",
            "严大明",
            "罗桂芝",
            "配偶",
            idn(2, "female"),
            village,
            "一组",
            "已脱贫",
        ],
        [
            "6107281009990002",
            "石秋生",
            "石秋生",
            "户主",
            idn(3)[:-1] + "0",
            village,
            "二组",
            "未脱贫",
        ],
        [
            "6107281009990003",
            "龚二妹",
            "龚二妹",
            "户主",
            idn(4, "female"),
            "610728199201",
            "二组",
            "已脱贫",
        ],
        ["6107281009990004", "彭老三", "彭老三", "兄", idn(5), village, "三组", "已脱贫"],
        ["6107281009990005", "谭平", "谭平", "户主", idn(1), village, "三组", "已脱贫"],
    ]
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def settle(app: Any, controller: Any) -> None:
    """Until the app is quiet: every answer from the server in, no timer pending."""
    from fieldsurvey.ui.quiet import wait_quiet

    wait_quiet([controller.ctx.ops, controller.ctx.jobs])


def grab(widget: Any, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"wrote {path}")


def shoot(url: str, out: Path, home: Path) -> None:
    from fieldsurvey.ui.app import create_application
    from fieldsurvey.ui.county.app import CountyController
    from fieldsurvey.ui.i18n import set_language

    app = create_application()
    controller = CountyController(url, home)
    set_language(LANGUAGE["value"])
    controller.start()
    dialog = controller.sign_in
    dialog.username.setText(STAFF[0])
    settle(app, controller)
    grab(dialog, out / "county-sign-in.png")
    dialog.password.setText(STAFF[1])
    dialog.try_sign_in()
    settle(app, controller)
    window = controller.window
    window.timer.stop()
    window.resize(*SIZE)
    settle(app, controller)
    grab(window, out / "county-dashboard.png")
    window.dashboard.guarantees_table.setCurrentCell(0, 0)
    window.dashboard.tables.setCurrentIndex(1)
    table = window.dashboard.guarantees_table
    total = table.rowCount() - 1  # the total row: fails housing, or the largest count
    counts = {c: int(table.item(total, c).text() or 0) for c in range(1, table.columnCount() - 1)}
    column = 5 if counts.get(5) else max(counts, key=lambda c: counts[c])
    table.cellClicked.emit(total, column)
    settle(app, controller)
    window.households.view.selectRow(0)
    settle(app, controller)
    grab(window, out / "county-households.png")
    window.tabs.setCurrentWidget(window.conflicts)
    settle(app, controller)
    window.conflicts.view.selectRow(0)
    settle(app, controller)
    window.conflicts.resolution.radios[1].setChecked(True)
    window.conflicts.resolution.note.setPlainText("已电话核实，以书记入户登记为准。")
    settle(app, controller)
    grab(window, out / "county-conflicts.png")
    window.tabs.setCurrentWidget(window.inbox)
    window.inbox.view.selectRow(0)
    settle(app, controller)
    grab(window, out / "county-inbox.png")
    window.tabs.setCurrentWidget(window.roster)
    window.roster.upload(roster_workbook(home / "roster.xlsx", controller.ctx.villages()[0][0]))
    settle(app, controller)
    window.roster.check()
    settle(app, controller)
    grab(window, out / "county-roster.png")
    window.close()
    controller.shutdown()


LANGUAGE = {"value": "zh_CN"}  # --language: the screens' language (the README's are Chinese)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--households", type=int, default=900)
    parser.add_argument(
        "--language",
        choices=("zh_CN", "en"),
        action="append",
        help="the screens' language (zh_CN unless given); given twice, one county serves both "
        "and each language's pictures go to a folder of its name under --out",
    )
    args = parser.parse_args(argv)
    languages = args.language or ["zh_CN"]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sd, homes, villages = prepare(Path(tmp), args.households)
        proc, url = start_server(sd)
        try:
            send_work(sd, url, homes, villages)
            for language in languages:
                LANGUAGE["value"] = language
                out = args.out if len(languages) == 1 else args.out / language
                out.mkdir(parents=True, exist_ok=True)
                shoot(url, out, Path(tmp) / f"home-{language}")
        finally:
            proc.terminate()
            proc.wait(10)
            sd.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
