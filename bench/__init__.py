"""FieldSurvey's benchmarks: ``python -m bench`` runs every one of them (see ``bench/__main__.py``).

Each benchmark is also a script of its own (``python bench/store_bench.py --help``); the figures
and how to read them are in ``docs/performance.md``.
"""

import os

# Synthetic counties only: the servers the benchmarks start are encrypted with this passphrase.
os.environ.setdefault("FIELDSURVEY_SERVER_PASSPHRASE", "bench-county-passphrase-1")
