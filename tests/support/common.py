"""Constants and checks every test folder uses: the fast key derivation, file modes, the server's
passphrase (which ``tests/conftest.py`` puts in the environment before anything else runs)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Every county server a test makes (in process or as a ``fieldsurvey server`` process, which
# inherits the environment) is encrypted with this passphrase unless the test gives its own.
SERVER_PASSPHRASE = "county-server-test-passphrase-7"

# Windows has no file modes (files there get owner-only access lists, core/private_files.py):
# mode assertions run where the OS has modes.
HAS_MODES = os.name == "posix"


def assert_mode(path: Path, mode: int) -> None:
    """``path`` has exactly ``mode`` (0o600: its owner alone reads it), where modes exist."""
    if HAS_MODES:
        assert stat.S_IMODE(path.stat().st_mode) == mode, (
            f"{path.name}: {oct(stat.S_IMODE(path.stat().st_mode))}"
        )


# Argon2id at the smallest settings a key file may ask for (19 MiB, one pass, one lane: about
# 20 ms here; keyfile.KDF_MEMORY_KIB refuses less). Tests of the key file itself and the
# benchmarks use the production parameters.
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 19456, "lanes": 1}

# Argon2id for the county server's passwords at tiny costs (as FAST_KDF is for key files): a
# sign-in costs a millisecond instead of a quarter of a second. ``tests/conftest.py`` puts it in
# force for the whole run; what sign-in tests assert holds for the parameters in force, and
# ``test_the_production_parameters_are_the_dummy_hashs_too`` puts the production ones back.
FAST_PASSWORD_HASH = {"length": 32, "iterations": 1, "lanes": 1, "memory_cost": 1024}
