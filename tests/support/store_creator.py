"""Child process for the killed-creation test: creates a store, unless it is killed first.

``python -m tests.support.store_creator DIR PASSPHRASE KDF_JSON``: prints "go" once everything is
imported, then creates the store and prints "created".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from alembic import command  # noqa: F401  (loaded before "go", as in the running app)

from fieldsurvey.store.store import Store


def main(data_dir: str, passphrase: str, kdf: str) -> None:
    print("go", flush=True)
    store, _ = Store.create(Path(data_dir), passphrase, kdf=json.loads(kdf))
    print("created", flush=True)
    store.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
