"""Child process for the killed-creation test: creates a store, unless it is killed first.

``python -m tests.support.store_creator DIR PASSPHRASE KDF_JSON [STOP]``: prints "go" once
everything is imported, then creates the store and prints "created". With ``STOP`` (0 to 9) it
halts instead when creation has done that many of its steps (``STEPS``, counted as
``test_store_creation.snapshots_at_each_step`` counts them): it prints "at STOP" and waits for a
kill, so the parent kills it at a known point, not at a moment it guessed.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command  # noqa: F401  (loaded before "go", as in the running app)

import fieldsurvey.store.store as store_module
from fieldsurvey.core import atomic
from fieldsurvey.encryption.keyfile import KeyFile
from fieldsurvey.store import layout, schema
from fieldsurvey.store.store import Store

# Each step of creation: (owner, name, "after" it returns or "before" it runs).
STEPS: list[tuple[Any, str, str]] = [
    (layout, "mark_creating", "after"),
    (store_module, "_create_private_file", "after"),
    (store_module, "make_encrypted_engine", "after"),
    (schema, "upgrade", "after"),
    (KeyFile, "save", "after"),
    (layout, "mark_finished", "after"),
    (atomic.os, "replace", "before"),  # a key file written, not yet renamed
]


def at_each_step(hook: Callable[[], None]) -> list[tuple[Any, str, Any]]:
    """Wrap every step so ``hook`` runs at it; returns what to restore."""
    saved = []
    for owner, name, when in STEPS:
        fn = getattr(owner, name)
        saved.append((owner, name, fn))

        def step(*args: Any, _fn: Any = fn, _when: str = when, **kwargs: Any) -> Any:
            if _when == "before":
                hook()
                return _fn(*args, **kwargs)
            result = _fn(*args, **kwargs)
            hook()
            return result

        setattr(owner, name, step)
    return saved


def main(data_dir: str, passphrase: str, kdf: str, stop: str | None = None) -> None:
    done = [0]

    def halt_at_stop() -> None:
        done[0] += 1
        if stop is not None and done[0] == int(stop):
            print(f"at {done[0]}", flush=True)
            threading.Event().wait()  # until killed

    if stop is not None:
        at_each_step(halt_at_stop)
    print("go", flush=True)
    if stop is not None and int(stop) == 0:
        print("at 0", flush=True)
        threading.Event().wait()
    store, _ = Store.create(Path(data_dir), passphrase, kdf=json.loads(kdf))
    print("created", flush=True)
    store.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
