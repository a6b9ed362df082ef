"""Fixtures for the form engine's tests (``fieldsurvey.forms``: engine, expressions, XLSForm).

Forms are written inline in each test; workbooks are made with openpyxl in the test. No fixture
beyond ``tests/conftest.py``'s is shared across these modules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.marks import mark_if_slow

SLOW = {  # module: why its tests are slow (tests.support.marks)
    "test_forms_shipped.py": "the shipped forms over the demo county's households",
    "test_forms_xlsform_export.py": "forms exported and read back through the command",
}


def pytest_itemcollected(item: pytest.Item) -> None:
    mark_if_slow(item, Path(__file__).parent, SLOW)
