"""The visit editor's one state, instead of flags each action checked on its own."""

from __future__ import annotations

from enum import Enum


class EditorState(Enum):
    """Where a visit editor is; what it accepts follows from this alone.

    ``LOADING`` → ``EDITING`` (a draft) or ``READ_ONLY`` (a finalized visit);
    ``EDITING`` → ``FINALIZING`` → ``READ_ONLY`` (or back to ``EDITING`` when it fails);
    ``EDITING`` → ``DISCARDED``; an amendment loads again (``LOADING``).
    """

    LOADING = "loading"  # opening on the worker, or a message saying why it could not open
    EDITING = "editing"  # a draft: answers are taken, checked and saved
    FINALIZING = "finalizing"  # the worker holds the session: no input, no save, no check
    READ_ONLY = "read_only"  # a finalized visit: shown, never changed
    DISCARDED = "discarded"  # the draft was deleted; only closing the tab is left
