"""A finalized visit updates the registry: (Household, saved answers) → new Household.

The answers are the saved ones (``FormSession.answers()``): hidden questions are absent, and an
absent answer means "not recorded" for the fact behind it (see ``mapping.empty_value``).
What changes:

- household facts (categories, causes, risks, housing, water, food and clothing);
- members: facts updated from the members, education and medical sections; a member with an
  "out" change is kept with ``present = False`` and their other facts untouched (history);
  a new member is added; every change becomes a ``MemberChange``;
- the income record of the visit's income year (added or replaced), when anything of it was
  answered; other years stay;
- assistance measures: the list as the form holds it.

A registered member whose instance was deleted from the form is left as is: leaving is
recorded with a member change, never by deleting. Prefill then apply without edits gives an
equal household (``tests/test_forms_shipped.py``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.visit import MemberChange
from fieldsurvey.forms.compile import Survey
from fieldsurvey.forms.engine import ID_KEY
from fieldsurvey.forms.mapping import (
    EXPENSE_PREFIX,
    HELPER_CONFIRMATION,
    HELPER_FIELDS,
    HOUSEHOLD_ATTRS,
    INCOME_GROUP,
    MEASURE_ATTRS,
    MEASURES,
    MEDICAL,
    MEDICAL_COST_FIELDS,
    MEMBER_ATTRS,
    MEMBERS,
    empty_value,
    measure_attribute,
    member_attribute,
)
from fieldsurvey.forms.model import Field, Repeat
from fieldsurvey.forms.values import from_json


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What the visit record itself keeps (走访记录): who, when, what was found."""

    visit_date: date | None = None
    visitor: str | None = None
    findings: str | None = None
    follow_up: str | None = None
    household_confirmed: bool = False
    confirmed_by: str | None = None


@dataclass
class ApplyResult:
    household: Household
    member_changes: list[MemberChange] = field(default_factory=list)
    visit: VisitFacts = field(default_factory=VisitFacts)


def _typed(survey: Survey, name: str, raw: Any) -> Any:
    el = survey.elements.get(name)
    return from_json(el, raw) if isinstance(el, Field) and raw is not None else raw


def apply_answers(household: Household, answers: dict[str, Any], survey: Survey) -> ApplyResult:
    """The household as the visit found it, the member changes and the visit's own facts."""
    hh = copy.deepcopy(household)
    for fld in survey.fields_in(None):
        f = HOUSEHOLD_ATTRS.get(fld.name)
        if f is None or fld.calculation is not None:
            continue
        value = _typed(survey, fld.name, answers.get(fld.name))
        setattr(hh, fld.name, value if value is not None else empty_value(f, getattr(hh, fld.name)))
    result = ApplyResult(hh)
    if MEMBERS in survey.elements:
        _apply_members(hh, answers, survey, result)
    if MEASURES in survey.elements:
        hh.measures = [_measure(item, survey) for item in answers.get(MEASURES, [])]
    _apply_income(hh, household, answers, survey)
    visit_day = _typed(survey, "visit_date", answers.get("visit_date"))
    _apply_helper(hh, answers, survey, visit_day)
    result.visit = VisitFacts(
        visit_date=_typed(survey, "visit_date", answers.get("visit_date")),
        visitor=answers.get("visitor"),
        findings=answers.get("findings"),
        follow_up=answers.get("follow_up"),
        household_confirmed=bool(answers.get("household_confirmed")),
        confirmed_by=answers.get("confirmed_by"),
    )
    return result


def _set_member_facts(
    member: Member, item: dict[str, Any], fields: list[Field], survey: Survey
) -> None:
    for fld in fields:
        attr = member_attribute(fld.name)
        if attr is None or fld.calculation is not None:
            continue
        value = _typed(survey, fld.name, item.get(fld.name))
        setattr(
            member,
            attr,
            value if value is not None else empty_value(MEMBER_ATTRS[attr], getattr(member, attr)),
        )


