"""Store benchmark: SQLCipher against plain SQLite on the same workload, in one run.

    python bench/store_bench.py [--members 100000] [--reads 10000] [--saves 300] [--rounds 3]

Both sides run the real store code (repositories, mapping, WAL, synchronous=FULL); the only
difference is the engine. Figures are ratios to the plain baseline measured in the same run, so
they mean the same on any machine. Each round runs both sides on fresh stores, plain first in odd
rounds and SQLCipher first in even ones, and the figures are medians over the rounds: on a
shared 2-core machine one run of each side can differ by half from the next. The workload is
built before timing and frozen out of the garbage collector (``gc.freeze``), whose scans of the
100,000 generated records would otherwise land on whichever side triggers them. Targets (issue #2): bulk insert ≤ 1.3× plain, random reads
≤ 1.5× plain, unlock ≤ 0.5 s, visit save p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fieldsurvey.core.household import Household
from fieldsurvey.core.visit import Visit
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.store import Store, schema
from fieldsurvey.store.engine import make_plain_engine
from fieldsurvey.store.keyfile import DEFAULT_KDF

PASSPHRASE = "benchmark passphrase 基准测试"


def households_for(members: int, seed: int = 7) -> list[Household]:
    county = generate_county(seed=seed, households=max(members // 3, 100))
    out: list[Household] = []
    total = 0
    for h in iter_households(county, members, seed=seed):
        out.append(h)
        total += len(h.members)
        if total >= members:
            break
    return out


def plain_store(d: Path) -> Store:
    d.mkdir(parents=True)
    engine = make_plain_engine(d / "store.db")
    schema.upgrade(engine)
    return Store(d, engine, None, b"")  # type: ignore[arg-type]


def encrypted_store(d: Path) -> Store:
    store, _ = Store.create(d, PASSPHRASE)
    return store


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_side(make: Callable[[Path], Store], d: Path, households: list[Household], reads: int, saves: int) -> dict[str, float]:
    store = make(d)
    insert_s = timed(lambda: store.households.add_many(households))
    store.checkpoint()
    store.close()
    rng = random.Random(1)
    ids = [h.household_id for h in households]
    sample = [rng.choice(ids) for _ in range(reads)]
    reopened = _reopen(make, d)  # reads start from disk, as after a restart
    read_s = timed(lambda: [reopened.households.get(i) for i in sample])
    latencies: list[float] = []
    for i in range(saves):
        v = Visit(rng.choice(ids), date.today(), "基准测试", "visit", "1", {"n": i, "note": "走访记录" * 20})
        latencies.append(timed(lambda v=v: reopened.visits.save_draft(v)))
    reopened.close()
    latencies.sort()
    return {
        "insert_s": insert_s,
        "read_s": read_s,
        "save_p50_ms": statistics.median(latencies) * 1000,
        "save_p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def _reopen(make: Callable[[Path], Store], d: Path) -> Store:
    if make is plain_store:
        engine = make_plain_engine(d / "store.db")
        return Store(d, engine, None, b"")  # type: ignore[arg-type]
    return Store.open(d, passphrase=PASSPHRASE)


def unlock_times(d: Path, rounds: int = 5) -> list[float]:
    return [timed(lambda: Store.open(d, passphrase=PASSPHRASE).close()) for _ in range(rounds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side; figures are medians")
    args = parser.parse_args()

    households = households_for(args.members)
    n_members = sum(len(h.members) for h in households)
    print(f"workload: {len(households)} households, {n_members} members; {args.reads} random reads; {args.saves} visit saves")
    sides: dict[str, list[dict[str, float]]] = {"plain": [], "cipher": []}
    makers = {"plain": plain_store, "cipher": encrypted_store}
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for r in range(args.rounds):
            for name in ("plain", "cipher") if r % 2 == 0 else ("cipher", "plain"):
                sides[name].append(run_side(makers[name], root / f"{name}-{r}", households, args.reads, args.saves))
        unlock = unlock_times(root / "cipher-0")
    plain = {k: statistics.median(x[k] for x in sides["plain"]) for k in sides["plain"][0]}
    cipher = {k: statistics.median(x[k] for x in sides["cipher"]) for k in sides["cipher"][0]}
    print(f"medians of {args.rounds} rounds; bulk insert ratio per round: "
          + ", ".join(f"{c['insert_s'] / p['insert_s']:.2f}×" for p, c in zip(sides["plain"], sides["cipher"], strict=True)))
    kdf = DEFAULT_KDF
    rows = [
        ("bulk insert", f"{plain['insert_s']:.2f} s", f"{cipher['insert_s']:.2f} s", cipher["insert_s"] / plain["insert_s"], "≤ 1.3×"),
        ("random reads", f"{plain['read_s']:.2f} s", f"{cipher['read_s']:.2f} s", cipher["read_s"] / plain["read_s"], "≤ 1.5×"),
        ("visit save p50", f"{plain['save_p50_ms']:.1f} ms", f"{cipher['save_p50_ms']:.1f} ms", cipher["save_p50_ms"] / plain["save_p50_ms"], ""),
        ("visit save p95", f"{plain['save_p95_ms']:.1f} ms", f"{cipher['save_p95_ms']:.1f} ms", cipher["save_p95_ms"] / plain["save_p95_ms"], "≤ 20 ms"),
    ]
    print(f"{'measure':<16}{'plain SQLite':>14}{'SQLCipher':>14}{'ratio':>8}  target")
    for name, p, c, ratio, target in rows:
        print(f"{name:<16}{p:>14}{c:>14}{ratio:>7.2f}×  {target}")
    print(
        f"unlock (Argon2id {kdf['memory_kib'] // 1024} MiB, t={kdf['iterations']}, p={kdf['lanes']}) + open: "
        f"median {statistics.median(unlock):.3f} s, max {max(unlock):.3f} s   target ≤ 0.5 s"
    )
    print(f"per-member insert: plain {plain['insert_s'] / n_members * 1e6:.1f} µs, SQLCipher {cipher['insert_s'] / n_members * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
