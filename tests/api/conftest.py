"""Fixtures for the contract's tests (``fieldsurvey.api``: the typed records, the generated
reference, the error catalogue). The county they validate against is built in process by the
modules that need one; servers and devices come from ``tests.support.server``."""
