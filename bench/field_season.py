"""The field season: a county's work end to end, at scale, under the faults villages bring.

    python bench/field_season.py [--households 50000] [--devices 20] [--visits 200]
                                 [--backends postgres,sqlite] [--usb 2] [--kills 1] [--fast-kdf]

A real county server process (``fieldsurvey server run``) on PostgreSQL — a database created
fresh on 127.0.0.1:5432 and dropped afterwards — and once on SQLite, holding a synthetic roster
of ``--households`` households. ``--devices`` laptops, each a process with its own SQLCipher
store, enroll for their villages, download them, and work offline through the form engine:
``--visits`` visits each (with autosaved drafts and member changes) and as many household
edits, 5% of them on households another laptop also edits. They sync concurrently over HTTP
through a proxy that cuts connections at random points; ``--usb`` of them carry batch files
instead; ``--kills`` laptops are killed with SIGKILL in the middle of a visit and restarted.
County staff resolve every conflict over the HTTP API; the laptops sync again. Then the checks
(every visit on the county exactly once, every edit applied or resolved, each laptop equal to
the county's view of its villages, the audit chain, assessments recomputed on the county,
ledgers printed and verified) and the table. ``--fast-kdf`` unlocks stores with a cheap
Argon2id (tests); without it the stores use the production parameters.

Everything stays on 127.0.0.1; all people and households are synthetic.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``tests`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.season.machine import describe
from bench.season.plan import Size
from bench.season.report import table
from bench.season.scenario import Season, SeasonResult


def run(
    size: Size,
    backends: list[str],
    *,
    fast_kdf: bool = False,
    cut_every: int = 2,
    tamper: int = 12,
    keep: Path | None = None,
    quiet: bool = False,
) -> list[SeasonResult]:
    def log(line: str) -> None:
        if not quiet:
            print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)

    results = []
    for backend in backends:
        if (
            keep is not None
        ):  # kept for a post-mortem: stores, roster, snapshots, the county database
            keep.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix=f"fs-season-{backend}-", dir=keep))
            log(f"working folder {folder} (kept)")
            results.append(
                Season(
                    size,
                    backend,
                    folder,
                    fast_kdf=fast_kdf,
                    cut_every=cut_every,
                    tamper=tamper,
                    log=log,
                ).run()
            )
            continue
        with tempfile.TemporaryDirectory(prefix=f"fs-season-{backend}-") as tmp:
            season = Season(
                size,
                backend,
                Path(tmp),
                fast_kdf=fast_kdf,
                cut_every=cut_every,
                tamper=tamper,
                log=log,
            )
            results.append(season.run())
    return results


def season_cli(argv: list[str] | None = None) -> list[SeasonResult]:
    """Parse the options, run the season on each backend, print the machine and the table."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    d = Size()
    ap.add_argument("--households", type=int, default=d.households)
    ap.add_argument("--devices", type=int, default=d.devices)
    ap.add_argument("--visits", type=int, default=d.visits, help="visits per laptop")
    ap.add_argument(
        "--edits",
        type=int,
        default=None,
        help="household edits per laptop (default: as many as visits)",
    )
    ap.add_argument("--usb", type=int, default=d.usb, help="laptops that sync by USB stick")
    ap.add_argument(
        "--kills", type=int, default=d.kills, help="laptops killed with SIGKILL mid-visit"
    )
    ap.add_argument(
        "--overlap",
        type=float,
        default=d.overlap,
        help="share of edits on households another laptop edits",
    )
    ap.add_argument("--backends", default="postgres,sqlite")
    ap.add_argument(
        "--cut-every",
        type=int,
        default=2,
        help="the proxy cuts every N-th connection while laptops sync",
    )
    ap.add_argument(
        "--tamper", type=int, default=12, help="tampered copies of a batch to send (0: none)"
    )
    ap.add_argument("--seed", type=int, default=d.seed)
    ap.add_argument(
        "--fast-kdf",
        action="store_true",
        help="cheap Argon2id for the laptops' stores (tests only)",
    )
    ap.add_argument(
        "--keep",
        type=Path,
        help="keep the working folders (stores, roster, county database) under this directory",
    )
    args = ap.parse_args(argv)
    size = Size(
        households=args.households,
        devices=args.devices,
        visits=args.visits,
        edits=args.edits,
        usb=args.usb,
        kills=args.kills,
        overlap=args.overlap,
        seed=args.seed,
    )
    print(describe(), flush=True)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results = run(
        size,
        [b.strip() for b in args.backends.split(",") if b.strip()],
        fast_kdf=args.fast_kdf,
        cut_every=args.cut_every,
        tamper=args.tamper,
        keep=args.keep,
    )
    print()
    print(table(results))
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("every check passed")
    return results


def main(argv: list[str] | None = None) -> int:
    season_cli(argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
