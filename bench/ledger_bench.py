"""Ledger benchmark: one ledger, a village of ledgers, and peak memory against the count.

    python bench/ledger_bench.py [--households 500] [--repeat 20] [--skip-combined]

Targets (issue #6): ≤ 150 ms per ledger once the font is loaded; 500 ledgers of a village
≤ 40 s; memory flat in the number of households (each ledger is written to disk before the
next is built). Alongside the absolute figures, each ledger's time is given as a ratio to a
baseline measured in the same run: the same number of pages of the same font, set as plain
lines of text without tables, so the ratio says what the layout costs on any machine. CPU time
is given beside wall time: on a machine busy with other work it stays close to the idle figure.

Memory is measured as the peak resident size of a fresh child process per run (the parent
only starts them), printing a small and a large village, so "flat" means the two peaks are
close. All households are synthetic (``fieldsurvey.ledger.samples``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from usage import peak_rss_mib  # bench/usage.py: the script's own folder is on sys.path

from fieldsurvey.ledger import LedgerOptions, build_content, print_village, render_household
from fieldsurvey.ledger.fonts import ensure_fonts
from fieldsurvey.ledger.model import LedgerInput
from fieldsurvey.ledger.pipeline import default_workers
from fieldsurvey.ledger.samples import NAMES, VILLAGE, make_household, make_input, make_visits


def baseline(inp: LedgerInput, pages: int) -> None:
    """The same strings in the same font over the same number of pages, no tables."""
    content = build_content(inp, masked=False)
    lines = [v for _, v in content.cover]
    for s in content.sections:
        lines += [s.title, *(f"{a} {b}" for a, b in s.fields), *s.notes]
        for t in s.tables:
            lines += [" ".join(t.headers), *(" ".join(r) for r in t.rows)]
    canvas = Canvas(io.BytesIO(), pagesize=A4)
    per_page = max(1, len(lines) // pages + 1)
    for start in range(0, len(lines), per_page):
        canvas.setFont(ensure_fonts(), 8.5)
        y = 800.0
        for line in lines[start : start + per_page]:
            canvas.drawString(50, y, line[:90])
            y -= 12
        canvas.showPage()
    canvas.save()


def time_one(inp: LedgerInput, repeat: int) -> dict[str, float]:
    pages = render_household(inp, LedgerOptions(), io.BytesIO()).pages  # warm-up
    ledger, base, cpu = [], [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_household(inp, LedgerOptions(), io.BytesIO())
        ledger.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        start = time.perf_counter()
        baseline(inp, pages)
        base.append(time.perf_counter() - start)
    return {
        "pages": pages,
        "ledger_ms": 1000 * statistics.median(ledger),
        "cpu_ms": 1000 * statistics.median(cpu),
        "baseline_ms": 1000 * statistics.median(base),
        "ratio": statistics.median(ledger) / statistics.median(base),
    }


def child(count: int, combined: bool, workers: int) -> None:
    """Print a synthetic village of ``count`` households; report time and peak memory as JSON."""
    ensure_fonts()
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / ("village.pdf" if combined else "village")
        inputs = (make_input(seed) for seed in range(count))
        start, start_cpu = time.perf_counter(), time.process_time()
        result = print_village(
            inputs, count, out, names=NAMES, village_code=VILLAGE.value, workers=workers
        )
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - start_cpu
        size = sum(p.stat().st_size for p in (out.rglob("*") if out.is_dir() else [out]))
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "count": count,
                "combined": combined,
                "workers": workers,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "pages": result.pages,
                "peak_mib": peak if peak is not None else float("nan"),
                "output_mib": size / 2**20,
            }
        )
    )


def run_child(count: int, combined: bool, workers: int = 1) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", str(count), "--workers", str(workers)]
    args += ["--combined"] if combined else []
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-combined", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--combined", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.combined, args.workers)
        return

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    start = time.perf_counter()
    ensure_fonts()
    print(f"font load: {1000 * (time.perf_counter() - start):.0f} ms (once per process)")
    normal = make_input(1)
    big_household = make_household(7, members=15, measures=24, long_names=True)
    big = LedgerInput(big_household, make_visits(big_household, 30, long_text=True), NAMES)
    for label, inp in (("normal household", normal), ("15 members, 30 visits", big)):
        r = time_one(inp, args.repeat)
        print(
            f"{label}: {r['pages']:.0f} pages, {r['ledger_ms']:.0f} ms per ledger, "
            f"{r['cpu_ms']:.0f} ms of CPU "
            f"(baseline {r['baseline_ms']:.0f} ms, ratio {r['ratio']:.1f}×)"
        )

    small = max(args.households // 10, 10)
    modes = [False] if args.skip_combined else [False, True]
    for combined in modes:
        what = "one combined file" if combined else "one file per household"
        runs = [run_child(small, combined), run_child(args.households, combined)]
        for r in runs:
            print(
                f"village, {what}: {r['count']} households, {r['pages']} pages in {r['seconds']:.1f} s "
                f"({1000 * r['seconds'] / r['count']:.0f} ms each; {r['cpu_seconds']:.1f} s of CPU), "
                f"peak {r['peak_mib']:.0f} MiB, "
                f"output {r['output_mib']:.1f} MiB"
            )
        growth = runs[1]["peak_mib"] - runs[0]["peak_mib"]
        print(f"  memory growth {small} → {args.households} households: {growth:+.0f} MiB")
    workers = default_workers(args.households)
    if workers > 1:
        r = run_child(args.households, False, workers)
        print(
            f"village on {workers} processes, one file per household: {r['count']} households in "
            f"{r['seconds']:.1f} s ({1000 * r['seconds'] / r['count']:.0f} ms each), "
            f"parent peak {r['peak_mib']:.0f} MiB"
        )
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end (other work on the machine slows every figure)"
    )


if __name__ == "__main__":
    main()
