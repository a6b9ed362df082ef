"""Where the bundled data files live.

The repository keeps them in the top-level ``resources/`` folder; an installed wheel carries the
same tree as ``fieldsurvey/resources``. Code asks here instead of building paths itself, so
both layouts work and a county can point ``FIELDSURVEY_RESOURCES`` at a corrected copy.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any


@cache
def resources_dir() -> Path:
    override = os.environ.get("FIELDSURVEY_RESOURCES")
    if override:
        return Path(override)
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "resources"
    if (installed / "codes").is_dir():
        return installed
    return package_dir.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def load_json(*parts: str) -> Any:
    with resource_path(*parts).open(encoding="utf-8") as f:
        return json.load(f)
