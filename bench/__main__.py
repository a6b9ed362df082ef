"""Run every benchmark: ``python -m bench``.

    python -m bench                     every benchmark at its quick size, the field season (small,
                                        PostgreSQL and SQLite) and the reliability runs; < 10 min
    python -m bench --full              every benchmark at its documented size (over an hour)
    python -m bench --only store,season a subset (names below)
    python -m bench machine             the machine, as the report records it
    python -m bench season [ARGS]       the field season alone (bench/field_season.py ARGS)
    python -m bench reliability [--quick]
    python -m bench store|demo|ui|ledger|sync|county [ARGS]   one benchmark script with its options

Each benchmark prints its own figures beside its baseline and target; this runner adds the
machine and its load at the start and end, and a summary of what ran, how long it took and
whether it finished. Figures and how to read them: docs/performance.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.season.machine import describe  # noqa: E402


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    quick: tuple[str, ...]
    full: tuple[str, ...] = ()
    what: str = ""


BENCHES = (
    Bench(
        "store",
        "bench/store_bench.py",
        ("--members", "20000", "--reads", "2000", "--saves", "100"),
        what="SQLCipher store against plain SQLite: bulk insert, random reads, visit saves, unlock",
    ),
    Bench(
        "demo",
        "bench/demo_bench.py",
        ("--households", "20000"),
        ("--store",),
        what="demo county generator against bare records; --full also generates and loads 100,000 into a store",
    ),
    Bench(
        "ui",
        "bench/ui_bench.py",
        ("--households", "2000", "--runs", "2", "--filter-households", "5000"),
        what="desktop app start-up to a usable list, filter latency",
    ),
    Bench(
        "ledger",
        "bench/ledger_bench.py",
        ("--households", "30", "--repeat", "5", "--skip-combined"),
        what="household ledger PDFs: one ledger, a village, memory",
    ),
    Bench(
        "sync",
        "bench/sync_bench.py",
        ("--batches", "5", "--households", "100", "--link-visits", "200"),
        what="batch ingest against bulk insert (SQLite, PostgreSQL), wire size, 64 kbit/s link",
    ),
    Bench(
        "photo",
        "bench/photo_bench.py",
        ("--photos", "30", "--upload-photos", "20"),
        what="photo import against Pillow's decode+resize+encode, store growth, 256 kbit/s upload",
    ),
    Bench(
        "county",
        "bench/county_bench.py",
        ("--households", "10000", "--repeat", "5"),
        what="county mode: lists, counts and dashboards (SQLite, PostgreSQL), in code and over HTTP",
    ),
)
SEASON_QUICK = (
    "--households",
    "1200",
    "--devices",
    "4",
    "--visits",
    "12",
    "--usb",
    "1",
    "--kills",
    "1",
    "--tamper",
    "6",
    "--backends",
    "postgres,sqlite",
)
NAMES = [b.name for b in BENCHES] + ["season", "reliability"]


def run_script(bench: Bench, args: tuple[str, ...]) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, bench.script, *args], cwd=ROOT, env=env, check=False
    ).returncode


def banner(text: str) -> None:
    print(f"\n{'=' * 100}\n{text}\n{'=' * 100}", flush=True)


def run_all(full: bool, only: list[str]) -> int:
    from bench.field_season import season_cli
    from bench.season import reliability

    start = time.perf_counter()
    print(describe(), flush=True)
    summary: list[tuple[str, str, float, str]] = []
    for b in BENCHES:
        if b.name not in only:
            continue
        args = b.full if full else b.quick
        banner(f"{b.name}: {b.what}\n  python {b.script} {' '.join(args)}")
        t0 = time.perf_counter()
        rc = run_script(b, args)
        summary.append(
            (
                b.name,
                " ".join(args) or "(defaults)",
                time.perf_counter() - t0,
                "ok" if rc == 0 else f"exit {rc}",
            )
        )
    season_results = []
    if "season" in only:
        args = () if full else SEASON_QUICK
        banner(
            f"season: the field season end to end\n  python bench/field_season.py {' '.join(args)}"
        )
        t0 = time.perf_counter()
        try:
            season_results = season_cli(list(args))
            status = "ok, every check passed"
        except Exception as e:  # reported in the summary; the other benchmarks still ran
            status = f"FAILED: {type(e).__name__}: {str(e)[:200]}"
            print(status, flush=True)
        summary.append(("season", " ".join(args) or "(defaults)", time.perf_counter() - t0, status))
    if "reliability" in only:
        banner(
            "reliability: kill -9, cut connections, tampered and replayed batches, fuzzed "
            f"inputs{'' if full else ' (quick subset, SQLite)'}"
        )
        t0 = time.perf_counter()
        probes = reliability.selected(quick=not full)
        rows = reliability.tally(probes, reliability.run_tests(probes, quick=not full))
        for r in season_results:
            rows += reliability.season_rows(r.reliability, r.backend)
        print(reliability.render(rows), flush=True)
        bad = sum(r["failed"] for r in rows)
        summary.append(
            (
                "reliability",
                "full" if full else "--quick",
                time.perf_counter() - t0,
                "ok"
                if bad == 0 and all(r["outcome"] == "passed" for r in rows)
                else f"{bad} failed runs",
            )
        )
    banner("summary")
    for name, args, seconds, status in summary:
        print(f"{name:<12} {seconds:7.1f} s  {status:<28} {args}")
    print(f"{'all':<12} {time.perf_counter() - start:7.1f} s")
    print(
        f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on "
        "the machine slows every figure)"
    )
    return 0 if all(s[3].startswith("ok") for s in summary) else 1


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv and argv[0] == "machine":
        print(describe())
        return 0
    if argv and argv[0] == "season":
        from bench.field_season import main as season_main

        season_main(argv[1:])
        return 0
    if argv and argv[0] == "reliability":
        from bench.season.reliability import main as reliability_main

        return reliability_main(argv[1:])
    if argv and argv[0] in {b.name for b in BENCHES}:
        bench = next(b for b in BENCHES if b.name == argv[0])
        return run_script(bench, tuple(argv[1:]))
    full = "--full" in argv
    only = NAMES
    if "--only" in argv:
        only = argv[argv.index("--only") + 1].split(",")
        unknown = set(only) - set(NAMES)
        if unknown:
            print(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(NAMES)}",
                file=sys.stderr,
            )
            return 2
    return run_all(full, only)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
