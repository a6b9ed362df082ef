"""Write the records reference into docs/sync-protocol.md and the JSON Schema beside it.

    python scripts/protocol_schema.py           # rewrite both from fieldsurvey/api/
    python scripts/protocol_schema.py --check   # exit 1 when either is stale

The reference (types, required fields, defaults, code lists of every batch record and feed item)
goes between the markers of ``fieldsurvey/api/reference.py``; the JSON Schema to
``docs/sync-records.schema.json``. tests/api/test_protocol_reference.py runs the check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fieldsurvey.api.reference import SCHEMA_FILE, json_schema_text, updated  # noqa: E402

DOC = ROOT / "docs" / "sync-protocol.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report whether the files are current"
    )
    args = parser.parse_args(argv)
    wanted = {DOC: updated(DOC.read_text(encoding="utf-8")), ROOT / SCHEMA_FILE: json_schema_text()}
    stale = [
        path
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run python scripts/protocol_schema.py)")
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
