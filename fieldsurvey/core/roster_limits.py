"""The county roster's size bound: enforced by the county server, said by the county app before sending.

Both sides read it from here, so the county app refuses a too-large workbook with the server's own
sentence before a byte is sent, and the app never imports the server to learn it.
"""

from __future__ import annotations

from fieldsurvey.core.files import MIB
from fieldsurvey.core.text import Text

MAX_FILE = (
    64 * MIB
)  # an .xlsx roster as uploaded (the staged, sealed copy is read back within this too)
WORKBOOK = Text("Excel(.xlsx)文件", "Excel (.xlsx) file")
