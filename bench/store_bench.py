"""Store benchmark: SQLCipher against plain SQLite on the same workload, in one run.

    python bench/store_bench.py [--members 100000] [--reads 10000] [--saves 300] [--rounds 3]

Every side runs the real store code (repositories, mapping, WAL, synchronous=FULL); the only
difference is the engine: plain SQLite (Python's ``sqlite3``), the SQLCipher library
(``sqlcipher3``, which carries its own SQLite build) opened without a key, and the encrypted
store. The second baseline separates what encryption costs from what the library's build costs.
Figures are ratios to the plain baseline measured in the same run, so they mean the same on any
machine. Each round runs both sides on fresh stores, plain first in odd rounds and SQLCipher first
in even ones, and the figures are medians over the rounds: on a shared 2-core machine one run of
each side can differ by half from the next. The workload is built before timing and frozen out of
the garbage collector (``gc.freeze``), whose scans of the 100,000 generated records would otherwise
land on whichever side triggers them. Targets (issue #2): bulk insert ≤ 1.3× plain, random reads ≤
1.5× plain, unlock ≤ 0.5 s, visit save p95 ≤ 20 ms.
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
from typing import Any

from fieldsurvey.core.household import Household
from fieldsurvey.core.visit import Visit
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.encryption.keyfile import DEFAULT_KDF
from fieldsurvey.store import Store, schema
from fieldsurvey.store.engine import make_plain_engine

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


def _unencrypted(d: Path, make_engine: Callable[[Path], Any]) -> Store:
    d.mkdir(parents=True)
    engine = make_engine(d / "store.db")
    schema.upgrade(engine)
    return Store(d, engine, None, b"")  # type: ignore[arg-type]


def plain_store(d: Path) -> Store:
    return _unencrypted(d, make_plain_engine)


def _unkeyed_engine(path: Path) -> Any:
    """The SQLCipher library (``sqlcipher3``: its own SQLite build and binding) with no key: no encryption."""
    import sqlcipher3
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    from fieldsurvey.encryption.sqlcipher import bind_fast
    from fieldsurvey.store.engine import _apply_pragmas

    bind_fast(sqlcipher3)
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlcipher3.connect(str(path), check_same_thread=False),
        poolclass=QueuePool,
    )
    event.listen(engine, "connect", _apply_pragmas)
    return engine


def unkeyed_store(d: Path) -> Store:
    return _unencrypted(d, _unkeyed_engine)


def encrypted_store(d: Path) -> Store:
    store, _ = Store.create(d, PASSPHRASE)
    return store


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_side(
    make: Callable[[Path], Store], d: Path, households: list[Household], reads: int, saves: int
) -> dict[str, float]:
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
        v = Visit(
            rng.choice(ids),
            date.today(),
            "基准测试",
            "visit",
            "1",
            {"n": i, "note": "走访记录" * 20},
        )
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
    if make is unkeyed_store:
        return Store(d, _unkeyed_engine(d / "store.db"), None, b"")  # type: ignore[arg-type]
    return Store.open(d, passphrase=PASSPHRASE)


def unlock_times(d: Path, rounds: int = 5) -> list[float]:
    return [timed(lambda: Store.open(d, passphrase=PASSPHRASE).close()) for _ in range(rounds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each side; figures are medians"
    )
    args = parser.parse_args()

    households = households_for(args.members)
    n_members = sum(len(h.members) for h in households)
    print(
        f"workload: {len(households)} households, {n_members} members; {args.reads} random reads; "
        f"{args.saves} visit saves"
    )
    names = ("plain", "unkeyed", "cipher")
    sides: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    makers = {"plain": plain_store, "unkeyed": unkeyed_store, "cipher": encrypted_store}
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for r in range(args.rounds):
            for name in names if r % 2 == 0 else names[::-1]:
                sides[name].append(
                    run_side(makers[name], root / f"{name}-{r}", households, args.reads, args.saves)
                )
        unlock = unlock_times(root / "cipher-0")
    plain, unkeyed, cipher = (
        {k: statistics.median(x[k] for x in sides[name]) for k in sides[name][0]} for name in names
    )
    print(
        f"medians of {args.rounds} rounds; bulk insert ratio per round: "
        + ", ".join(
            f"{c['insert_s'] / p['insert_s']:.2f}×"
            for p, c in zip(sides["plain"], sides["cipher"], strict=True)
        )
    )
    kdf = DEFAULT_KDF
    measures = [
        ("bulk insert", "insert_s", "s", "≤ 1.3×"),
        ("random reads", "read_s", "s", "≤ 1.5×"),
        ("visit save p50", "save_p50_ms", "ms", ""),
        ("visit save p95", "save_p95_ms", "ms", "≤ 20 ms"),
    ]
    print(
        f"{'measure':<16}{'plain SQLite':>14}{'no key':>12}{'SQLCipher':>12}{'÷ plain':>9}{'÷ no key':>10}  target"
    )
    for label, key, unit, target in measures:
        p, u, c = plain[key], unkeyed[key], cipher[key]
        fmt = f"{{:.{2 if unit == 's' else 1}f}} {unit}"
        print(
            f"{label:<16}{fmt.format(p):>14}{fmt.format(u):>12}{fmt.format(c):>12}"
            f"{c / p:>8.2f}×{c / u:>9.2f}×  {target}"
        )
    print(
        "plain SQLite: Python's sqlite3; no key: the SQLCipher library (sqlcipher3, its own SQLite "
        "build) without encryption"
    )
    print(
        f"unlock (Argon2id {kdf['memory_kib'] // 1024} MiB, t={kdf['iterations']}, p={kdf['lanes']}) + open: "
        f"median {statistics.median(unlock):.3f} s, max {max(unlock):.3f} s   target ≤ 0.5 s"
    )
    print(
        f"per-member insert: plain {plain['insert_s'] / n_members * 1e6:.1f} µs, SQLCipher "
        f"{cipher['insert_s'] / n_members * 1e6:.1f} µs"
    )


if __name__ == "__main__":
    main()
