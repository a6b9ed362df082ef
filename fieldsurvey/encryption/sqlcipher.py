"""Handing SQLCipher its key, and binding values fast: shared by the store's and the server's engines.

The data key goes to SQLCipher as 64 hex digits in its raw-key form (``x'…'``): SQLCipher then
skips its own PBKDF2, so every new connection is cheap, and the only text ever placed in the
PRAGMA is hex we produced ourselves.
"""

from __future__ import annotations

from types import ModuleType


def bind_fast(dbapi: ModuleType) -> None:
    """Let the driver bind ``None`` and ``bool`` without its slow adaptation path.

    The sqlite3 family of drivers binds int, float, str and bytes directly, but sends every other
    value (``None``, ``bool``) through the adapter protocol: a registry miss, then attribute
    lookups for ``__adapt__`` and ``__conform__``. In sqlcipher3 that costs about 3 µs per value;
    a member row carries some twenty of them, which made a bulk load of 100,000 members twice as
    slow as the same load through Python's sqlite3. A registered adapter is a dictionary hit
    instead. What is stored does not change: ``None`` stays NULL, and ``True``/``False`` were
    always stored as the integers 1/0. Registration is per driver module and idempotent.
    """
    dbapi.register_adapter(type(None), _null)
    dbapi.register_adapter(bool, int)


def _null(_value: None) -> None:
    return None


def raw_key_literal(data_key: bytes) -> str:
    if len(data_key) != 32:
        raise ValueError("the data key must be 32 bytes")
    return f"x'{data_key.hex()}'"
