"""Routes for the audit log: reading it (county staff and admins) and checking its chain (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.audit import entries as audit_log
from fieldsurvey.server.deps import ServerDirDep, SessionDep, Staff

router = APIRouter(tags=["audit"])


@router.get("/audit", summary="The audit log, newest first (county staff and admins)")
def get_audit(session: SessionDep, who: Staff, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
              limit: Annotated[int, Query(ge=1, le=500)] = 100,
              action: Annotated[str | None, Query(max_length=32)] = None,
              subject: Annotated[str | None, Query(max_length=128)] = None) -> dict[str, Any]:
    who.require("county_staff", "admin")
    return audit_log.entries(session, action=action, subject=subject, offset=offset, limit=limit)


@router.get("/admin/audit/verify", summary="Check the audit log's hash chain and signatures")
def audit_verify(session: SessionDep, sd: ServerDirDep, who: Staff) -> dict[str, Any]:
    who.require("admin")
    result = audit.verify(session, sd.keys.signing_public)
    return {"ok": result.ok, "entries": result.entries, "head_hash": result.head_hash, "problems": result.problems[:100]}
