"""Fixtures for the ledger's tests (``fieldsurvey.ledger``): real PDFs rendered in ``tmp_path``
and read back. Photos are drawn by ``tests.support.photo_fixtures``.
"""
