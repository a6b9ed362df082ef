"""Fixtures for the demo county's tests (``fieldsurvey.demo`` and the ``demo`` command): the
generator's output, the producer process that fills a store, and the demo's county server.
"""
