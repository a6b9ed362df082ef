"""The encrypted local store: SQLCipher 4 through SQLAlchemy 2, with Alembic migrations.

Layers, bottom up: ``atomic.py`` (durable file writes), ``keyfile.py`` (passphrase and recovery
key → data key), ``engine.py`` (SQLCipher engine keyed with the raw data key), ``schema.py`` +
``migrations/`` (versions), ``models.py`` + ``mapping.py`` (tables ↔ core records), the
repositories, and ``store.py`` which ties them into one ``Store`` object. ``layout.py`` (the
files of a data directory and whether they make a finished store) needs only the standard
library, so ``Store`` is loaded on first use: the app can look at a directory before SQLAlchemy
has loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldsurvey.store.store import Store, StoreError

__all__ = ["Store", "StoreError"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from fieldsurvey.store import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
