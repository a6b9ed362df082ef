"""The field season, phase by phase, on one database backend.

1. The county: a synthetic roster written to files and imported with ``server roster import``.
2. People: a secretary per laptop with its villages and a county staff member (admin API);
   each laptop creates its SQLCipher store and enrolls with a one-time code.
3. First download: HTTP laptops sync (a full resync of their villages) through the cutting
   proxy; USB laptops import an update file the county office wrote with ``server feed export``.
4. Offline work: every laptop at once, in its own process, through the form engine; the chosen
   laptops are killed with SIGKILL during a visit's draft saves, reopened and continue.
5. Sync: HTTP laptops concurrently through the proxy (connections cut at random points), USB
   laptops by batch file (``server batch import``) and update file, at the same time.
6. County staff resolve every conflict over the HTTP API.
7. Sync again: the resolutions and everyone's work reach every laptop.
8. Tampered and replayed batches from one laptop: refused or recognised, nothing changes.
9. Checks (``checks.py``) and ledgers printed on the laptops.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.season import checks
from bench.season.county import (
    County,
    add_people,
    all_conflicts,
    enroll_code,
    import_roster,
    resolve_all,
    running_county,
    usb_export,
    usb_import,
)
from bench.season.fieldwork import PIECE
from bench.season.laptops import PASSPHRASE, Killed, Laptop, on_all
from bench.season.plan import Plan, Size, make_plan, overlap_share
from bench.season.proxy import Counts
from fieldsurvey.server.db.engine import ServerDir
from tests.support.server import run_cli

KILL_AFTER_CHARS = 2 * PIECE  # pull the plug once this much of the findings was saved


@dataclass
class SeasonResult:
    backend: str
    size: Size
    plan: Plan
    phases: dict[str, float] = field(default_factory=dict)
    load: dict[str, float] = field(
        default_factory=dict
    )  # 1-minute load average at the end of each phase
    metrics: dict[str, Any] = field(default_factory=dict)
    found: checks.Findings = field(default_factory=checks.Findings)
    reliability: dict[str, Any] = field(default_factory=dict)


class Season:
    def __init__(
        self,
        size: Size,
        backend: str,
        work: Path,
        *,
        fast_kdf: bool,
        cut_every: int,
        tamper: int,
        log: Callable[[str], None],
    ) -> None:
        self.size, self.backend, self.work = size, backend, work
        self.fast_kdf, self.cut_every, self.tamper_copies, self.log = (
            fast_kdf,
            cut_every,
            tamper,
            log,
        )
        self.result: SeasonResult | None = None
        self.laptops: list[Laptop] = []
        self.device_ids: dict[str, str] = {}
        self.wire: dict[str, Counts] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        self.log(f"[{self.backend}] {name} …")
        yield
        assert self.result is not None
        self.result.phases[name] = time.perf_counter() - start
        load = ""
        if hasattr(
            os, "getloadavg"
        ):  # Windows has no load average (tests/server/test_field_season.py runs this)
            self.result.load[name] = os.getloadavg()[0]
            load = f" (load {self.result.load[name]:.1f})"
        self.log(f"[{self.backend}] {name}: {self.result.phases[name]:.1f} s{load}")

    def run(self) -> SeasonResult:
        start = time.perf_counter()
        plan = make_plan(self.size, self.work / "roster")
        self.result = SeasonResult(self.backend, self.size, plan)
        self.result.phases["generate the county (roster files)"] = time.perf_counter() - start
        with running_county(
            self.work, self.backend, cut_every=self.cut_every, seed=self.size.seed
        ) as county:
            try:
                self._season(county, plan)
            finally:
                for lp in self.laptops:
                    lp.stop()
        return self.result

    def _season(self, county: County, plan: Plan) -> None:
        r = self.result
        assert r is not None
        with self.phase("roster import"):
            r.metrics["roster_import_s"] = import_roster(county, plan.roster_files)
        with self.phase("people, stores and enrollment"):
            add_people(county, plan)
            self.laptops = [Laptop(d, self.work / "laptops" / d.username) for d in plan.devices]
            on_all(
                self.laptops,
                lambda lp: (
                    lp.start(),
                    lp.call(
                        "create",
                        data_dir=str(lp.data_dir),
                        passphrase=PASSPHRASE,
                        fast_kdf=self.fast_kdf,
                    ),
                ),
            )
            codes = {lp.name: enroll_code(county, lp.name) for lp in self.laptops}
            enrolled = on_all(
                self.laptops,
                lambda lp: lp.call(
                    "enroll", url=county.proxy.url, code=codes[lp.name], label=lp.plan.label
                ),
            )
            for lp, info in zip(self.laptops, enrolled, strict=True):
                lp.device_id = self.device_ids[lp.name] = info["device_id"]
        county.proxy.cutting = True
        with self.phase("first download"), self._wire(county, "first download"):
            r.metrics["download"] = on_all(
                self.laptops, lambda lp: self._sync(county, lp, "download")
            )
        for lp, d in zip(self.laptops, r.metrics["download"], strict=True):
            self.log(f"  {lp.name}: {d}")
        with self.phase("offline work"):
            work = on_all(self.laptops, self._work)
        r.metrics["work"] = work
        before = county.status()
        with self.phase("sync"), self._wire(county, "sync"):
            first = on_all(self.laptops, lambda lp: self._sync(county, lp, "sync"))
        after = county.status()
        r.metrics["sync"] = first
        r.metrics["visits_synced"] = after["visits"] - before["visits"]
        with self.phase("conflict resolution"):
            r.metrics["conflicts_open_before"] = len(all_conflicts(county))
            r.metrics["resolved"] = len(resolve_all(county))
        with self.phase("sync again"), self._wire(county, "sync again"):
            r.metrics["sync_again"] = on_all(
                self.laptops, lambda lp: self._sync(county, lp, "again")
            )
        if self.tamper_copies:
            with self.phase("tampered and replayed batches"):
                r.reliability["tamper"] = self._tamper(county)
        r.metrics["peak_server_kib"] = county.peak_memory_kib()
        with self.phase("checks"):
            self._check(
                county, plan, {lp.name: w for lp, w in zip(self.laptops, work, strict=True)}
            )
        self._summarise()

    # -- phases ---------------------------------------------------------------------------------
    @contextmanager
    def _wire(self, county: County, name: str) -> Iterator[None]:
        before = county.proxy.counts()
        yield
        self.wire[name] = county.proxy.counts().minus(before)

    def _sync(self, county: County, lp: Laptop, round_name: str) -> dict[str, Any]:
        if not lp.plan.usb:
            return dict(lp.call("sync"))
        out: dict[str, Any] = {"usb": True}
        if round_name != "download":
            batch = lp.folder / f"to-county-{round_name}.fsb"
            exported = lp.call("export", path=str(batch))
            if not exported["nothing_pending"]:
                out["import_message"], out["import_s"] = usb_import(county, batch)
                out["bytes"] = exported["bytes"]
        updates = lp.folder / f"from-county-{round_name}.fsu"
        usb_export(county, self.device_ids[lp.name], updates)
        out["applied"] = lp.call("import", path=str(updates))
        out["update_bytes"] = updates.stat().st_size
        return out

    def _work(self, lp: Laptop) -> dict[str, Any]:
        plan_json = lp.plan.to_json()
        if lp.plan.kill_at is None:
            return dict(lp.call("work", plan=plan_json))
        promise: dict[str, Any] = {}

        def watch(laptop: Laptop, ev: dict[str, Any]) -> None:
            if ev["event"] != "draft" or promise.get("killed"):
                return
            promise.update(ev)
            if (
                ev["visit"] == laptop.plan.kill_at
                and ev["path"] == "findings"
                and ev["findings"] >= KILL_AFTER_CHARS
            ):
                promise["killed"] = True
                laptop.kill()

        try:
            lp.call("work", on_event=watch, plan=plan_json)
            raise AssertionError(f"{lp.name} finished its day before it could be killed")
        except Killed as killed:
            before_kill = killed.events
        lp.stop()
        lp.restarts += 1
        lp.start()
        opened = lp.call("open", data_dir=str(lp.data_dir), passphrase=PASSPHRASE)
        assert opened["integrity_problems"] == [], (
            f"{lp.name}: store damaged after SIGKILL: {opened['integrity_problems']}"
        )
        draft = next((d for d in opened["drafts"] if d["visit_id"] == promise["visit_id"]), None)
        assert draft is not None, f"{lp.name}: the draft being filled when the laptop died is gone"
        assert len(draft["findings"]) >= promise["findings"], (
            f"{lp.name}: the draft lost saved text ({len(draft['findings'])} < {promise['findings']} characters)"
        )
        result = dict(lp.call("work", plan=plan_json))
        result["drafts_saved"] += sum(1 for ev in before_kill if ev["event"] == "draft")
        resumed = result["resumed"]
        assert resumed and resumed["visit_id"] == promise["visit_id"], (
            f"{lp.name}: the draft did not continue after the restart"
        )
        result["kill"] = {
            "visit": promise["visit"],
            "promised_chars": promise["findings"],
            "found_chars": len(draft["findings"]),
            "unlock_s": opened["seconds"],
        }
        return result

    def _tamper(self, county: County) -> dict[str, Any]:
        laptop = next(lp for lp in self.laptops if not lp.plan.usb)
        county.proxy.cutting = False
        before = county.status()
        result = dict(laptop.call("tamper", copies=self.tamper_copies, seed=self.size.seed))
        after = county.status()
        county.proxy.cutting = True
        for key in ("households", "members", "visits", "batches_received", "open_conflicts"):
            assert after[key] == before[key], (
                f"tampered or replayed batches changed the county's {key}: {before[key]} → {after[key]}"
            )
        assert not result["accepted"], f"tampered batches were accepted: {result['accepted']}"
        assert sum(result["refused"].values()) == self.tamper_copies
        assert after["batches_refused"] - before["batches_refused"] == self.tamper_copies, (
            "a refusal was not recorded"
        )
        assert result["replay_already_received"], "the replayed batch was not recognised"
        return result

    def _check(self, county: County, plan: Plan, work: dict[str, dict[str, Any]]) -> None:
        r = self.result
        assert r is not None
        snapshots_dir = self.work / "snapshots"
        snapshots_dir.mkdir(exist_ok=True)
        on_all(
            self.laptops,
            lambda lp: lp.call("snapshot", path=str(snapshots_dir / f"{lp.name}.json")),
        )
        snapshots = {
            lp.name: json.loads((snapshots_dir / f"{lp.name}.json").read_text("utf-8"))
            for lp in self.laptops
        }
        sample = checks.ledger_sample(plan)
        folder = checks.ledger_folder(self.work)
        printed = on_all(
            [lp for lp in self.laptops if lp.name in sample],
            lambda lp: lp.call("ledger", household_ids=sample[lp.name], out_dir=str(folder)),
        )
        sd = ServerDir(county.server.data_dir)
        try:
            view = checks.CountyView.read(sd, {v for d in plan.devices for v in d.villages})
        finally:
            sd.close()
        found = r.found
        checks.check_visits_once(plan, view, snapshots, found)
        checks.check_edits(plan, view, work, self.device_ids, found)
        checks.check_devices_equal_county(plan, view, snapshots, found)
        checks.check_assessments(plan, view, found)
        checks.check_ledgers(view, [p for group in printed for p in group], found)
        audit = run_cli(
            "server", "audit", "verify", "--data-dir", str(county.server.data_dir), check=False
        )
        assert audit.returncode == 0, f"the audit chain does not verify: {audit.stderr[-500:]}"
        found.add("audit_entries", int(audit.stdout.split("intact:")[1].split()[0]))

    def _summarise(self) -> None:
        r = self.result
        assert r is not None
        m = r.metrics
        commits = [t for s in m["sync"] + m["sync_again"] for t in s.get("commit_times", [])]
        usb_imports = [s["import_s"] for s in m["sync"] + m["sync_again"] if "import_s" in s]
        http_visits = sum(len(lp.plan.visits) for lp in self.laptops if not lp.plan.usb)
        wire = self.wire["sync"]
        m.update(
            {
                "visits_per_s": m["visits_synced"] / r.phases["sync"],
                "merge_s_total": sum(commits),
                "merge_s_median": statistics.median(commits) if commits else 0.0,
                "merge_s_max": max(commits, default=0.0),
                "merge_requests": len(commits),
                "usb_import_s": usb_imports,
                "bytes_per_visit_up": wire.up / http_visits if http_visits else 0.0,
                "bytes_per_visit_total": (wire.up + wire.down) / http_visits
                if http_visits
                else 0.0,
                "http_visits": http_visits,
                "wire": {k: vars(v) for k, v in self.wire.items()},
                "extra_sync_presses": sum(
                    s.get("presses", 1) - 1 for s in m["sync"] + m["sync_again"]
                ),
                "replays_after_cuts": sum(
                    1
                    for s in m["sync"] + m["sync_again"]
                    for b in s.get("sent", [])
                    if b.get("already_received")
                ),
                "overlap_share": overlap_share(r.plan),
                "kills": [w["kill"] for w in m["work"] if "kill" in w],
            }
        )
        cuts = sum(v.cut for v in self.wire.values())
        r.reliability.update(
            {"kills": len(m["kills"]), "cuts": cuts, "replays_after_cuts": m["replays_after_cuts"]}
        )
