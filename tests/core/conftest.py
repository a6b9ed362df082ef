"""Fixtures for the pure domain's tests (``fieldsurvey.core``: assessment, rules, IDs, policy).

These tests build households by hand (``tests.support.factories``) and need no fixture beyond
pytest's own; the common ones (``fast_kdf``, ``app``) are in ``tests/conftest.py``.
"""
