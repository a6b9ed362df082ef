"""Starting, reopening and finishing a household visit: the form engine meets the registry.

- ``start_visit``: a new session for a household, prefilled from the registry, with the policy
  table's values as form parameters and the §7 data-quality rules as a finalize check.
- ``open_visit``: a saved visit again, with the exact form version it was filled with (read-only
  once finalized), at the place the draft was left.
- ``visit_record``: the session as a draft ``Visit`` to save.
- ``finalize_visit``: everything finalizing needs — the checked visit, the household as the
  visit found it, the member changes and the assessment — for the store to write in one
  transaction (``store.visits.finalize``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.assessment_result import Assessment
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import Policy, load_policy
from fieldsurvey.core.rules import check_household
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import ERROR, Problem, validate_household
from fieldsurvey.core.visit import DRAFT, FINALIZED, MemberChange, Visit
from fieldsurvey.forms.apply import ApplyResult, apply_answers
from fieldsurvey.forms.engine import VisitContext
from fieldsurvey.forms.issues import Issue
from fieldsurvey.forms.library import HOUSEHOLD_VISIT, FormLibrary
from fieldsurvey.forms.mapping import MEMBER_FIELD_ALIASES, MEMBERS
from fieldsurvey.forms.model import Repeat
from fieldsurvey.forms.paths import format_path
from fieldsurvey.forms.prefill import prefill
from fieldsurvey.forms.session import FormSession

BUSINESS_RATIO_KEYS = ("crops", "livestock", "forestry_fruit", "other")


def policy_parameters(policy: Policy, on: date) -> dict[str, Any]:
    """The form parameters the shipped forms declare, from the policy tables."""
    ratios = policy.cost_ratios.ratios
    params: dict[str, Any] = {
        "counted_income_items": sorted(policy.counted_items()),
        "cost_ratios_enabled": bool(policy.cost_ratios.enabled.value),
        "school_entry_age": policy.school.entry_age.value,
        "school_end_age": policy.school.end_age.value,
        "school_entry_day": policy.school.entry_reference_day(on),
    }
    if policy.dibao_phase_out is not None:
        params["dibao_phase_out_months"] = policy.dibao_phase_out.months.value
        params["dibao_phase_out_months_disabled"] = policy.dibao_phase_out.months_disabled.value
    for key in BUSINESS_RATIO_KEYS:
        ratio = ratios.get(f"business.{key}")
        if ratio is not None:
            params[f"cost_ratio_{key}"] = ratio.value
    return params


def start_visit(
    household: Household,
    *,
    today: date | None = None,
    library: FormLibrary | None = None,
    policy: Policy | None = None,
    context: VisitContext | None = None,
) -> FormSession:
    """``context``: the clock, device, visitor, label language and the household's last
    finalized visit (``${last-saved#x}``) for forms that read them (imported XLSForms)."""
    today = today or date.today()
    library = library or FormLibrary()
    survey = library.survey(HOUSEHOLD_VISIT)
    policy = policy or load_policy()
    return FormSession(
        survey,
        prefill(household, survey, today),
        parameters=policy_parameters(policy, today),
        today=today,
        cross_checks=[household_rules(household, today)],
        context=context,
    )


def open_visit(
    visit: Visit,
    household: Household,
    *,
    library: FormLibrary | None = None,
    policy: Policy | None = None,
    context: VisitContext | None = None,
) -> FormSession:
    """A saved visit with the form version it was filled with, where it was left."""
    library = library or FormLibrary()
    survey = library.survey(visit.form_id, visit.form_version)
    policy = policy or load_policy()
    return FormSession(
        survey,
        visit.answers,
        parameters=policy_parameters(policy, visit.visit_date),
        today=visit.visit_date,
        cursor=visit.cursor,
        read_only=visit.finalized,
        cross_checks=[household_rules(household, visit.visit_date)],
        context=context,
    )


def visit_record(session: FormSession, household_id: str, visit: Visit | None = None) -> Visit:
    """The session's state as a draft ``Visit`` (a new one, or ``visit`` updated); its ``end``
    metadata fields (an imported XLSForm's) take the moment it is saved."""
    if visit is None or visit.status != FINALIZED:
        session.stamp_end()
    answers = session.answers()
    visit_date = session.value("visit_date") if "visit_date" in session.survey.elements else None
    visitor = session.value("visitor") if "visitor" in session.survey.elements else None
    findings = answers.get("findings")
    if visit is None:
        visit = Visit(
            household_id=household_id,
            visit_date=visit_date if isinstance(visit_date, date) else session.today,
            visitor=str(visitor or ""),
            form_id=session.form_id,
            form_version=session.form_version,
        )
    elif visit.status == FINALIZED:
        raise ValueError("a finalized visit is never rewritten; make an amending visit")
    visit.answers = answers
    visit.cursor = session.cursor_state()
    visit.status = DRAFT
    if isinstance(visit_date, date):
        visit.visit_date = visit_date
    if visitor:
        visit.visitor = str(visitor)
    visit.findings = findings
    return visit


@dataclass(frozen=True)
class FinalizedVisit:
    """What finalizing a visit produces; nothing is saved until the store writes it."""

    visit: Visit
    household: Household
    member_changes: list[MemberChange]
    assessment: Assessment
    applied: ApplyResult


def finalize_visit(
    session: FormSession,
    household: Household,
    visit: Visit | None = None,
    *,
    policy: Policy | None = None,
    member_changes: Sequence[MemberChange] = (),
) -> FinalizedVisit:
    """Check the visit, project it onto the household and assess the result.

    Raises ``UserError`` while blocking errors remain (the UI lists them from
    ``session.finalize_check()``). The returned visit is still a draft in memory: the store
    marks it finalized, together with the household and the assessment, in one transaction.
    """
    result = session.finalize_check()
    if not result.ok:
        n = len(result.errors)
        raise UserError(
            Text(
                f"还有{n}处错误需要改正，不能提交",
                f"{n} error(s) must be corrected before finalizing",
            ),
            code="visit_incomplete",
        )
    visit = visit_record(session, household.household_id, visit)
    applied = apply_answers(household, visit.answers, session.survey)
    assessment = assess(
        applied.household,
        on=visit.visit_date,
        policy=policy or load_policy(),
        member_changes=[*member_changes, *applied.member_changes],
    )
    return FinalizedVisit(visit, applied.household, applied.member_changes, assessment, applied)


def household_rules(base: Household, on: date) -> Callable[[FormSession], list[Issue]]:
    """A finalize check: project the answers onto the household and run the record checks
    and the §7 cross-field rules on the result, pointing each problem at its field."""

    def check(session: FormSession) -> list[Issue]:
        projected = apply_answers(base, session.answers(), session.survey).household
        problems = check_household(projected, on)
        problems += [p for p in validate_household(projected) if p.field != "members"]
        already = {(i.path, i.level) for i in session.issues()}
        out: list[Issue] = []
        seen: set[tuple[str, str, str]] = set()
        for p in problems:
            path, section = _problem_place(session, p)
            key = (path, p.level, p.text.en)
            if key in seen or (path, p.level) in already:
                continue
            seen.add(key)
            level = "error" if p.level == ERROR else "warning"
            out.append(Issue(level, "rule", path, p.message(), section))
        return out

    return check


def _problem_place(session: FormSession, problem: Problem) -> tuple[str, str | None]:
    """Where a registry problem shows in the form (path, section): the member's field where it
    is asked now, else the member's entry; the household's field; else the whole form."""
    survey = session.survey
    if problem.member_id is None:
        el = survey.elements.get(problem.field)
        return (problem.field, el.form_id) if el is not None else ("", None)
    repeats = [MEMBERS] + [
        n for n, e in survey.elements.items() if isinstance(e, Repeat) and e.repeat_over == MEMBERS
    ]
    names = [problem.field] + [
        alias for alias, attr in MEMBER_FIELD_ALIASES.items() if attr == problem.field
    ]
    shown_elsewhere: tuple[str, str | None] | None = None
    for rep in repeats:
        if problem.member_id not in session.instances(rep):
            continue
        for name in names:
            el = survey.elements.get(name)
            if el is None or [r.name for r in survey.chains[name]] != [rep]:
                continue
            path = format_path(((rep, problem.member_id),), name)
            if session.is_relevant(path):
                return path, el.form_id
            shown_elsewhere = shown_elsewhere or (path, el.form_id)
    if shown_elsewhere is not None:
        return shown_elsewhere
    if problem.member_id in session.instances(MEMBERS):
        return format_path(((MEMBERS, problem.member_id),), None), survey.elements[MEMBERS].form_id
    return "", None
