"""Fixtures for the sync protocol's tests (``fieldsurvey.sync``: envelope, batch, merge, device client).

Servers and devices come from ``tests.support.server``; the modules that sync against a real
server define their ``county`` fixture (SQLite and PostgreSQL) themselves.
"""
