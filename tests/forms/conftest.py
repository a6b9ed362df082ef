"""Fixtures for the form engine's tests (``fieldsurvey.forms``: engine, expressions, XLSForm).

Forms are written inline in each test; workbooks are made with openpyxl in the test. No fixture
beyond ``tests/conftest.py``'s is shared across these modules.
"""