def _apply_members(
    hh: Household, answers: dict[str, Any], survey: Survey, result: ApplyResult
) -> None:
    member_fields = survey.fields_in(MEMBERS)
    bound = [
        el
        for el in survey.elements.values()
        if isinstance(el, Repeat) and el.repeat_over == MEMBERS
    ]
    per_member: dict[str, list[tuple[dict[str, Any], list[Field]]]] = {}
    for rep in bound:
        fields = survey.fields_in(rep.name)
        for item in answers.get(rep.name, []):
            per_member.setdefault(str(item[ID_KEY]), []).append((item, fields))
    for item in answers.get(MEMBERS, []):
        key = str(item[ID_KEY])
        member = hh.member(key)
        reason = item.get("change_reason")
        changed_on = _typed(survey, "change_date", item.get("change_date"))
        if member is not None and item.get("present") is False:
            member.present = False
            if reason and changed_on:
                result.member_changes.append(MemberChange(hh.household_id, key, reason, changed_on))
            continue
        if member is None:
            member = Member(
                name=item.get("name", ""),
                id_number=item.get("id_number", ""),
                relation=item.get("relation", ""),
                sex=item.get("sex", ""),
                birth_date=_typed(survey, "birth_date", item.get("birth_date")) or date.min,
                member_id=key,
            )
            hh.members.append(member)
            if reason and changed_on:
                result.member_changes.append(MemberChange(hh.household_id, key, reason, changed_on))
        _set_member_facts(member, item, member_fields, survey)
        for bound_item, fields in per_member.get(key, []):
            _set_member_facts(member, bound_item, fields, survey)


def _measure(item: dict[str, Any], survey: Survey) -> AssistanceMeasure:
    values: dict[str, Any] = {}
    for name, raw in item.items():
        attr = measure_attribute(name)
        if attr is not None:
            values[attr] = _typed(survey, name, raw)
    measure = AssistanceMeasure(
        category=values.pop("category", ""),
        project=values.pop("project", ""),
        measure_id=str(item[ID_KEY]),
    )
    for attr, value in values.items():
        if attr in MEASURE_ATTRS:
            setattr(measure, attr, value)
    return measure


def _apply_income(hh: Household, base: Household, answers: dict[str, Any], survey: Survey) -> None:
    year = answers.get("income_year")
    if year is None or INCOME_GROUP not in survey.elements:
        return
    items = {
        f.name: float(answers[f.name])
        for f in survey.fields_in(None)
        if _is_item(f, survey) and answers.get(f.name) is not None
    }
    expenses = {
        f.name[len(EXPENSE_PREFIX) :]: float(answers[f.name])
        for f in survey.fields_in(None)
        if f.name.startswith(EXPENSE_PREFIX) and answers.get(f.name) is not None
    }
    medical = answers.get("medical_out_of_pocket")
    sudden = answers.get("sudden_expenses")
    costs = _medical_costs(answers)
    if not (items or expenses or medical is not None or sudden is not None or costs):
        return
    old = base.income_for(int(year))
    record = IncomeRecord(
        year=int(year),
        items=items,
        expenses=expenses,
        household_size=answers.get("income_household_size"),
        medical_out_of_pocket=float(medical)
        if medical is not None
        else (old.medical_out_of_pocket if old else None),
        sudden_expenses=float(sudden) if sudden is not None else None,
        medical_costs=costs,
    )
    index = next((i for i, r in enumerate(hh.incomes) if r.year == record.year), None)
    if index is None:
        hh.incomes.append(record)
    else:
        hh.incomes[index] = record


def _medical_costs(answers: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per member: the year's costs and reimbursements the medical section recorded."""
    out: dict[str, dict[str, float]] = {}
    for item in answers.get(MEDICAL, []):
        costs = {
            key: float(item[name])
            for name, key in MEDICAL_COST_FIELDS.items()
            if item.get(name) is not None
        }
        if costs:
            out[str(item[ID_KEY])] = costs
    return out


def _apply_helper(
    hh: Household, answers: dict[str, Any], survey: Survey, visit_day: date | None
) -> None:
    """帮扶责任人 confirmed: the current helpers get the visit's date as their last confirmation.
    Changed: the current helpers' service ends the day before the new one starts, and the new
    helper is added — the same history a roster change writes (a change adds a row)."""
    choice = answers.get(HELPER_CONFIRMATION)
    if choice == "confirmed":
        for helper in hh.current_helpers():
            helper.confirmed_on = visit_day
        return
    if choice != "changed":
        return
    values = {attr: _typed(survey, name, answers.get(name)) for name, attr in HELPER_FIELDS.items()}
    start = values.get("start_date") or visit_day
    if not values.get("name") or not values.get("unit") or start is None:
        return
    for helper in hh.current_helpers():
        if helper.start_date < start:
            helper.end_date = start - timedelta(days=1)
        else:  # entered with the same start day: the new entry replaces it from that day
            helper.end_date = helper.start_date
    hh.helpers.append(
        Helper(
            name=values["name"],
            unit=values["unit"],
            start_date=start,
            sex=values.get("sex"),
            unit_level=values.get("unit_level"),
            phone=values.get("phone"),
            confirmed_on=visit_day,
        )
    )


def _is_item(fld: Field, survey: Survey) -> bool:
    """An income item: a number field inside the income items group."""
    parent = fld.parent
    while parent is not None and parent.path:
        if parent.name == INCOME_GROUP:
            return fld.type in ("integer", "decimal")
        parent = parent.parent
    return False
