"""Power cut mid-save: kill a process streaming saves; every save that returned survives."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldsurvey.store import Store
from tests.support.factories import household

PASS = "断电测试的密码短语"
TRIALS = 6


@pytest.mark.slow
def test_sigkill_mid_stream_loses_no_returned_save(tmp_path: Path, fast_kdf: dict) -> None:
    d = tmp_path / "s"
    h = household()
    store, _ = Store.create(d, PASS, kdf=fast_kdf)
    store.households.add_many([h])
    store.close()
    rng = random.Random(20261123)
    promised: dict[str, int] = {}
    last_outage = 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    for _trial in range(TRIALS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.support.store_writer", str(d), PASS, h.household_id],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=Path(__file__).parents[2],
        )
        assert child.stdout is not None
        deadline = time.monotonic() + rng.uniform(0.4, 1.5)
        seen = 0
        while time.monotonic() < deadline or seen < 5:
            line = child.stdout.readline()
            if not line:
                break
            visit_id, n = line.split()
            promised[visit_id] = int(n)
            if int(n) % 3 == 0:
                last_outage = int(n)
            seen += 1
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no handler runs
        child.wait()
        # Lines the child wrote before dying were also promises.
        for line in child.stdout.read().splitlines():
            visit_id, n = line.split()
            promised[visit_id] = int(n)
            if int(n) % 3 == 0:
                last_outage = int(n)
        with Store.open(d, passphrase=PASS) as store:
            assert store.integrity_problems() == []
            saved = {v.visit_id: v.answers["n"] for v in store.visits.for_household(h.household_id)}
            missing = set(promised) - set(saved)
            assert not missing, f"{len(missing)} returned saves lost"
            assert all(saved[k] == promised[k] for k in promised)
            stored = store.households.get(h.household_id)
            assert stored is not None and (stored.water_outage_days or 0) >= last_outage
    assert (
        len(promised) >= TRIALS * 5
    )  # every trial killed a writer after at least 5 returned saves
