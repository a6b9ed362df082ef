"""Shared test set-up: Qt runs offscreen, stores use a fast KDF unless a test needs the real one."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

# Argon2id at the smallest settings a key file may ask for (19 MiB, one pass, one lane: about
# 20 ms here; keyfile.KDF_MEMORY_KIB refuses less). Tests of the key file itself and the
# benchmarks use the production parameters.
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 19456, "lanes": 1}


@pytest.fixture
def fast_kdf() -> dict:
    return dict(FAST_KDF)
