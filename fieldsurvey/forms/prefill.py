"""A new visit starts from what the registry knows: Household → raw answers.

The secretary then confirms or corrects each fact instead of typing the household again.
Only fields the survey has are filled, so a county form without some section still works.
Present members become instances keyed by their ``member_id`` and marked ``registered``; the
per-member sections get one instance per member (the engine keeps those its filter selects).
Income is prefilled only from the record of the visit's own income year — a new year's income
is collected afresh, never copied forward.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fieldsurvey.core.household import Household, Member
from fieldsurvey.forms.compile import Survey
from fieldsurvey.forms.engine import ID_KEY
from fieldsurvey.forms.mapping import (
    EXPENSE_PREFIX,
    HELPER_CURRENT,
    HOUSEHOLD_ATTRS,
    MEASURES,
    MEDICAL,
    MEDICAL_COST_FIELDS,
    MEMBERS,
    measure_attribute,
    member_attribute,
)
from fieldsurvey.forms.model import Field, Repeat
from fieldsurvey.forms.values import to_json


def _json(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    return to_json(value)


def _member_answers(member: Member, fields: list[Field]) -> dict[str, Any]:
    out: dict[str, Any] = {ID_KEY: member.member_id}
    for fld in fields:
        attr = member_attribute(fld.name)
        if attr is not None and fld.calculation is None:
            value = getattr(member, attr)
            if value is not None:
                out[fld.name] = _json(value)
    return out


def prefill(household: Household, survey: Survey, today: date | None = None) -> dict[str, Any]:
    """Raw answers for a new visit of ``household`` on ``today``."""
    today = today or date.today()
    answers: dict[str, Any] = {}
    for fld in survey.fields_in(None):
        if fld.name in HOUSEHOLD_ATTRS and fld.calculation is None:
            value = getattr(household, fld.name)
            if value is not None:
                answers[fld.name] = _json(value)
    present = household.present_members
    if MEMBERS in survey.elements:
        fields = survey.fields_in(MEMBERS)
        answers[MEMBERS] = [{**_member_answers(m, fields), "registered": True} for m in present]
    for el in survey.elements.values():
        if isinstance(el, Repeat) and el.repeat_over == MEMBERS:
            fields = survey.fields_in(el.name)
            answers[el.name] = [_member_answers(m, fields) for m in present]
    if HELPER_CURRENT in survey.elements:
        current = household.current_helpers()
        if current:
            answers[HELPER_CURRENT] = "、".join(f"{x.name}（{x.unit}）" for x in current)
    if MEASURES in survey.elements:
        fields = survey.fields_in(MEASURES)
        answers[MEASURES] = [_measure_answers(m, fields) for m in household.measures]
    answers.update(_income_answers(household, survey, today))
    medical_cost_answers(household, answers, survey, today.year)
    return answers


def _measure_answers(measure: Any, fields: list[Field]) -> dict[str, Any]:
    out: dict[str, Any] = {ID_KEY: measure.measure_id}
    for fld in fields:
        attr = measure_attribute(fld.name)
        if attr is not None:
            value = getattr(measure, attr)
            if value is not None:
                out[fld.name] = _json(value)
    return out


def _income_answers(household: Household, survey: Survey, today: date) -> dict[str, Any]:
    if "income_year" not in survey.elements:
        return {}
    record = household.income_for(today.year)
    if record is None:
        return {}
    out: dict[str, Any] = {"income_year": record.year}
    for key, amount in record.items.items():
        if key in survey.elements and amount is not None:
            out[key] = amount
    for key, amount in record.expenses.items():
        name = EXPENSE_PREFIX + key
        if name in survey.elements and amount is not None:
            out[name] = amount
    if record.household_size is not None and "income_household_size" in survey.elements:
        out["income_household_size"] = record.household_size
    if record.sudden_expenses is not None and "sudden_expenses" in survey.elements:
        out["sudden_expenses"] = record.sudden_expenses
    return out


def medical_cost_answers(
    household: Household, answers: dict[str, Any], survey: Survey, year: int
) -> None:
    """Put the year's per-member medical costs into the medical section's instances."""
    record = household.income_for(year)
    if record is None or MEDICAL not in survey.elements:
        return
    for item in answers.get(MEDICAL, []):
        costs = record.medical_costs.get(str(item[ID_KEY]), {})
        for name, key in MEDICAL_COST_FIELDS.items():
            if name in survey.elements and costs.get(key) is not None:
                item[name] = costs[key]
