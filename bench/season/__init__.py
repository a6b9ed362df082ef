"""The field season: a whole county's season of work, end to end, on real processes.

``bench/field_season.py`` runs it from the command line; ``tests/server/test_field_season.py`` runs a
short season in the test suite. Modules: ``plan`` (who does what), ``proxy`` (the cutting link),
``county`` (server process and staff API), ``device`` and ``fieldwork`` (a laptop process and
its day of visits), ``laptops`` (the orchestrator's handle on them), ``tamper``, ``scenario``
(the phases), ``checks`` and ``report``.
"""
