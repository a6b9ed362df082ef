"""Shared test set-up: Qt runs offscreen, stores use a fast KDF unless a test needs the real one."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every county server a test makes (in process or as a ``fieldsurvey server`` process, which
# inherits the environment) is encrypted with this passphrase unless the test gives its own.
SERVER_PASSPHRASE = "county-server-test-passphrase-7"
os.environ.setdefault("FIELDSURVEY_SERVER_PASSPHRASE", SERVER_PASSPHRASE)

import pytest  # noqa: E402

# Argon2id with tiny costs: unlocking in tests takes milliseconds. Tests of the key file itself
# and the benchmarks use the production parameters.
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}


@pytest.fixture
def fast_kdf() -> dict:
    return dict(FAST_KDF)
