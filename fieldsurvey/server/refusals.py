"""The refusals each router declares, so ``/docs`` shows the error body beside every answer.

Every refusal has the one body of ``fieldsurvey/api/errors.py`` (``ErrorBody``: a code of
``ErrorCode`` and a message in both languages), whatever its status; the status says which kind
of refusal it is. A router passes one of these dicts as ``responses=``; declaring 422 here also
replaces FastAPI's own validation-error schema, which this server never sends (a malformed
request is answered with ``invalid_request`` in the same body).
"""

from __future__ import annotations

from typing import Any

from fieldsurvey.api.errors import ErrorBody

MEANINGS = {
    400: "refused: the request asks for something the county cannot do (the code says what)",
    401: "no session, an expired one, or a request signature the county does not accept",
    403: "the account's role or villages do not allow this",
    404: "no such thing, or not in the caller's villages (the same answer)",
    409: "the request conflicts with the county's state (already resolved, exists, uploaded)",
    413: "the request or a file in it is larger than the county accepts",
    422: "the request is malformed: a parameter or field of the wrong type or out of bounds",
    429: "too many attempts; wait retry_after seconds",
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": MEANINGS[status]} for status in statuses}


PUBLIC = refusals(400, 401, 413, 422, 429)
STAFF = refusals(400, 401, 403, 404, 409, 413, 422)
DEVICE = refusals(400, 401, 403, 409, 413, 422)
