"""``fieldsurvey demo``: a synthetic county to try FieldSurvey on.

``--no-gui`` only prepares data: the village device's encrypted store (and, with
``--server-dir``, the county server's data with the same roster and this device enrolled).
Without it, the demo also starts that county server on 127.0.0.1 and opens the desktop app on
the store, with the passphrase filled in, so a newcomer can look around and press Sync at once.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from fieldsurvey.commands.common import PASSPHRASE_ENV, data_location, require_strong
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

if TYPE_CHECKING:
    from fieldsurvey.store import Store

WORDS = (
    "shan",
    "shui",
    "tian",
    "yun",
    "feng",
    "lin",
    "he",
    "qiao",
    "cha",
    "mai",
    "dou",
    "gu",
    "song",
    "zhu",
    "mei",
    "lan",
    "ju",
    "hua",
    "shi",
    "quan",
    "xi",
    "po",
    "ling",
    "yuan",
)
# Past visits and assessments cost ~2 ms a household; a very large demo county gets them for
# this many households (a season in progress) so it still loads in well under a minute.
HISTORY_LIMIT = 5000
SECRETARY = {"name": "李明华", "unit": "镇巴县农业农村局驻村工作队"}
SERVER_PASSPHRASE_ENV = "FIELDSURVEY_SERVER_PASSPHRASE"  # as fieldsurvey.server.db.vault reads it
# The passphrases the demo made, kept beside its store so every later ``fieldsurvey demo`` shows
# them and fills them in. Only for the demo: its households are synthetic, and a real store's
# passphrase is never written anywhere.
DEMO_SECRETS_NAME = "demo-passphrases.json"


def demo_root() -> Path:
    """The folder holding ``demo`` and ``demo-server`` (see ``common.data_location``)."""
    return data_location("demo").parent


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="try FieldSurvey on a synthetic county (opens the app)",
        description=(
            "Prepare a demo county — an encrypted village store holding synthetic households "
            "(made-up people with valid-looking ID numbers) across a few villages of one county — "
            "start its county server on 127.0.0.1 and open the desktop app on it. Uses the "
            f"passphrase in {PASSPHRASE_ENV} when set; otherwise makes one and prints it. The county "
            f"server's data is encrypted with {SERVER_PASSPHRASE_ENV} when set, otherwise with a "
            "passphrase made and printed the same way. "
            "Run it again to reopen the same demo; --reset makes a new one."
        ),
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=demo_root() / "demo",
        metavar="DIR",
        help=f"the village device's data directory (default: {demo_root() / 'demo'})",
    )
    p.add_argument(
        "--server-dir",
        type=Path,
        default=None,
        metavar="S",
        help=f"also prepare the county server's data here (default without --no-gui: {demo_root() / 'demo-server'})",
    )
    p.add_argument(
        "--households",
        type=int,
        default=600,
        metavar="N",
        help="number of households (default: 600)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="random seed; the same seed gives the same county (default: 1)",
    )
    p.add_argument(
        "--port", type=int, default=8400, help="port of the demo county server (default: 8400)"
    )
    p.add_argument(
        "--reset",
        action="store_true",
        help="delete an existing demo in DIR (and S) and make a new one",
    )
    p.add_argument(
        "--no-gui",
        action="store_true",
        help="only prepare the data; do not start the server or open the app",
    )
    p.set_defaults(handler=run)


def make_passphrase() -> str:
    return "-".join(secrets.choice(WORDS) for _ in range(4)) + "-" + str(secrets.randbelow(90) + 10)


def prepare(
    data_dir: Path,
    passphrase: str,
    households: int,
    seed: int,
    progress: Callable[[str], object] = print,
    *,
    kdf: dict | None = None,
    history_limit: int = HISTORY_LIMIT,
    parallel: bool | None = None,
) -> tuple[Store, str]:
    """Create the store and fill it; returns the open store and its recovery key.

    ``parallel`` picks whether a producer process generates the households (``demo_fill``);
    None decides by size.
    """
    from fieldsurvey.commands.demo_fill import Plan, fill
    from fieldsurvey.demo.generator import generate_county, iter_households
    from fieldsurvey.store import Store

    today = date.today()
    county = generate_county(seed=seed, households=households)
    iter_households(
        county, households, seed=seed, as_of=today
    )  # refuses a bad count here, before any file exists
    # Unfinished until filled: a demo killed half-way is made again, not opened half empty.
    store, recovery_key = Store.create(data_dir, passphrase, kdf=kdf, finished=False)
    try:
        store.set_county(county.county_code, county.county_name)
        store.settings.set("secretary", SECRETARY)
        store.divisions.add_many(county.divisions)
        count, visited = fill(
            store, Plan(seed, households, today, history_limit), parallel=parallel
        )
        store.checkpoint()
        store.finish_creation()
    except BaseException:
        store.close()
        shutil.rmtree(data_dir, ignore_errors=True)
        raise
    progress(
        f"已生成 {count} 户，{len(county.villages)} 个村，{visited} 户有走访记录。"
        f"Generated {count} households in {len(county.villages)} villages; {visited} with past visits."
    )
    return store, recovery_key


def save_demo_secrets(
    data_dir: Path, passphrase: str | None, server_passphrase: str | None
) -> None:
    """Remember the passphrases the demo made (not those the user gave in the environment)."""
    import json

    kept = {
        k: v for k, v in (("passphrase", passphrase), ("server_passphrase", server_passphrase)) if v
    }
    if not kept:
        return
    fd = os.open(data_dir / DEMO_SECRETS_NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(kept, f)


def load_demo_secrets(data_dir: Path) -> dict[str, str]:
    import json

    try:
        found = json.loads((data_dir / DEMO_SECRETS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}


def _print_secrets(data_dir: Path, passphrase: str | None, recovery_key: str) -> None:
    print(f"数据目录 Data directory: {data_dir}")
    if passphrase:
        print(f"密码短语 Passphrase: {passphrase}")
    print(f"恢复密钥 Recovery key: {recovery_key}")
    print(
        "请妥善保存恢复密钥,它只显示这一次。Keep the recovery key safe: it is shown only this once."
    )


def run(args: argparse.Namespace) -> int:
    from fieldsurvey.store import Store

    data_dir: Path = args.data_dir
    server_dir: Path | None = args.server_dir
    if server_dir is None and not args.no_gui:
        server_dir = demo_root() / "demo-server"
    if args.households < 1:
        raise UserError(
            Text("户数至少为1", "the number of households must be at least 1"), code="bad_count"
        )
    if not args.no_gui:
        from fieldsurvey.commands.desktop_libs import require_desktop_libs

        require_desktop_libs()  # before making anything or starting the server
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if Store.exists(data_dir) and not args.reset:
        saved = load_demo_secrets(data_dir)
        passphrase = passphrase or saved.get("passphrase")
        print(f"示范数据已在 {data_dir}。Demo data is already in {data_dir}.")
        if passphrase:
            print(f"密码短语 Passphrase: {passphrase}")
        else:
            print(
                "密码短语在创建示范时已显示；加 --reset 可重新生成示范。"
                "The passphrase was shown when the demo was made; --reset makes a new demo."
            )
        if args.no_gui:
            print("加 --reset 可重新生成。Pass --reset to make it anew.")
            return 0
        server_passphrase = os.environ.get(SERVER_PASSPHRASE_ENV) or saved.get("server_passphrase")
        return _open_app(data_dir, server_dir, args.port, passphrase, server_passphrase)
    if passphrase is not None:
        require_strong(
            passphrase
        )  # the setup assistant's rule; checked before --reset deletes anything
    for d in (data_dir, server_dir):
        if d is not None and d.exists() and args.reset:
            shutil.rmtree(d)
    if server_dir is not None and server_dir.exists() and any(server_dir.iterdir()):
        raise UserError(
            Text(
                f"服务器目录 {server_dir} 不是空的；加 --reset 重新生成",
                f"the server directory {server_dir} is not empty; pass --reset to make it anew",
            ),
            code="server_dir_not_empty",
        )
    generated = passphrase is None
    if passphrase is None:
        passphrase = make_passphrase()
    server_passphrase = os.environ.get(SERVER_PASSPHRASE_ENV) or None
    server_generated = server_dir is not None and server_passphrase is None
    if server_generated:
        server_passphrase = make_passphrase()
    started = time.monotonic()
    store, recovery_key = prepare(data_dir, passphrase, args.households, args.seed)
    try:
        if server_dir is not None:
            from fieldsurvey.commands.demo_server import prepare_demo_server

            demo = prepare_demo_server(
                store, server_dir, port=args.port, passphrase=server_passphrase
            )
            print(
                f"县级服务器数据 County server data: {server_dir}  (管理员 admin: {demo.admin} / "
                f"{demo.admin_password}); "
                f"{demo.visits_waiting} 条走访待同步 visits waiting to sync"
            )
            if server_generated:
                print(
                    f"县级服务器密码短语 Server passphrase: {server_passphrase}  "
                    f"(以后启动服务器时用 {SERVER_PASSPHRASE_ENV} 给出 give it in {SERVER_PASSPHRASE_ENV} to "
                    "start the server later)"
                )
    finally:
        store.close()
    save_demo_secrets(
        data_dir, passphrase if generated else None, server_passphrase if server_generated else None
    )
    _print_secrets(data_dir, passphrase if generated else None, recovery_key)
    print(f"用时 Took {time.monotonic() - started:.1f} s")
    if args.no_gui:
        return 0
    return _open_app(data_dir, server_dir, args.port, passphrase, server_passphrase)


def _ask_server_passphrase() -> str:
    """Reopening a demo: the server passphrase printed when it was made, from the environment or asked."""
    import getpass
    import sys

    found = os.environ.get(SERVER_PASSPHRASE_ENV)
    if found:
        return found
    if not sys.stdin.isatty():
        raise UserError(
            Text(
                f"请在 {SERVER_PASSPHRASE_ENV} 中给出示范县级服务器的密码短语（创建示范时已显示）",
                f"give the demo county server's passphrase (shown when the demo was made) in {SERVER_PASSPHRASE_ENV}",
            ),
            code="no_passphrase",
        )
    return getpass.getpass("示范县级服务器密码短语 Demo server passphrase: ")


def _open_app(
    data_dir: Path,
    server_dir: Path | None,
    port: int,
    passphrase: str | None,
    server_passphrase: str | None = None,
) -> int:
    from fieldsurvey.ui.app import create_application, run_app

    # Qt loads its window plugin here: should that fail, no server has been started to outlive it.
    create_application()
    server = None
    if server_dir is not None and server_dir.exists():
        from fieldsurvey.commands.demo_server import start_server

        server = start_server(
            server_dir, port, passphrase=server_passphrase or _ask_server_passphrase()
        )
        print(
            f"县级服务器已启动 County server running: http://127.0.0.1:{port}  （文档 docs: /docs）"
        )
    try:
        return run_app(data_dir, passphrase_hint=passphrase)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
