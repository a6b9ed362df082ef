"""Household columns derived from visits: last visit date and the problem flags of the latest one.

County lists filter on these ("households not visited since March", "unsafe water"), so they are
kept as indexed columns rather than computed from JSON at query time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fieldsurvey.core.assessment_result import DIMENSIONS, FLAG_LABELS, MET, NOT_MET
from fieldsurvey.server.db.models import HouseholdRow

FLAG_ORDER: tuple[str, ...] = tuple(FLAG_LABELS)  # bit i = flag i
ALL_UNKNOWN = (1 << len(DIMENSIONS)) - 1  # fail_bits / unknown_bits: bit i = DIMENSIONS[i]


def flag_bits(flags: list[str] | tuple[str, ...]) -> int:
    return sum(1 << FLAG_ORDER.index(f) for f in set(flags) if f in FLAG_ORDER)


def flags_of(bits: int) -> list[str]:
    return [f for i, f in enumerate(FLAG_ORDER) if bits & (1 << i)]


def dimension_bits(assessment: Any) -> tuple[int, int] | None:
    """(not met, unknown) bits of an assessment dict; None when it has no dimensions."""
    dims = assessment.get("dimensions") if isinstance(assessment, dict) else None
    if not isinstance(dims, dict):
        return None
    fail = unknown = 0
    for i, name in enumerate(DIMENSIONS):
        result = dims.get(name)
        outcome = result.get("outcome") if isinstance(result, dict) else None
        if outcome == NOT_MET:
            fail |= 1 << i
        elif outcome != MET:
            unknown |= 1 << i
    return fail, unknown


def visit_columns(current: dict[str, Any], visit: dict[str, Any]) -> dict[str, Any]:
    """``last_visit_date``, ``flag_bits`` and the dimension bits after this visit."""
    visit_date = date.fromisoformat(str(visit["visit_date"]))
    last = current.get("last_visit_date")
    if last is not None and visit_date < last:
        return dict(current)
    out = dict(current, last_visit_date=visit_date)
    assessment = visit.get("assessment") or {}
    if isinstance(assessment, dict) and isinstance(assessment.get("flags"), list):
        out["flag_bits"] = flag_bits([str(f) for f in assessment["flags"]])
    bits = dimension_bits(assessment)
    if bits is not None:
        out["fail_bits"], out["unknown_bits"], out["assessed_on"] = bits[0], bits[1], visit_date
    return out


def apply_visit_to_household(household: HouseholdRow, visit: dict[str, Any]) -> None:
    cols = visit_columns(
        {"last_visit_date": household.last_visit_date, "flag_bits": household.flag_bits}, visit
    )
    for name, value in cols.items():
        setattr(household, name, value)
