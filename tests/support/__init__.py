"""Helpers shared by the test folders, imported by name (``from tests.support.server import …``).

Fixtures are not here: each lives in the ``conftest.py`` of the folder that uses it, the common
ones in ``tests/conftest.py``.
"""
