"""Demo generator benchmark: how long 100,000 households take, against a baseline in one run.

    python bench/demo_bench.py [--households 100000] [--seed 1]

The baseline builds the same records (households, members, incomes, helpers, measures) with
fixed values and no decisions: the cost of the objects themselves, which no generator can
avoid. The ratio generator ÷ baseline means the same on any machine; the wall-clock figure is
printed for the record (target on the 2-core development machine: well under 20 s for 100,000),
as CPU time too, since other work on a shared machine stretches the wall clock.
Memory: the peak resident size is printed, and stays flat as --households grows because the
generator streams.

``--store`` then times what ``fieldsurvey demo --no-gui`` does with the county: generate *and*
load the households into a new encrypted store, with the past visits and assessments of the
first ``HISTORY_LIMIT`` households (``commands/demo.py: prepare``), once in one process and once
with the producer process that a large county gets on a machine of two cores or more. Target
(issue #2): 100,000 households "in well under a minute". The store's own costs against plain
SQLite are in ``store_bench.py``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from usage import (  # bench/usage.py: the script's own folder is on sys.path
    children_cpu_seconds,
    peak_rss_mib,
)

from fieldsurvey.core.divisions import DivisionCode
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.demo.generator import generate_county, iter_households

AS_OF = date(2026, 11, 1)


def baseline(shapes: list[tuple[int, int, int, int]]) -> float:
    """Build bare records of the given (members, incomes, helpers, measures) shapes."""
    code = DivisionCode("610728100201")
    born = date(1970, 1, 1)
    start = time.process_time()
    for i, (members, incomes, helpers, measures) in enumerate(shapes):
        Household(
            household_no=str(i),
            division_code=code,
            household_id=str(i),
            members=[
                Member(
                    name="甲",
                    id_number="x",
                    relation="02",
                    sex="male",
                    birth_date=born,
                    member_id=str(j),
                )
                for j in range(members)
            ],
            incomes=[
                IncomeRecord(year=2023 + k, items={"wage.local": 1.0}, expenses={})
                for k in range(incomes)
            ],
            helpers=[
                Helper(name="乙", unit="u", start_date=born, helper_id=str(k))
                for k in range(helpers)
            ],
            measures=[
                AssistanceMeasure(category="industry", project="p", measure_id=str(k))
                for k in range(measures)
            ],
        )
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--store", action="store_true", help="also generate and load into a new encrypted store"
    )
    args = parser.parse_args()

    county = generate_county(seed=args.seed, households=args.households)
    shapes: list[tuple[int, int, int, int]] = []
    members = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for h in iter_households(county, args.households, seed=args.seed, as_of=AS_OF):
        shapes.append((len(h.members), len(h.incomes), len(h.helpers), len(h.measures)))
        members += len(h.members)
    wall, generated = time.perf_counter() - start, time.process_time() - cpu_start
    floor = baseline(shapes)
    peak_mb = peak_rss_mib()
    print(
        f"households        {args.households:,} in {len(county.villages)} villages, {members:,} members"
    )
    print(
        f"generator         {wall:.2f} s wall clock, {generated:.2f} s CPU "
        f"({generated / args.households * 1e6:.0f} µs per household)"
    )
    print(f"baseline records  {floor:.2f} s CPU (bare objects of the same shapes)")
    print(f"ratio             {generated / floor:.1f}× the baseline")
    print(
        "peak memory       "
        + (
            f"{peak_mb:.0f} MB resident (includes the list of shapes kept for the baseline)"
            if peak_mb is not None
            else "not reported by this OS"
        )
    )
    if args.store:
        generate_and_load(args.households, args.seed)


def generate_and_load(households: int, seed: int) -> None:
    """``prepare`` as the demo command runs it, into a new encrypted store: both ways, same run.

    In one process (what a single-core machine or a small county gets), then with the producer
    process (``commands/demo_fill.py``): the ratio is what the second core buys.
    """
    from fieldsurvey.commands.demo import HISTORY_LIMIT, prepare

    walls: dict[bool, float] = {}
    for parallel in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            start, cpu_start = time.perf_counter(), time.process_time()
            children_start = children_cpu_seconds()
            store, _ = prepare(
                Path(tmp) / "store",
                "benchmark passphrase 基准测试",
                households,
                seed,
                progress=lambda _m: None,
                parallel=parallel,
            )
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            children_end = children_cpu_seconds()
            children = (
                (children_end - children_start)
                if children_end is not None and children_start is not None
                else 0.0
            )
            size = sum(f.stat().st_size for f in (Path(tmp) / "store").iterdir())
            store.close()
        walls[parallel] = wall
        how = "with a producer process" if parallel else "in one process        "
        print(
            f"generate + load   {how} {wall:5.1f} s wall clock, {cpu:.1f} s CPU here"
            + (f" + {children:.1f} s in the producer" if parallel else "")
        )
    print(
        f"                  {households:,} households into a new encrypted store, "
        f"{min(households, HISTORY_LIMIT):,} with "
        f"past visits, {size / 2**20:.0f} MiB, {os.cpu_count()} cores   target: well under 60 s"
    )
    print(f"ratio             {walls[True] / walls[False]:.2f}× the one-process wall clock")


if __name__ == "__main__":
    main()
