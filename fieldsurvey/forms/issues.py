"""What is wrong with the answers right now: required, constraints, choices, ID numbers, checks.

Only relevant places are checked: a hidden field is never required and never wrong. Errors
block finalizing; warnings are shown and may stand. Texts are bilingual and never quote an
answer, because issue lists end up in logs and sync replies.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldsurvey.core.ids import IdNumberError, parse_disability_cert, parse_id_number
from fieldsurvey.core.text import Text
from fieldsurvey.forms.diagnostics import ERROR, WARNING
from fieldsurvey.forms.engine import Engine
from fieldsurvey.forms.expr.evaluator import condition, scalar
from fieldsurvey.forms.expr.values import Value, is_empty, to_string, truthy
from fieldsurvey.forms.model import Choice, Container, Expr, Field, Repeat
from fieldsurvey.forms.paths import Ctx, format_path

ID_DOCUMENT_TYPES = frozenset({"resident_id", "disability_cert", "household_register"})
REQUIRED = Text("此项必填", "this is required")
CONSTRAINT = Text("填写的值不符合要求", "the value does not meet the rule")


@dataclass(frozen=True, slots=True)
class Issue:
    level: str  # "error" or "warning"
    code: str  # required, constraint, warning, choice, id_number, check, rule …
    path: str  # where it is shown: a field path, or "" for the whole form
    text: Text
    section: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def field_issues(engine: Engine, fld: Field, ctx: Ctx) -> list[Issue]:
    """Issues of one field at one place (empty when the place is hidden)."""
    if not engine.relevant.get((ctx, fld.name), False) or not fld.is_input:
        return []
    value = engine.values.get((ctx, fld.name))
    path = format_path(ctx, fld.name)
    section = fld.form_id
    out: list[Issue] = []
    if is_empty(value):
        if is_required(engine, fld, ctx):
            out.append(Issue(ERROR, "required", path, fld.required_message or REQUIRED, section))
        return out
    if fld.type == "photo" and isinstance(value, list):
        n = len(value)
        if fld.min_count and n < fld.min_count:
            out.append(
                Issue(
                    ERROR,
                    "min_count",
                    path,
                    Text(
                        f"至少需要 {fld.min_count} 张照片（现有 {n} 张）",
                        f"at least {fld.min_count} photos are needed ({n} now)",
                    ),
                    section,
                )
            )
        if fld.max_count is not None and n > fld.max_count:
            out.append(
                Issue(
                    ERROR,
                    "max_count",
                    path,
                    Text(
                        f"最多 {fld.max_count} 张照片（现有 {n} 张）",
                        f"at most {fld.max_count} photos ({n} now)",
                    ),
                    section,
                )
            )
    choice_problem = _choice_problem(engine, fld, ctx, value)
    if choice_problem is not None:
        out.append(Issue(ERROR, "choice", path, choice_problem, section))
    id_problem = _id_problem(engine, fld, ctx, value)
    if id_problem is not None:
        out.append(Issue(ERROR, "id_number", path, id_problem, section))
    if fld.constraint is not None and not condition(fld.constraint.node, engine.env(ctx, fld)):
        out.append(Issue(ERROR, "constraint", path, fld.constraint_message or CONSTRAINT, section))
    if fld.warning is not None and not condition(fld.warning.node, engine.env(ctx, fld)):
        out.append(
            Issue(
                WARNING,
                "warning",
                path,
                fld.warning_message or Text("请核实", "please verify"),
                section,
            )
        )
    return out


def is_read_only(engine: Engine, fld: Field, ctx: Ctx) -> bool:
    """Read-only: always, or while its expression holds (XLSForm's read_only column)."""
    if isinstance(fld.read_only, Expr):
        return condition(fld.read_only.node, engine.env(ctx, fld))
    return bool(fld.read_only)


def is_required(engine: Engine, fld: Field, ctx: Ctx) -> bool:
    if isinstance(fld.required, Expr):
        return condition(fld.required.node, engine.env(ctx, fld))
    return bool(fld.required)


def _choice_problem(engine: Engine, fld: Field, ctx: Ctx, value: Value) -> Text | None:
    if fld.choices is None:
        return None
    names = value if isinstance(value, list) else [to_string(value)]
    allowed = {c.name for c in allowed_choices(engine, fld, ctx)}
    if any(n not in allowed for n in names):
        return Text("所选项不在当前可选范围内", "a selected choice is not available here")
    return None


def allowed_choices(engine: Engine, fld: Field, ctx: Ctx) -> list[Choice]:
    if fld.choices is None:
        return []
    if fld.choice_filter is None:
        return list(fld.choices.choices)
    return [
        c
        for c in fld.choices.choices
        if truthy(scalar(fld.choice_filter.node, engine.env(ctx, fld, c)))
    ]


def _id_problem(engine: Engine, fld: Field, ctx: Ctx, value: Value) -> Text | None:
    if fld.type not in ("id_number", "disability_cert"):
        return None
    if fld.id_type is not None:
        doc = scalar(fld.id_type.node, engine.env(ctx, fld))
        if not is_empty(doc) and to_string(doc) not in ID_DOCUMENT_TYPES:
            return None
    try:
        if fld.type == "id_number":
            parse_id_number(to_string(value))
        else:
            parse_disability_cert(to_string(value))
    except IdNumberError as e:
        return e.text
    return None


def all_issues(engine: Engine) -> list[Issue]:
    """Issues of every field, in the order the form shows them (member by member)."""
    out: list[Issue] = []
    for form in engine.survey.sections:
        _walk(engine, form.root, (), out)
    return out


def _walk(engine: Engine, container: Container, ctx: Ctx, out: list[Issue]) -> None:
    for el in container.children:
        if not engine.relevant.get((ctx, el.name), False):
            continue
        if isinstance(el, Repeat):
            keys = engine.instances.get((ctx, el.name), [])
            if el.min_count and len(keys) < el.min_count:
                text = Text(
                    f"至少应有{el.min_count}条", f"at least {el.min_count} entries are needed"
                )
                out.append(Issue(ERROR, "min_count", format_path(ctx, el.name), text, el.form_id))
            for key in keys:
                _walk(engine, el, (*ctx, (el.name, key)), out)
        elif isinstance(el, Container):
            _walk(engine, el, ctx, out)
        elif isinstance(el, Field) and el.is_input:
            out.extend(field_issues(engine, el, ctx))


def check_issues(engine: Engine) -> list[Issue]:
    """Form-level checks (``checks:`` in a form file)."""
    out: list[Issue] = []
    root = engine.survey.sections[0].root
    for form, check in engine.survey.checks:
        if condition(check.expr.node, engine.env((), root)):
            continue
        target = check.field or ""
        out.append(Issue(check.level, f"check:{check.id}", target, check.message, form.id))
    return out
