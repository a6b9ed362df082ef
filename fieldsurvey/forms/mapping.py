"""Which form fields hold which registry facts, shared by ``prefill`` and ``apply``.

Field names are the attribute names of ``core/household.py`` wherever the two can be the same.
Where a name is taken twice in one visit, the form uses another and this table maps it:
assistance measure fields carry ``measure_`` (``measure_status`` is ``AssistanceMeasure.status``,
as ``status`` is the household's), a member's relocation is ``member_relocated``, and a child's
schooling in the education section is ``stage``. Income items are named by their policy keys;
business expenses by ``expense.`` + the key.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fieldsurvey.core.household import AssistanceMeasure, Household, Member

MEMBERS = "members"
MEASURES = "measures"
MEASURE_PREFIX = "measure_"
EXPENSE_PREFIX = "expense."
INCOME_GROUP = "income_items"
MEMBER_FIELD_ALIASES = {"member_relocated": "relocated", "stage": "schooling"}
# Household attributes a form never sets: identity, collections and bookkeeping.
HOUSEHOLD_SKIP = frozenset(
    {"household_id", "division_code", "members", "helpers", "measures", "incomes", "revision"}
)
MEMBER_SKIP = frozenset({"member_id", "present", "revision"})
INCOME_EXTRAS = ("income_year", "income_household_size", "sudden_expenses")
# Per-member medical costs of the income year (medical section) → IncomeRecord.medical_costs keys.
MEDICAL = "medical"
MEDICAL_COST_FIELDS = {
    "hospital_costs": "hospital",
    "hospital_reimbursed": "hospital_reimbursed",
    "outpatient_costs": "outpatient",
    "outpatient_reimbursed": "outpatient_reimbursed",
}
# The helper check of the needs section: confirm the current helper, or end them and add one.
HELPER_CURRENT = "helper_current"
HELPER_CONFIRMATION = "helper_confirmation"
HELPER_FIELDS = {
    "helper_name": "name",
    "helper_sex": "sex",
    "helper_unit": "unit",
    "helper_unit_level": "unit_level",
    "helper_phone": "phone",
    "helper_start_date": "start_date",
}
VISIT_FIELDS = (
    "visit_date",
    "visitor",
    "findings",
    "follow_up",
    "household_confirmed",
    "confirmed_by",
)


def attributes(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in dataclasses.fields(cls)}


HOUSEHOLD_ATTRS = {k: v for k, v in attributes(Household).items() if k not in HOUSEHOLD_SKIP}
MEMBER_ATTRS = {k: v for k, v in attributes(Member).items() if k not in MEMBER_SKIP}
MEASURE_ATTRS = {k: v for k, v in attributes(AssistanceMeasure).items() if k != "measure_id"}


def member_attribute(field_name: str) -> str | None:
    name = MEMBER_FIELD_ALIASES.get(field_name, field_name)
    return name if name in MEMBER_ATTRS else None


def measure_attribute(field_name: str) -> str | None:
    if not field_name.startswith(MEASURE_PREFIX):
        return None
    name = field_name[len(MEASURE_PREFIX) :]
    return name if name in MEASURE_ATTRS else None


def empty_value(f: dataclasses.Field[Any], current: Any) -> Any:
    """What an attribute becomes when its question was not answered (hidden or left empty):
    "not recorded" (None) where the model allows it, no for yes/no facts that have no
    "unknown", an empty list for lists; anything else keeps its value (a required code the
    form always asks)."""
    if f.default is None:
        return None
    if isinstance(f.default, bool):
        return False
    if f.default_factory is list:
        return []
    return current
