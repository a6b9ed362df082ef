"""County-mode benchmark: lists, counts and dashboards over 100,000 households, against a baseline.

    python bench/county_bench.py [--households 100000] [--backends sqlite,postgres] [--repeat 15]

A county database is filled with ``--households`` synthetic households from the demo generator
(members, helpers, measures and incomes), written by the bulk loader the Excel roster import uses
(``registry.insert_households`` with each household's assessment columns from
``core.assessment.assess``), and about two thirds given a last-visit date in the past six
months. Then, on the same database, in alternation so that other load on the machine weighs on
all of them alike, the median of ``--repeat`` runs of:

- baseline: a bare ``SELECT count(*) FROM households``;
- the first page of the household list (100 rows, with heads and village names);
- a deep page: the page after household 50,000 (keyset);
- filtered counts: the households of one township not exited, the county's failing housing;
- the dashboard of the county (every township) and of one township (every village).

Each is timed in the server's own code (a session and the query function, as the route calls
it) and over HTTP against a ``fieldsurvey server run`` process with a staff token; the HTTP
baseline is ``GET /auth/me`` (the request, the token check and a transaction, no data). Ratios
are to the baseline of the same run. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.server import setup
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.dashboard import counts as dashboard
from fieldsurvey.server.dashboard.assessments import assessment_columns
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import Division
from fieldsurvey.server.db.seq import SeqAllocator
from fieldsurvey.server.households import filters
from fieldsurvey.server.households import records as registry
from fieldsurvey.server.households.filters import HouseholdFilter
from fieldsurvey.server.users import accounts

PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
SEED = 17
CHUNK = 1000
STAFF = Principal("bench", "bench", "county_staff", None)
# Synthetic counties only: their servers are encrypted with this passphrase unless one is given.
os.environ.setdefault("FIELDSURVEY_SERVER_PASSPHRASE", "bench-county-passphrase-1")


def new_server(folder: Path, backend: str) -> tuple[ServerDir, str | None]:
    db_name = None
    url = None
    if backend == "postgres":
        import psycopg

        db_name = f"fs_county_bench_{os.getpid()}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db_name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{db_name}"
    sd = ServerDir(folder / backend)
    setup.init_server(
        sd, county="610728", name=None, admin="admin", password="admin-pass-123", db_url=url
    )
    accounts.add_user(
        sd,
        "bench",
        username="staff",
        role="county_staff",
        display_name="bench",
        password="staff-pass-123",
    )
    return sd, db_name


def load(servers: list[ServerDir], households: int) -> float:
    """Generate once, assess once, write every chunk to every database; returns seconds per server."""
    county = generate_county(seed=SEED, households=households)
    for sd in servers:
        with sd.transaction() as s:
            for d in county.divisions[1:]:
                s.add(Division(code=d.code.value, name=d.name, parent=d.parent, level=d.code.level))
    policy, today, rng = load_policy(), date.today(), random.Random(SEED)
    chunk: list[dict[str, Any]] = []
    derived: dict[str, dict[str, Any]] = {}
    writing = 0.0

    def flush() -> None:
        nonlocal writing
        start = time.perf_counter()
        for sd in servers:
            with sd.transaction() as s:
                seq = SeqAllocator(s)
                registry.insert_households(s, chunk, seq, derived)
                seq.finish()
        writing += time.perf_counter() - start
        chunk.clear()
        derived.clear()

    for i, h in enumerate(iter_households(county, households, seed=SEED), start=1):
        record = household_to_dict(h)
        cols = assessment_columns(record, today, policy)
        if rng.random() < 0.65:
            cols["last_visit_date"] = today - timedelta(days=rng.randrange(0, 180))
        chunk.append(record)
        derived[record["household_id"]] = cols
        if len(chunk) == CHUNK:
            flush()
            if i % 10_000 == 0:
                print(f"  {i:,} households", flush=True)
    if chunk:
        flush()
    for sd in servers:
        if sd.engine.dialect.name == "postgresql":
            with sd.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            with sd.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
    return writing / len(servers)


def start_server(sd: ServerDir) -> tuple[subprocess.Popen[bytes], str]:
    """The demo's own starter (``fieldsurvey server run``, waits until it answers) on a free port."""
    import socket

    from fieldsurvey.commands.demo_server import start_server as run_server

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return run_server(sd.path, port), f"http://127.0.0.1:{port}"


