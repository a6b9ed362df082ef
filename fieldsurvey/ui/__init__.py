"""The PySide6 desktop app for village secretaries: the only package that imports Qt.

Everything here draws and reacts; the work happens in the headless packages (``core``,
``store``, ``forms``, ``ledger``, ``sync``). Store access runs as operations on one database
worker thread (``ops.py``) and comes back to the main thread as results and change sets, the
pattern Anki's ``CollectionOp`` made familiar.

Start it with ``fieldsurvey app`` or ``fieldsurvey.ui.app.run_app``.
"""

from fieldsurvey.ui.pyside_guard import refuse_broken_pyside

refuse_broken_pyside()  # before any widget: see pyside_guard.py (PySide6 6.12.0 refcount bug)
