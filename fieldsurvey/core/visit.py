"""Visits (走访 / 入户调查) and member changes.

A visit is a filled form: the answers keyed by field name, with the form id and version they were
filled with, so an old visit still displays after the form changes. A draft may change; a
finalized visit never does. A correction is a new visit that ``amends`` the old one and says why.
Finalized visits are append-only, which is why they can never conflict in sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fieldsurvey.core.household import new_id

DRAFT = "draft"
FINALIZED = "finalized"


@dataclass(slots=True)
class Visit:
    household_id: str
    visit_date: date
    visitor: str
    form_id: str
    form_version: str
    answers: dict[str, Any] = field(default_factory=dict)
    visit_id: str = field(default_factory=new_id)
    status: str = DRAFT
    created_at: datetime | None = None
    updated_at: datetime | None = None
    finalized_at: datetime | None = None
    amends: str | None = None  # visit_id of the finalized visit this one corrects
    amendment_reason: str | None = None
    findings: str | None = None  # what the visitor found, in words (visit log)
    assessment: dict[str, Any] | None = None  # the assessment made when it was finalized
    review_status: str | None = None  # county staff: "has_issues" with review_comment
    review_comment: str | None = None
    # where the form engine stopped, so a draft reopens where it was left
    cursor: dict[str, Any] | None = None

    @property
    def finalized(self) -> bool:
        return self.status == FINALIZED


@dataclass(slots=True)
class MemberChange:
    """人员变更: a member joins or leaves the household, with the reason the domain lists."""

    household_id: str
    member_id: str
    reason: str  # member_change_reason code; its "direction" says in or out
    change_date: date
    change_id: str = field(default_factory=new_id)
    note: str | None = None
