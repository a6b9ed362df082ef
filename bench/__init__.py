"""FieldSurvey's benchmarks: ``python -m bench`` runs every one of them (see ``bench/__main__.py``).

Each benchmark is also a script of its own (``python bench/store_bench.py --help``); the figures
and how to read them are in ``docs/performance.md``.
"""