def measure(cases: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median seconds per case; the cases run in turn, ``repeat`` rounds."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()  # warm caches and connections
    for _ in range(repeat):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(v) for name, v in times.items()}


def cases_in_process(sd: ServerDir) -> tuple[dict[str, Callable[[], Any]], str, str]:
    with sd.transaction() as s:
        township = s.execute(
            text("SELECT code FROM divisions WHERE level = 'township' ORDER BY code LIMIT 1")
        ).scalar_one()[:9]
        walk = filters.page(s, HouseholdFilter(), STAFF, after=None, limit=500)
        for _ in range(99):
            walk = filters.page(s, HouseholdFilter(), STAFF, after=walk["next"], limit=500)
    deep = walk["next"]

    def run(fn: Callable[[Any], Any]) -> Callable[[], Any]:
        def go() -> Any:
            with sd.transaction() as s:
                return fn(s)

        return go

    return (
        {
            "baseline: SELECT count(*)": run(
                lambda s: s.execute(text("SELECT count(*) FROM households")).scalar_one()
            ),
            "list: first page (100)": run(
                lambda s: filters.page(s, HouseholdFilter(), STAFF, after=None, limit=100)
            ),
            "list: page after 50,000": run(
                lambda s: filters.page(s, HouseholdFilter(), STAFF, after=deep, limit=100)
            ),
            "count: township not exited": run(
                lambda s: filters.count(
                    s, HouseholdFilter(scope=township, status="not_exited"), STAFF
                )
            ),
            "count: county fails housing": run(
                lambda s: filters.count(s, HouseholdFilter(fails="housing"), STAFF)
            ),
            "dashboard: county": run(lambda s: dashboard.dashboard(s, STAFF, None)),
            "dashboard: township": run(lambda s: dashboard.dashboard(s, STAFF, township)),
        },
        township,
        deep,
    )


def cases_over_http(url: str, township: str, deep: str) -> dict[str, Callable[[], Any]]:
    client = httpx.Client(base_url=url + "/api/v1", timeout=120)
    token = client.post(
        "/auth/login", json={"username": "staff", "password": "staff-pass-123"}
    ).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"

    def get(path: str, **params: Any) -> Callable[[], Any]:
        def go() -> Any:
            r = client.get(path, params=params)
            r.raise_for_status()
            return r.json()

        return go

    return {
        "baseline: GET /auth/me": get("/auth/me"),
        "list: first page (100)": get("/county/households", limit=100),
        "list: page after 50,000": get("/county/households", limit=100, after=deep),
        "count: township not exited": get(
            "/county/households", limit=1, scope=township, status="not_exited"
        ),
        "count: county fails housing": get("/county/households", limit=1, fails="housing"),
        "dashboard: county": get("/dashboard"),
        "dashboard: township": get("/dashboard", scope=township),
    }


def report(title: str, medians: dict[str, float]) -> None:
    base_name = next(iter(medians))
    base = medians[base_name]
    print(f"\n{title}")
    print(f"| what | median | ratio to {base_name.split(': ', 1)[1]} |")
    print("| --- | --- | --- |")
    for name, value in medians.items():
        print(f"| {name} | {value * 1000:.1f} ms | {value / base:.1f}× |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        made = [new_server(Path(tmp), b) for b in backends]
        start = time.perf_counter()
        writing = load([sd for sd, _db in made], args.households)
        print(
            f"{args.households:,} households generated, assessed and written in {time.perf_counter() - start:.0f} s "
            f"(writing alone {writing:.0f} s per database)"
        )
        try:
            for backend, (sd, _db) in zip(backends, made, strict=True):
                cases, township, deep = cases_in_process(sd)
                report(
                    f"{backend}, in the server's code ({args.households:,} households):",
                    measure(cases, args.repeat),
                )
                proc, url = start_server(sd)
                try:
                    report(
                        f"{backend}, over HTTP:",
                        measure(cases_over_http(url, township, deep), args.repeat),
                    )
                finally:
                    proc.terminate()
                    proc.wait(10)
        finally:
            for sd, db_name in made:
                sd.close()
                if db_name:
                    import psycopg

                    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
