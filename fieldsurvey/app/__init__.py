"""The use cases: what the laptop app and the command line do with a store, headless.

Between the store, forms and core below and the two shells above (``ui``, ``commands``), as
Anki's ``pylib`` sits under ``aqt``: reassessing households, adding one with its duplicate
check, reading and importing a roster, choosing which assessment to show, opening and
finalizing a visit. Each function takes the ``Store`` (and plain values) and returns plain
data, or ``WithChanges`` when it changed something the views show. Nothing here imports Qt;
the ui's ``ops`` module runs these functions on its database worker in one line each.
"""
