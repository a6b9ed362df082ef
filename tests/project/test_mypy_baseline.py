"""scripts/mypy_baseline.py, the second step of .ci/run: how it reads mypy's output and when it
fails. (Running mypy itself takes a minute cold; .ci/run does that.)"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mypy_baseline.py"


def baseline_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mypy_baseline", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_errors_are_read_with_their_file_and_code_and_notes_are_not_errors() -> None:
    line = baseline_script().ERROR_LINE.match
    error = line('fieldsurvey/core/x.py:12: error: Unused "type: ignore" comment  [unused-ignore]')
    assert error and (error["path"], error["code"]) == ("fieldsurvey/core/x.py", "unused-ignore")
    windows = line(r"fieldsurvey\ui\y.py:3:5: error: Name 'z' is not defined  [name-defined]")
    assert windows and windows["path"] == r"fieldsurvey\ui\y.py"
    assert not line("fieldsurvey/core/x.py:12: note: See https://mypy.readthedocs.io/")


def test_a_new_error_fails_even_when_another_file_lost_one() -> None:
    compare = baseline_script().compare
    worse, better = compare(Counter({"a.py": 3, "b.py": 1}), {"a.py": 2, "b.py": 2})
    assert worse == ["  a.py: 2 -> 3"]
    assert better == ["  b.py: 2 -> 1"]


def test_a_moved_file_fails_until_the_baseline_is_rewritten() -> None:
    compare = baseline_script().compare
    worse, better = compare(Counter({"new/place.py": 2}), {"old/place.py": 2})
    assert worse == ["  new/place.py: 0 -> 2"]
    assert better == ["  old/place.py: 2 -> 0"]
