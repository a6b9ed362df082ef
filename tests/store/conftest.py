"""Fixtures for the encrypted store's tests (``fieldsurvey.store``, ``fieldsurvey.media``).

Stores are real SQLCipher files in ``tmp_path`` made with ``fast_kdf`` (``tests/conftest.py``);
``data/stores`` holds real stores of earlier schemas; ``tests.support.store_creator`` and
``store_writer`` are the child processes the kill tests start.
"""
