"""One village laptop as a process: ``python -m bench.season.device`` reads commands on stdin.

The field season runs each device in its own process, like the desktop app on its own laptop,
with its own SQLCipher store. The orchestrator sends one JSON command per line and reads JSON
lines back: events while a command runs (``{"event": …}``), then ``{"ok": true, "result": …}``
or ``{"ok": false, "error": …}``. Commands: ``create``, ``open``, ``enroll``, ``work``,
``sync``, ``export``, ``import``, ``tamper``, ``ledger``, ``snapshot``. Killing the process
with SIGKILL at any moment is part of the scenario.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.season.fieldwork import Fieldwork
from bench.season.plan import DevicePlan
from bench.season.tamper import tamper_and_replay
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.store import Store
from fieldsurvey.store.models import MemberChangeRow
from fieldsurvey.store.sync_state import SentBatch
from fieldsurvey.sync.client import SyncClient
from fieldsurvey.sync.transport import RetryPolicy, Transport

FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 19456, "lanes": 1}
SYNC_PRESSES = 6  # how often the secretary presses Sync again after "cannot reach the server"


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


class TimedTransport(Transport):
    """The real transport, timing each commit request (the server merges the batch inside it)."""

    def __init__(self, *args: Any, commit_times: list[float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commit_times = commit_times

    def _once(self, method: str, path: str, **kwargs: Any) -> Any:
        if not path.endswith("/commit"):
            return super()._once(method, path, **kwargs)
        start = time.perf_counter()
        response = super()._once(method, path, **kwargs)
        self.commit_times.append(time.perf_counter() - start)
        return response


class BenchSyncClient(SyncClient):
    def __init__(self, store: Store, policy: RetryPolicy) -> None:
        super().__init__(store, policy=policy)
        self.commit_times: list[float] = []

    def _transport(self, url: str, identity: Any) -> Transport:
        return TimedTransport(
            url,
            identity=identity,
            policy=self.policy,
            progress=self.progress,
            cancel=self.cancel,
            commit_times=self.commit_times,
        )


class Laptop:
    def __init__(self) -> None:
        self.store: Store | None = None
        self.client: BenchSyncClient | None = None

    def _open(self, store: Store) -> None:
        self.store = store
        self.client = BenchSyncClient(
            store, RetryPolicy(attempts=10, base=0.1, cap=2.0, timeout=120)
        )

    # -- commands -----------------------------------------------------------------------------
    def create(self, data_dir: str, passphrase: str, fast_kdf: bool) -> dict[str, Any]:
        store, _recovery = Store.create(
            Path(data_dir), passphrase, kdf=dict(FAST_KDF) if fast_kdf else None
        )
        self._open(store)
        return {}

    def open(self, data_dir: str, passphrase: str) -> dict[str, Any]:
        start = time.perf_counter()
        store = Store.open(Path(data_dir), passphrase=passphrase)
        self._open(store)
        drafts = [
            {"visit_id": v.visit_id, "household_id": v.household_id, "findings": v.findings or ""}
            for v in store.visits.drafts()
        ]
        return {
            "seconds": time.perf_counter() - start,
            "integrity_problems": store.integrity_problems(),
            "drafts": drafts,
        }

    def enroll(self, url: str, code: str, label: str) -> dict[str, Any]:
        assert self.client is not None
        row = self.client.enroll(url, code, label=label)
        return {"device_id": row.device_id, "villages": row.villages}

    def work(self, plan: dict[str, Any]) -> dict[str, Any]:
        assert self.store is not None
        start = time.perf_counter()
        result = Fieldwork(self.store, DevicePlan.from_json(plan), emit).run()
        return {
            **result,
            "seconds": time.perf_counter() - start,
            "outbox": self.store.outbox.count(),
        }

    def sync(self) -> dict[str, Any]:
        """Press Sync until it goes through, as a secretary on a bad line does."""
        assert self.client is not None
        self.client.commit_times = []
        failures: list[str] = []
        start = time.perf_counter()
        for _press in range(SYNC_PRESSES):
            try:
                report = self.client.sync()
            except UserError as e:
                if e.code != "unreachable":
                    raise
                failures.append(e.code)
                continue
            d = report.to_dict()
            return {
                "seconds": time.perf_counter() - start,
                "presses": len(failures) + 1,
                "sent": _sent(report.sent_batches),
                "refused": report.refused,
                "downloaded": d["downloaded"],
                "notices": len(d["notices"]),
                "commit_times": self.client.commit_times,
            }
        raise RuntimeError(f"sync failed {len(failures)} times: {failures}")

    def export(self, path: str) -> dict[str, Any]:
        assert self.client is not None
        try:
            info = self.client.export_batch(Path(path))
        except UserError as e:
            if e.code == "nothing_pending":
                return {"nothing_pending": True}
            raise
        return {**info, "nothing_pending": False}

    def import_updates(self, path: str) -> dict[str, Any]:
        assert self.client is not None
        applied = self.client.import_updates(Path(path))
        return {
            "households": applied.households,
            "visits": applied.visits,
            "full": applied.full,
            "notices": len(applied.notices),
        }

    def tamper(self, copies: int, seed: int) -> dict[str, Any]:
        assert self.client is not None and self.store is not None
        identity, row = self.client.identity()
        with self.store.session() as s:
            batch = (
                s.execute(select(SentBatch).order_by(SentBatch.created_at.desc())).scalars().first()
            )
            data = bytes(batch.data) if batch is not None else b""
        if not data:
            raise RuntimeError("no batch was ever sealed on this device")
        t = Transport(
            row.server_url,
            identity=identity,
            policy=RetryPolicy(attempts=10, base=0.1, cap=2.0, timeout=120),
        )
        try:
            return tamper_and_replay(t, data, copies, seed)
        finally:
            t.close()

    def ledger(self, household_ids: list[str], out_dir: str) -> list[dict[str, Any]]:
        from fieldsurvey.ledger import (  # reportlab: only when printing
            DivisionNames,
            LedgerInput,
            print_household,
        )

        assert self.store is not None
        out = []
        for hid in household_ids:
            h = self.store.households.get(hid)
            if h is None:
                raise RuntimeError("a sampled household is missing from the device")
            code = h.division_code.value
            path = self.store.divisions.path(code)
            names = DivisionNames(
                path["county"] or self.store.county()[1],
                path["township"] or "",
                path["village"] or code,
            )
            target = Path(out_dir) / f"{h.household_no}.pdf"
            result = print_household(
                LedgerInput(h, self.store.visits.for_household(hid), names), target
            )
            out.append(
                {
                    "household_id": hid,
                    "path": str(target),
                    "pages": result.pages,
                    "fingerprint": result.fingerprint,
                    "names": [names.county, names.township, names.village],
                }
            )
        return out

    def snapshot(self, path: str) -> dict[str, Any]:
        """Everything the checks compare with the server, written to a JSON file."""
        assert self.store is not None and self.client is not None
        store = self.store
        households: dict[str, Any] = {}
        visits: dict[str, Any] = {}
        for h in store.households.iter_households():
            households[h.household_id] = household_to_dict(h)
            for v in store.visits.for_household(h.household_id):
                visits[v.visit_id] = visit_to_dict(v)
        with store.session() as s:
            changes = sorted(s.execute(select(MemberChangeRow.change_id)).scalars())
            batches = [(b.batch_id, b.status) for b in s.execute(select(SentBatch)).scalars()]
        enrollment = self.client.enrollment()
        notices = [
            {"kind": n.kind, "ref": n.ref, "household_id": n.household_id}
            for n in self.client.notices(unread_only=False)
        ]
        doc = {
            "households": households,
            "visits": visits,
            "member_changes": changes,
            "outbox": store.outbox.count(),
            "batches": batches,
            "notices": notices,
            "integrity_problems": store.integrity_problems(),
            "villages": enrollment.villages if enrollment else None,
            "device_id": enrollment.device_id if enrollment else None,
        }
        Path(path).write_text(json.dumps(doc, ensure_ascii=False, default=str), "utf-8")
        return {"households": len(households), "visits": len(visits)}

    def close(self) -> dict[str, Any]:
        if self.store is not None:
            self.store.close()
            self.store = None
        return {}


def _sent(batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "batch_id": b.get("batch_id"),
            "status": b.get("status"),
            "conflicts": b.get("conflicts"),
            "already_received": b.get("already_received"),
            "counts": b.get("counts"),
        }
        for b in batches
    ]


def main() -> int:
    laptop = Laptop()
    commands = {
        "create": laptop.create,
        "open": laptop.open,
        "enroll": laptop.enroll,
        "work": laptop.work,
        "sync": laptop.sync,
        "export": laptop.export,
        "import": laptop.import_updates,
        "tamper": laptop.tamper,
        "ledger": laptop.ledger,
        "snapshot": laptop.snapshot,
        "close": laptop.close,
    }
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        try:
            result = commands[msg.pop("cmd")](**msg)
            emit({"ok": True, "result": result})
        except Exception as e:  # reported to the orchestrator, which fails the run with it
            emit(
                {"ok": False, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()}
            )
    laptop.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
