"""docs/sync-protocol.md's records reference and docs/sync-records.schema.json are what the models
of fieldsurvey/api/ generate today (run ``python scripts/protocol_schema.py`` after changing one)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fieldsurvey.api.reference import (
    MARKERS,
    SCHEMA_FILE,
    json_schema,
    json_schema_text,
    markdown,
    updated,
)

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sync-protocol.md"


def test_the_reference_in_the_protocol_page_is_current() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert doc.count(MARKERS[0]) == 1 and doc.count(MARKERS[1]) == 1
    assert updated(doc) == doc, (
        "docs/sync-protocol.md is stale: run python scripts/protocol_schema.py"
    )


def test_the_json_schema_file_is_current() -> None:
    text = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert text == json_schema_text(), (
        f"{SCHEMA_FILE} is stale: run python scripts/protocol_schema.py"
    )
    assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_reference_names_every_field_and_code_list_of_a_household() -> None:
    text, household = markdown(), json_schema()["$defs"]["Household"]
    section = text[text.index("#### Household\n") : text.index("#### HouseholdFields\n")]
    assert all(f"| `{name}` |" in section for name in household["properties"])
    assert "| `water_source` | code ([water_source](#code-lists)) or null |  | `null` |" in section
    assert "| `risks` | list of code ([risk](#code-lists)), at most 5 |  | `[]` |" in section
    assert "| `poverty_cause` | `illness` 因病" in text


def test_the_script_reports_a_stale_page(tmp_path: Path) -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "protocol_schema.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    stale = updated(DOC.read_text(encoding="utf-8")).replace("| `water_source` |", "| `water` |", 1)
    assert updated(stale) != stale
