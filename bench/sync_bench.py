"""Sync benchmark: batch ingest against a plain bulk insert of the same rows, wire size, slow link.

    python bench/sync_bench.py [--batches 100] [--households 200] [--backends sqlite,postgres]
                               [--link-visits 500] [--kbit 64]

1. Ingest: a fresh county database receives ``--batches`` sealed batches of ``--households`` new
   households each (members, helpers, measures and incomes inline) plus one finalized visit per
   household, through the real ingest (verify, decrypt, decompress, check, merge, audit, feed
   numbers). Baseline in the same run: the same rows written with plain multi-row INSERTs into a
   second fresh database of the same schema, one transaction per batch, alternating with the
   ingest batch by batch so that other load on the machine weighs on both. Target ≤ 3×.
   Both sides are timed in wall seconds and in CPU seconds (this process, plus on PostgreSQL
   the server processes of that database, read from /proc): on a shared machine the CPU ratio
   is the steadier figure. The workload (every batch, sealed, and the baseline's rows) is built
   before timing and then frozen out of the garbage collector (``gc.freeze``): a county server
   does not hold 100 batches in memory, and scanning them on every collection would be charged
   to whichever side allocates more.
   The same run measures what sealing the personal columns costs (``server/sealed.py``): a third
   county receives the same batches (sealed to its own keys) with column encryption switched
   off (``PlainColumns``, the benchmark's baseline only; on SQLite it keeps SQLCipher), batch by
   batch in turn with the other two. After the ingest, both counties are read: a full read of
   every household and member record (what exports, reassessment and a device's first download
   do) and the county list's first page of 100, alternately, median of 5. Reported as ratios,
   sealed ÷ unsealed.
2. Wire size: a batch of 500 finalized visits sealed (canonical JSON, zstd, HPKE, signature),
   divided by 500. Target ≤ 2 KB per visit.
3. Slow link: that 500-visit batch uploaded through a TCP proxy on 127.0.0.1 limited to ``--kbit``
   kbit/s in each direction, to a real server process, with the real client (chunks, retries).

Households are the demo generator's synthetic ones; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import statistics
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from fieldsurvey.commands.demo_server import start_server
from fieldsurvey.core.assessment import assess
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.core.visit import FINALIZED, Visit
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.server import setup
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir, make_engine, migrate
from fieldsurvey.server.db.models import HouseholdRow, MemberRow, PartRow, VisitRow
from fieldsurvey.server.db.sealed_columns import PlainColumns, attach
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.households import filters
from fieldsurvey.server.households.filters import HouseholdFilter
from fieldsurvey.server.households.records import _scalar_fields, household_columns, record_id_of
from fieldsurvey.server.users import accounts
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.transport import RetryPolicy, Transport

COUNTY_SEED = 11
PG_ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
# Synthetic counties only: their servers are encrypted with this passphrase unless one is given.
os.environ.setdefault("FIELDSURVEY_SERVER_PASSPHRASE", "bench-county-passphrase-1")


def make_visit(h: Any, day: int) -> dict[str, Any]:
    """A finalized visit as the form records it: the answers about the household and its members."""
    on = date(2025, 3, 1) + timedelta(days=day % 200)
    answers = {
        k: v
        for k, v in household_to_dict(h).items()
        if k not in ("members", "helpers", "measures", "incomes", "household_id")
    }
    answers["members"] = [
        {
            k: m.get(k)
            for k in (
                "member_id",
                "schooling",
                "health",
                "labour_capacity",
                "work_status",
                "work_months",
                "resident_medical_insurance",
                "critical_illness_insurance",
                "family_doctor",
            )
        }
        for m in household_to_dict(h)["members"]
    ]
    visit = Visit(
        h.household_id,
        on,
        "驻村第一书记",
        "household_visit",
        "1",
        answers,
        status=FINALIZED,
        findings="入户核实家庭成员、收入和两不愁三保障情况。",
        assessment=assess(h, on=on).to_dict(),
    )
    d = visit_to_dict(visit)
    for name in ("cursor", "review_status", "review_comment"):
        d.pop(name, None)
    return d


def workload(batches: int, per_batch: int) -> tuple[list[str], list[list[dict[str, Any]]]]:
    county = generate_county(seed=COUNTY_SEED, households=batches * per_batch)
    all_households = list(iter_households(county, batches * per_batch, seed=COUNTY_SEED))
    villages = sorted({str(h.division_code) for h in all_households})
    out = []
    for b in range(batches):
        chunk = all_households[b * per_batch : (b + 1) * per_batch]
        records: list[dict[str, Any]] = [
            {"kind": "household.create", "household": household_to_dict(h)} for h in chunk
        ]
        records += [{"kind": "visit", "visit": make_visit(h, i)} for i, h in enumerate(chunk)]
        out.append(records)
    return villages, out


def county_with_device(
    path: Path, url: str | None, villages: list[str]
) -> tuple[ServerDir, Identity]:
    sd = ServerDir(path)
    setup.init_server(
        sd, county=villages[0][:6], name=None, admin="admin", password="bench-admin-1", db_url=url
    )
    accounts.add_user(
        sd, "bench", username="sec", role="secretary", display_name=None, password=None
    )
    accounts.assign(sd, "bench", username="sec", villages=villages)
    code, _ = enrollment.new_enroll_code(sd, "bench", username="sec")
    keys = KeyPair.generate()
    info = enrollment.enroll(
        sd,
        code=code,
        signing_key=keys.public_b64()[0],
        encryption_key=keys.public_b64()[1],
        label="bench",
    )
    c = info["county"]
    return sd, Identity(
        info["device_id"], "sec", c["code"], keys, c["signing_key"], c["encryption_key"]
    )


def plain_rows(records: list[dict[str, Any]], seq: int) -> dict[Any, list[dict[str, Any]]]:
    """The rows ingest writes for a batch, built directly (what a bulk loader would insert)."""
    rows: dict[Any, list[dict[str, Any]]] = {
        HouseholdRow: [],
        MemberRow: [],
        PartRow: [],
        VisitRow: [],
    }
    village_of = {
        r["household"]["household_id"]: r["household"]["division_code"]
        for r in records
        if r["kind"] == "household.create"
    }
    for r in records:
        seq += 1
        if r["kind"] == "household.create":
            h = r["household"]
            rows[HouseholdRow].append(
                {
                    "household_id": h["household_id"],
                    "revision": 1,
                    "seq": seq,
                    "deleted": False,
                    "flag_bits": 0,
                    "member_count": len(h["members"]),
                    "last_visit_date": None,
                    "data": _scalar_fields("household", h),
                    **household_columns(h),
                }
            )
            for m in h["members"]:
                rows[MemberRow].append(
                    {
                        "member_id": m["member_id"],
                        "household_id": h["household_id"],
                        "village_code": h["division_code"],
                        "present": True,
                        "deleted": False,
                        "revision": 1,
                        "seq": seq,
                        "data": _scalar_fields("member", m),
                    }
                )
            for rtype, key in (
                ("helper", "helpers"),
                ("measure", "measures"),
                ("income", "incomes"),
            ):
                for p in h[key]:
                    rows[PartRow].append(
                        {
                            "household_id": h["household_id"],
                            "part_type": rtype,
                            "part_id": record_id_of(rtype, p),
                            "village_code": h["division_code"],
                            "revision": 1,
                            "seq": seq,
                            "deleted": False,
                            "data": p,
                        }
                    )
        else:
            v = r["visit"]
            rows[VisitRow].append(
                {
                    "visit_id": v["visit_id"],
                    "household_id": v["household_id"],
                    "village_code": village_of[v["household_id"]],
                    "visit_date": date.fromisoformat(v["visit_date"]),
                    "form_id": v["form_id"],
                    "form_version": v["form_version"],
                    "batch_id": None,
                    "device_id": None,
                    "content_sha256": "0" * 64,
                    "review_status": None,
                    "review_comment": None,
                    "reviewed_by": None,
                    "reviewed_at": None,
                    "seq": seq,
                    "data": v,
                }
            )
    return rows


class CpuClock:
    """CPU seconds of this process, plus those of the PostgreSQL server processes of one database.

    PostgreSQL runs on this machine (127.0.0.1): each connection is a server process whose user
    and system time /proc shows. Without /proc access the server's share is left out (None).
    """

    TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, admin: Any = None, dbname: str | None = None) -> None:
        self.admin, self.dbname = admin, dbname
        self.server_visible = True

    def _server(self) -> float:
        if self.admin is None or not self.server_visible:
            return 0.0
        total = 0.0
        for (pid,) in self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.dbname,)
        ).fetchall():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                self.server_visible = False
                return 0.0
            total += (int(fields[11]) + int(fields[12])) / self.TICKS  # utime, stime
        return total

    def now(self) -> float:
        return time.process_time() + self._server()


def bench_ingest(
    backend: str, batches: list[list[dict[str, Any]]], villages: list[str], tmp: Path
) -> dict[str, Any]:
    urls: list[str | None] = [None, None, None]
    dbs: list[str] = []
    clocks = [CpuClock(), CpuClock(), CpuClock()]
    admin: Any = None
    if backend == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for _ in range(3):
                name = f"fs_bench_{uuid.uuid4().hex[:8]}"
                conn.execute(f'CREATE DATABASE "{name}"')
                dbs.append(name)
        urls = [f"postgresql+psycopg://postgres@127.0.0.1:5432/{n}" for n in dbs]
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
        clocks = [CpuClock(admin, name) for name in dbs]
    try:
        sd, identity = county_with_device(tmp / f"{backend}-county", urls[0], villages)
        sealed = [
            seal_batch(identity, batch_payload(identity, recs, base_cursor=None))
            for recs in batches
        ]
        open_sd, open_identity = county_with_device(
            tmp / f"{backend}-county-unsealed", urls[2], villages
        )
        attach(
            open_sd.engine, PlainColumns()
        )  # the same server, its personal columns left unsealed
        open_batches = [
            seal_batch(open_identity, batch_payload(open_identity, recs, base_cursor=None))
            for recs in batches
        ]
        engine = make_engine(urls[1] or f"sqlite:///{tmp / f'{backend}-plain.db'}")
        attach(engine, PlainColumns())
        migrate(engine)
        rows_per_batch = [plain_rows(recs, i * 1000) for i, recs in enumerate(batches)]
        gc.collect()
        gc.freeze()
        load_before = os.getloadavg()[0]
        # Alternate the three, batch by batch, so a busy machine slows every side alike.
        ingest_s = plain_s = ingest_cpu = plain_cpu = open_s = open_cpu = 0.0
        for data, open_data, rows in zip(sealed, open_batches, rows_per_batch, strict=True):
            c0, t0 = clocks[0].now(), time.perf_counter()
            ingest(sd, data, via="http")
            t1, c1 = time.perf_counter(), clocks[0].now()
            c2, t2 = clocks[1].now(), time.perf_counter()
            with engine.begin() as conn:
                for model in (HouseholdRow, MemberRow, PartRow, VisitRow):
                    conn.execute(insert(model), rows[model])
            t3, c3 = time.perf_counter(), clocks[1].now()
            c4, t4 = clocks[2].now(), time.perf_counter()
            ingest(open_sd, open_data, via="http")
            t5, c5 = time.perf_counter(), clocks[2].now()
            ingest_s += t1 - t0
            plain_s += t3 - t2
            open_s += t5 - t4
            ingest_cpu += c1 - c0
            plain_cpu += c3 - c2
            open_cpu += c5 - c4
        reads = compare_reads(sd, open_sd)
        load_after = os.getloadavg()[0]
        gc.unfreeze()
        sd.close()
        open_sd.close()
        engine.dispose()
    finally:
        if admin is not None:
            admin.close()
        if dbs:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                for name in dbs:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    households = sum(sum(1 for r in recs if r["kind"] == "household.create") for recs in batches)
    return {
        "ingest_s": ingest_s,
        "plain_s": plain_s,
        "ingest_cpu": ingest_cpu,
        "plain_cpu": plain_cpu,
        "households": households,
        "unsealed_s": open_s,
        "unsealed_cpu": open_cpu,
        "reads": reads,
        "server_cpu": all(c.server_visible for c in clocks),
        "load": (load_before, load_after),
    }


def compare_reads(
    sealed: ServerDir, unsealed: ServerDir, rounds: int = 5
) -> dict[str, tuple[float, float, int]]:
    """Median seconds of each read on the sealed and the unsealed county, taken in turn: name →
    (sealed, unsealed, rows)."""
    who = Principal("bench", "bench", "county_staff", None)

    def full_read(sd: ServerDir) -> int:
        with sd.transaction() as s:
            return sum(1 for _ in s.execute(select(HouseholdRow.data))) + sum(
                1 for _ in s.execute(select(MemberRow.data))
            )

    def list_page(sd: ServerDir) -> int:
        with sd.transaction() as s:
            return len(filters.page(s, HouseholdFilter(), who, after=None, limit=100)["items"])

    out = {}
    for name, fn in (("full read", full_read), ("list page", list_page)):
        times: list[list[float]] = [[], []]
        rows = 0
        for _ in range(rounds):
            for i, sd in enumerate((sealed, unsealed)):
                t0 = time.perf_counter()
                rows = fn(sd)
                times[i].append(time.perf_counter() - t0)
        out[name] = (statistics.median(times[0]), statistics.median(times[1]), rows)
    return out


class ThrottledProxy:
    """Forward 127.0.0.1 traffic at ``rate`` bytes per second in each direction."""

    def __init__(self, target_port: int, rate: float) -> None:
        self.target_port, self.rate = target_port, rate
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(1024):
                dst.sendall(data)
                time.sleep(len(data) / self.rate)
        except OSError:
            pass
        finally:
            src.close()
            dst.close()

    def close(self) -> None:
        self.listener.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_link(tmp: Path, visits: int, kbit: float) -> dict[str, float]:

    county = generate_county(seed=COUNTY_SEED + 1, households=visits)
    households = list(iter_households(county, visits, seed=COUNTY_SEED + 1))
    villages = sorted({str(h.division_code) for h in households})
    sd, identity = county_with_device(tmp / "link-county", None, villages)
    from fieldsurvey.server.roster.json_import import FORMAT, import_roster

    import_roster(
        sd,
        "bench",
        {
            "format": FORMAT,
            "version": 1,
            "county": villages[0][:6],
            "households": [household_to_dict(h) for h in households],
        },
    )
    sd.close()
    records = [{"kind": "visit", "visit": make_visit(h, i)} for i, h in enumerate(households)]
    data = seal_batch(identity, batch_payload(identity, records, base_cursor=None))
    port = free_port()
    proc = start_server(tmp / "link-county", port)  # waits until it answers
    try:
        proxy = ThrottledProxy(port, kbit * 1000 / 8)
        t = Transport(
            f"http://127.0.0.1:{proxy.port}", identity=identity, policy=RetryPolicy(timeout=120)
        )
        t0 = time.perf_counter()
        result = t.upload(batch_payload_id(data), data)
        elapsed = time.perf_counter() - t0
        t.close()
        proxy.close()
    finally:
        proc.terminate()
        proc.wait(10)
    assert result["status"] == "merged", result
    return {
        "bytes": len(data),
        "visits": visits,
        "upload_s": elapsed,
        "ideal_s": len(data) * 8 / (kbit * 1000),
    }


def batch_payload_id(data: bytes) -> str:
    from fieldsurvey.sync.envelope import parse

    return parse(data).id


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--batches", type=int, default=100)
    ap.add_argument("--households", type=int, default=200)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--link-visits", type=int, default=500)
    ap.add_argument("--kbit", type=float, default=64.0)
    ap.add_argument("--skip-link", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    args = ap.parse_args()
    villages, batches = (
        workload(args.batches, args.households) if not args.skip_ingest else ([], [])
    )
    with tempfile.TemporaryDirectory(prefix="fs-sync-bench-") as tmp:
        for backend in [] if args.skip_ingest else args.backends.split(","):
            r = bench_ingest(backend, batches, villages, Path(tmp))
            cpu_of = "this process" + (
                " + PostgreSQL server processes"
                if backend == "postgres" and r["server_cpu"]
                else ""
            )
            print(
                f"[{backend}] ingest {args.batches} batches x {args.households} households (+members, +1 visit each): "
                f"{r['ingest_s']:.1f} s = {r['households'] / r['ingest_s']:.0f} households/s (CPU "
                f"{r['ingest_cpu']:.1f} s); "
                f"plain bulk insert of the same rows {r['plain_s']:.1f} s = {r['households'] / r['plain_s']:.0f}/s "
                f"(CPU {r['plain_cpu']:.1f} s); ratio {r['ingest_s'] / r['plain_s']:.2f}x wall, "
                f"{r['ingest_cpu'] / r['plain_cpu']:.2f}x CPU (target <= 3x); CPU = {cpu_of}; "
                f"load average {r['load'][0]:.1f} -> {r['load'][1]:.1f}",
                flush=True,
            )
            full, page = r["reads"]["full read"], r["reads"]["list page"]
            print(
                f"[{backend}] column encryption (sealed / unsealed, same run): ingest "
                f"{r['ingest_s']:.1f} s / {r['unsealed_s']:.1f} s = "
                f"{r['ingest_s'] / r['unsealed_s']:.2f}x wall, {r['ingest_cpu'] / r['unsealed_cpu']:.2f}x CPU; "
                f"full read of {full[2]} household and member records {full[0]:.2f} s / "
                f"{full[1]:.2f} s = {full[0] / full[1]:.2f}x; "
                f"list page of {page[2]} {page[0] * 1000:.1f} ms / {page[1] * 1000:.1f} ms = {page[0] / page[1]:.2f}x",
                flush=True,
            )
        _ids, visit_batch = workload(1, args.link_visits)
        county_keys, device_keys = KeyPair.generate(), KeyPair.generate()
        ident = Identity("bench-device", "sec", "610728", device_keys, *county_keys.public_b64())
        only_visits = [r for r in visit_batch[0] if r["kind"] == "visit"]
        size = len(seal_batch(ident, batch_payload(ident, only_visits, base_cursor=None)))
        print(
            f"wire: {len(only_visits)} finalized visits sealed = {size} bytes, "
            f"{size / len(only_visits):.0f} bytes per visit (target <= 2048)",
            flush=True,
        )
        if not args.skip_link:
            link = bench_link(Path(tmp), args.link_visits, args.kbit)
            print(
                f"link: {link['visits']}-visit batch ({link['bytes']} bytes) over {args.kbit:g} "
                f"kbit/s: upload {link['upload_s']:.1f} s "
                f"(the bytes alone need {link['ideal_s']:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
