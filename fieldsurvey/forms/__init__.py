"""The form engine: form definitions as data, the safe expression language, the checker, the
headless ``FormSession``, XLSForm import, and the projection of a visit's answers onto the
household registry (``prefill`` and ``apply``). See ``docs/forms.md``.
"""

from fieldsurvey.forms.compile import Survey, compile_survey
from fieldsurvey.forms.diagnostics import Diagnostic, FormDefinitionError
from fieldsurvey.forms.issues import Issue
from fieldsurvey.forms.library import HOUSEHOLD_VISIT, FormLibrary
from fieldsurvey.forms.rows import Row
from fieldsurvey.forms.session import Changes, Cursor, FinalizeResult, FormSession

__all__ = [
    "HOUSEHOLD_VISIT",
    "Changes",
    "Cursor",
    "Diagnostic",
    "FinalizeResult",
    "FormDefinitionError",
    "FormLibrary",
    "FormSession",
    "Issue",
    "Row",
    "Survey",
    "compile_survey",
]
