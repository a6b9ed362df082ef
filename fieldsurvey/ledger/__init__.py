"""Printed household ledgers (一户一本台账 / 扶贫手册) and village reports.

Plain domain objects in (``LedgerInput``), A4 PDFs out, set in the bundled CJK font. Each page
carries a fingerprint of the printed content so paper can be checked against the record
(``verify_fingerprint``). Imports only ``fieldsurvey.core``, reportlab and pypdf.
"""

from fieldsurvey.ledger.batch import VillagePrintResult, print_household, print_village
from fieldsurvey.ledger.content import build_content
from fieldsurvey.ledger.household_pdf import RenderResult, render_household
from fieldsurvey.ledger.model import DivisionNames, LedgerContent, LedgerInput, LedgerOptions
from fieldsurvey.ledger.verify import Verification, verify_fingerprint
from fieldsurvey.ledger.village_report import (
    render_village_report,
    report_content,
    summarise,
    village_totals,
)

__all__ = [
    "DivisionNames",
    "LedgerContent",
    "LedgerInput",
    "LedgerOptions",
    "RenderResult",
    "Verification",
    "VillagePrintResult",
    "build_content",
    "print_household",
    "print_village",
    "render_household",
    "render_village_report",
    "report_content",
    "summarise",
    "verify_fingerprint",
    "village_totals",
]
