"""The visible rows of a section, in order, as a view draws them.

A row is a group heading, a repeat (with whether entries can be added), one repeat instance
(with its label and whether it can be removed) or a field (label, hint, value, whether required
or read-only, its current issues). Hidden places produce no row. The desktop form view and the
tests read the same list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr.values import Value
from fieldsurvey.forms.issues import Issue, field_issues, is_read_only, is_required
from fieldsurvey.forms.model import METADATA_TYPES, Container, Element, Field, FormDef, Repeat
from fieldsurvey.forms.paths import Ctx, format_path
from fieldsurvey.forms.values import display

if TYPE_CHECKING:
    from fieldsurvey.forms.session import FormSession

GROUP_ROW = "group"
REPEAT_ROW = "repeat"
INSTANCE_ROW = "instance"
FIELD_ROW = "field"


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    path: str
    element: Element
    depth: int
    label: Text
    hint: Text | None = None
    value: Value = None
    display: Text = Text("", "")
    required: bool = False
    read_only: bool = False
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    can_add: bool = False
    can_remove: bool = False


def section_rows(session: FormSession, form: FormDef) -> list[Row]:
    rows: list[Row] = []
    _walk(session, form.root, (), 0, rows)
    return rows


def _walk(
    session: FormSession, container: Container, ctx: Ctx, depth: int, rows: list[Row]
) -> None:
    engine = session.engine
    for el in container.children:
        if not engine.relevant.get((ctx, el.name), False):
            continue
        if isinstance(el, Repeat):
            keys = engine.instances.get((ctx, el.name), [])
            free = not el.fixed and not session.read_only
            can_add = free and (el.max_count is None or len(keys) < el.max_count)
            rows.append(
                Row(
                    REPEAT_ROW,
                    format_path(ctx, el.name),
                    el,
                    depth,
                    session.label(el, ctx),
                    el.hint,
                    can_add=can_add,
                )
            )
            for key in keys:
                inner = (*ctx, (el.name, key))
                title = session.label(el, inner, "instance")
                if not title.zh:
                    n = keys.index(key) + 1
                    title = Text(f"第{n}条", f"entry {n}")
                rows.append(
                    Row(
                        INSTANCE_ROW,
                        format_path(inner, None),
                        el,
                        depth + 1,
                        title,
                        can_remove=free,
                    )
                )
                _walk(session, el, inner, depth + 2, rows)
        elif isinstance(el, Container):
            rows.append(
                Row(
                    GROUP_ROW, format_path(ctx, el.name), el, depth, session.label(el, ctx), el.hint
                )
            )
            _walk(session, el, ctx, depth + 1, rows)
        elif isinstance(el, Field) and _shown(el):
            value = engine.values.get((ctx, el.name))
            rows.append(
                Row(
                    FIELD_ROW,
                    format_path(ctx, el.name),
                    el,
                    depth,
                    session.label(el, ctx),
                    el.hint,
                    value,
                    Text(
                        display(el, value, "zh"),
                        display(el, value, "en"),
                        tuple((c, display(el, value, c)) for c in session.more_languages(el)),
                    ),
                    required=is_required(engine, el, ctx),
                    read_only=session.read_only or not el.is_input or is_read_only(engine, el, ctx),
                    issues=tuple(field_issues(engine, el, ctx)),
                )
            )


def _shown(el: Field) -> bool:
    """Hidden fields never show; calculations show only when the form gives them a label."""
    if el.type == "hidden" or el.type in METADATA_TYPES:
        return False
    return not (el.type == "calculate" and el.label is None)
