"""Fixtures for the use cases' tests (``fieldsurvey.app``): real stores made with ``fast_kdf``
(``tests/conftest.py``), no Qt."""
