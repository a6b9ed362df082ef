"""Demo generator benchmark: how long 100,000 households take, against a baseline in one run.

    python bench/demo_bench.py [--households 100000] [--seed 1]

The baseline builds the same records (households, members, incomes, helpers, measures) with
fixed values and no decisions: the cost of the objects themselves, which no generator can
avoid. The ratio generator ÷ baseline means the same on any machine; the wall-clock figure is
printed for the record (target on the 2-core development machine: well under 20 s for 100,000),
as CPU time too, since other work on a shared machine stretches the wall clock.
Memory: the peak resident size is printed, and stays flat as --households grows because the
generator streams.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date

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
                Member(name="甲", id_number="x", relation="02", sex="male", birth_date=born, member_id=str(j))
                for j in range(members)
            ],
            incomes=[IncomeRecord(year=2023 + k, items={"wage.local": 1.0}, expenses={}) for k in range(incomes)],
            helpers=[Helper(name="乙", unit="u", start_date=born, helper_id=str(k)) for k in range(helpers)],
            measures=[
                AssistanceMeasure(category="industry", project="p", measure_id=str(k)) for k in range(measures)
            ],
        )
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
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
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"households        {args.households:,} in {len(county.villages)} villages, {members:,} members")
    print(f"generator         {wall:.2f} s wall clock, {generated:.2f} s CPU ({generated / args.households * 1e6:.0f} µs per household)")
    print(f"baseline records  {floor:.2f} s CPU (bare objects of the same shapes)")
    print(f"ratio             {generated / floor:.1f}× the baseline")
    print(f"peak memory       {peak_mb:.0f} MB resident (includes the list of shapes kept for the baseline)")


if __name__ == "__main__":
    main()
