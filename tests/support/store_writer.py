"""Child process for the power-cut test: saves visits forever, printing each id once it returned.

A line on stdout is a promise: that save's commit returned, so it must survive SIGKILL.
"""

from __future__ import annotations

import sys
from datetime import date

from fieldsurvey.core.visit import Visit
from fieldsurvey.store import Store


def main(data_dir: str, passphrase: str, household_id: str) -> None:
    store = Store.open(data_dir, passphrase=passphrase)
    i = 0
    while True:
        i += 1
        visit = Visit(
            household_id, date.today(), "测试书记", "visit", "1", {"n": i, "note": "x" * (i % 500)}
        )
        store.visits.save_draft(visit)
        if i % 3 == 0:
            h = store.households.get(household_id)
            assert h is not None
            h.water_outage_days = i
            store.households.update(h)
        sys.stdout.write(f"{visit.visit_id} {i}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(*sys.argv[1:4])
