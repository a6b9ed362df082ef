"""``fieldsurvey demo``: a synthetic county to try FieldSurvey on, in an encrypted store."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from fieldsurvey.commands.common import PASSPHRASE_ENV
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

if TYPE_CHECKING:
    from fieldsurvey.store import Store

WORDS = (
    "shan", "shui", "tian", "yun", "feng", "lin", "he", "qiao", "cha", "mai", "dou", "gu",
    "song", "zhu", "mei", "lan", "ju", "hua", "shi", "quan", "xi", "po", "ling", "yuan",
)


def default_demo_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fieldsurvey" / "demo"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="prepare a demo county with synthetic households",
        description=(
            "Prepare a demo county: an encrypted village store holding synthetic households "
            "(made-up people with valid-looking ID numbers) across a few villages of one county. "
            f"Uses the passphrase in {PASSPHRASE_ENV} when set; otherwise makes one and prints it."
        ),
    )
    p.add_argument("--data-dir", type=Path, default=default_demo_dir(), metavar="DIR", help=f"where to put the demo store (default: {default_demo_dir()})")
    p.add_argument("--households", type=int, default=600, metavar="N", help="number of households (default: 600)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="random seed; the same seed gives the same county (default: 1)")
    p.add_argument("--reset", action="store_true", help="delete an existing demo store in DIR and make a new one")
    p.add_argument("--no-gui", action="store_true", help="only prepare the data; do not open the app")
    p.set_defaults(handler=run)


def make_passphrase() -> str:
    return "-".join(secrets.choice(WORDS) for _ in range(4)) + "-" + str(secrets.randbelow(90) + 10)


def prepare(data_dir: Path, passphrase: str, households: int, seed: int, progress=print) -> tuple[Store, str]:  # type: ignore[no-untyped-def]
    """Create the store and fill it; returns the open store and its recovery key."""
    from fieldsurvey.demo.generator import generate_county, iter_households
    from fieldsurvey.store import Store

    county = generate_county(seed=seed, households=households)
    store, recovery_key = Store.create(data_dir, passphrase)
    store.set_county(county.county_code, county.county_name)
    store.divisions.add_many(county.divisions)
    count = store.households.add_many(iter_households(county, households, seed=seed))
    store.checkpoint()
    progress(f"已生成 {count} 户,{len(county.villages)} 个村。Generated {count} households in {len(county.villages)} villages.")
    return store, recovery_key


def run(args: argparse.Namespace) -> int:
    from fieldsurvey.store import Store

    data_dir: Path = args.data_dir
    if args.households < 1:
        raise UserError(Text("户数至少为1", "the number of households must be at least 1"), code="bad_count")
    if Store.exists(data_dir):
        if not args.reset:
            print(f"示范数据已存在:{data_dir}\nDemo data already exists in {data_dir}.")
            print("用当初显示的密码短语打开,或加 --reset 重新生成。Open it with the passphrase shown when it was made, or pass --reset to make it anew.")
            return 0
        shutil.rmtree(data_dir)
    passphrase = os.environ.get(PASSPHRASE_ENV)
    generated = passphrase is None
    if passphrase is None:
        passphrase = make_passphrase()
    started = time.monotonic()
    store, recovery_key = prepare(data_dir, passphrase, args.households, args.seed)
    store.close()
    print(f"数据目录 Data directory: {data_dir}")
    if generated:
        print(f"密码短语 Passphrase: {passphrase}")
    print(f"恢复密钥 Recovery key: {recovery_key}")
    print("请妥善保存恢复密钥,它只显示这一次。Keep the recovery key safe: it is shown only this once.")
    print(f"用时 Took {time.monotonic() - started:.1f} s")
    return 0
