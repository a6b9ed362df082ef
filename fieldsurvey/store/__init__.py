"""The encrypted local store: SQLCipher 4 through SQLAlchemy 2, with Alembic migrations.

Layers, bottom up: ``atomic.py`` (durable file writes), ``keyfile.py`` (passphrase and recovery
key → data key), ``engine.py`` (SQLCipher engine keyed with the raw data key), ``schema.py`` +
``migrations/`` (versions), ``models.py`` + ``mapping.py`` (tables ↔ core records), the
repositories, and ``store.py`` which ties them into one ``Store`` object.
"""

from fieldsurvey.store.store import Store, StoreError

__all__ = ["Store", "StoreError"]
