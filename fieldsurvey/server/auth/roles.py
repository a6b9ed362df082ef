"""Role checks as route dependencies: the permission is in the route's signature and in ``/docs``.

A router or route declares ``dependencies=[STAFF_ONLY]`` (county staff and admins) or
``[ADMIN_ONLY]``; anyone else — a secretary, or any device — is refused with 403 before the
route runs. Routes that only narrow what a caller sees (a secretary sees their villages) take
``Staff`` and filter by ``Principal.villages`` instead. A route that also needs the caller
declares ``who: Staff`` as well: FastAPI resolves the caller once per request for both.
"""

from __future__ import annotations

from fastapi import Depends, params

from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.deps import Staff


def require_role(*roles: str) -> params.Depends:
    """A dependency that lets through only a signed-in person with one of ``roles``."""

    def check(who: Staff) -> Principal:
        who.require(*roles)
        return who

    check.__name__ = "require_" + "_or_".join(roles)
    return Depends(check)


STAFF_ONLY = require_role("county_staff", "admin")
ADMIN_ONLY = require_role("admin")
