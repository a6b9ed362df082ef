"""One error root with three kinds, as users meet them.

- ``UserError``: something the user can fix (wrong passphrase, bad ID number, tampered batch).
  Its text is shown as is, in the user's language, and never contains personal data.
- ``Cancelled``: the user stopped a long job; not a failure.
- ``InternalError``: a bug or an environment fault; logged (without personal data) and shown
  as a short apology with the log's location.
"""

from __future__ import annotations

from fieldsurvey.core.text import Text


class FieldSurveyError(Exception):
    """Root of every error FieldSurvey raises on purpose."""


class UserError(FieldSurveyError):
    """A problem the user can understand and act on."""

    def __init__(self, text: Text, *, code: str = "user_error") -> None:
        super().__init__(text.en)
        self.text = text
        self.code = code

    def __str__(self) -> str:
        return self.text.both()

    def __reduce__(self) -> tuple:
        # Exception pickles its args (the English text) only; the demo's producer process sends
        # its errors to the writer whole.
        return (type(self), (self.text,), {"code": self.code})


class Cancelled(FieldSurveyError):
    """The user cancelled a long-running operation."""


class InternalError(FieldSurveyError):
    """Something that should not happen; details go to the log, not to the screen."""
