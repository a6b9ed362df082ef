"""Routes for the audit log: reading it (county staff and admins) and checking its chain (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from fieldsurvey.api import county as answers
from fieldsurvey.server import refusals
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.audit import entries as audit_log
from fieldsurvey.server.auth.roles import ADMIN_ONLY, STAFF_ONLY
from fieldsurvey.server.deps import ServerDirDep, SessionDep, Staff
from fieldsurvey.server.params import Limit, Offset

router = APIRouter(tags=["audit"], responses=refusals.STAFF)


@router.get(
    "/audit",
    response_model=answers.Page[answers.AuditEntry],
    summary="The audit log, newest first (county staff and admins)",
    dependencies=[STAFF_ONLY],
)
def get_audit(
    session: SessionDep,
    who: Staff,
    offset: Offset = 0,
    limit: Limit = 100,
    action: Annotated[str | None, Query(max_length=32)] = None,
    subject: Annotated[str | None, Query(max_length=128)] = None,
) -> dict[str, Any]:
    return audit_log.entries(session, action=action, subject=subject, offset=offset, limit=limit)


@router.get(
    "/admin/audit/verify",
    response_model=answers.AuditVerify,
    summary="Check the audit log's hash chain and signatures",
    dependencies=[ADMIN_ONLY],
)
def audit_verify(session: SessionDep, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    result = audit.verify(session, sd.keys.signing_public)
    return {
        "ok": result.ok,
        "entries": result.entries,
        "head_hash": result.head_hash,
        "problems": result.problems[:100],
    }
