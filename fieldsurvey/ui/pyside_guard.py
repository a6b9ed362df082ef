"""Keep ``None``, ``True`` and ``False`` alive under PySide6 6.12 on CPython 3.11.

PySide6 6.12.0 drops one reference to ``None`` each time a Python override of a void virtual
(``changeEvent``, ``paintEvent``, ``keyPressEvent``, …) returns to C++ or a QVariant converts to
``None``, and one reference to ``True`` on every ``emit`` of a Python-declared signal. CPython
before 3.12 counts references to these singletons like any other object, so after a few thousand
such calls the count reaches zero and the interpreter aborts ("Fatal Python error: bool_dealloc:
deallocating True or False"). On this project's machine a bare script dies after ~600 signal
emits; the app would die after some minutes of use.

CPython 3.12 made the singletons immortal; this module gives 3.11 the same property by adding
2**40 to their reference counts (one decrement per call would take years to use that up).
It touches nothing else and does nothing on 3.12 and later, where the counts are fixed.
"""

from __future__ import annotations

import ctypes
import sys

PIN = 1 << 40
_state = {"done": False}


def affected() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def protect_singletons() -> bool:
    """Pin the singletons once per process; returns whether anything was done."""
    if _state["done"] or not affected():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11
        ctypes.c_ssize_t.from_address(id(obj)).value += PIN
    _state["done"] = True
    return True
