"""The orchestrator's handle on one laptop process (``bench.season.device``).

``call`` sends a command and waits for its answer, handing every event the laptop announces to
``on_event`` on the way — which is where the season decides to pull the plug (``kill``). A
laptop that dies mid-command raises ``Killed`` with the events it got out before it died.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from bench.season.plan import DevicePlan

ROOT = Path(__file__).resolve().parent.parent.parent
PASSPHRASE = "山路十八弯-田野调查-2026"  # synthetic laptops only


class Killed(Exception):
    def __init__(self, events: list[dict[str, Any]]) -> None:
        super().__init__("the laptop process died")
        self.events = events


class LaptopFailed(Exception):
    pass


class Laptop:
    def __init__(self, plan: DevicePlan, folder: Path) -> None:
        self.plan = plan
        self.folder = folder
        self.data_dir = folder / "store"
        self.device_id: str | None = None
        self.proc: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None
        self.restarts = 0

    @property
    def name(self) -> str:
        return self.plan.username

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._log = open(self.folder / "laptop.log", "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.season.device"],
            cwd=ROOT,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            encoding="utf-8",
        )

    def call(
        self,
        cmd: str,
        on_event: Callable[[Laptop, dict[str, Any]], None] | None = None,
        **args: Any,
    ) -> Any:
        proc = self.proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        events: list[dict[str, Any]] = []
        try:
            proc.stdin.write(json.dumps({"cmd": cmd, **args}, ensure_ascii=False) + "\n")
            proc.stdin.flush()
        except BrokenPipeError as e:
            raise Killed(events) from e
        for line in proc.stdout:
            msg = json.loads(line)
            if "event" in msg:
                events.append(msg)
                if on_event is not None:
                    on_event(self, msg)
                continue
            if msg["ok"]:
                return msg["result"]
            raise LaptopFailed(f"{self.name} {cmd}: {msg['error']}\n{msg.get('trace', '')}")
        proc.wait()
        raise Killed(events)

    def kill(self) -> None:
        """SIGKILL (TerminateProcess on Windows), as when the battery dies: no handler runs, no
        transaction finishes."""
        assert self.proc is not None
        self.proc.kill()

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None and self.proc.stdin is not None:
                try:
                    self.proc.stdin.close()
                    self.proc.wait(30)
                except (BrokenPipeError, subprocess.TimeoutExpired):
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None


def on_all(laptops: list[Laptop], fn: Callable[[Laptop], Any]) -> list[Any]:
    """Run ``fn`` for every laptop at once (one thread each); re-raise the first failure."""
    results: list[Any] = [None] * len(laptops)
    errors: list[BaseException] = []

    def run(i: int, laptop: Laptop) -> None:
        try:
            results[i] = fn(laptop)
        except BaseException as e:  # collected and re-raised in the calling thread
            errors.append(e)

    threads = [
        threading.Thread(target=run, args=(i, lp), name=lp.name) for i, lp in enumerate(laptops)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
