"""``FormSession``: the UI-neutral form engine the desktop app draws and the tests drive.

A session holds one visit's answers against one compiled survey. The UI asks it for the visible
rows of a section, hands it what the user typed (``set_value``), adds and removes repeat
instances, and saves ``answers()`` with ``cursor_state()`` so a draft reopens where it was left.
Every change recomputes relevance and calculations and returns which paths changed, so a view
redraws only those. ``finalize_check()`` gives the blocking errors and the warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.forms.compile import Survey
from fieldsurvey.forms.engine import ID_KEY, Engine, Key, VisitContext, new_instance_id
from fieldsurvey.forms.expr.values import Nodeset, Value
from fieldsurvey.forms.issues import (
    Issue,
    all_issues,
    allowed_choices,
    check_issues,
    field_issues,
    is_read_only,
    is_required,
)
from fieldsurvey.forms.model import Choice, Container, Element, Field, Repeat
from fieldsurvey.forms.paths import Ctx, Path, bad_path, format_path, split_path
from fieldsurvey.forms.rows import Row, section_rows
from fieldsurvey.forms.values import coerce, display, to_json

CrossCheck = Callable[["FormSession"], list[Issue]]
_BOUND_ADD = Text(
    "此组的条目由成员决定，不能手动添加", "entries here follow the members and cannot be added"
)
_BOUND_REMOVE = Text(
    "此组的条目由成员决定，不能手动删除", "entries here follow the members and cannot be removed"
)
_FIXED_ADD = Text(
    "此组的条目数由表单计算，不能手动添加", "the form sets the number of entries here"
)
_FIXED_REMOVE = Text(
    "此组的条目数由表单计算，不能手动删除", "the form sets the number of entries here"
)


@dataclass(frozen=True, slots=True)
class Changes:
    """What a change touched, for the UI to redraw."""

    values: frozenset[str] = frozenset()
    visibility: frozenset[str] = frozenset()
    structure: bool = False  # instances were added or removed


@dataclass(frozen=True, slots=True)
class FinalizeResult:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class Cursor:
    section: str
    path: str | None = None


class FormSession:
    def __init__(
        self,
        survey: Survey,
        answers: dict[str, Any] | None = None,
        *,
        parameters: dict[str, Any] | None = None,
        today: date | None = None,
        cursor: dict[str, Any] | None = None,
        read_only: bool = False,
        cross_checks: Iterable[CrossCheck] = (),
        context: VisitContext | None = None,
    ) -> None:
        self.survey = survey
        self.read_only = read_only
        self.today = today or date.today()
        self.parameters = _parameters(survey, parameters or {})
        self.cross_checks = list(cross_checks)
        self.engine = Engine(
            survey, self.parameters, self.today, apply_defaults=not read_only, context=context
        )
        self.unknown_answers = self.engine.load(answers or {})
        self.engine.recompute()
        self.cursor = Cursor(survey.sections[0].id)
        if cursor:
            self.restore_cursor(cursor)

    # --- reading -------------------------------------------------------------------------------
    @property
    def form_id(self) -> str:
        return self.survey.id

    @property
    def form_version(self) -> str:
        return self.survey.version

    def languages(self) -> list[tuple[str, str]]:
        """The label languages of the visit's forms as (code, name): Chinese and English
        first, then the further ones its imported forms bring, in the order they came."""
        out = [("zh", "中文"), ("en", "English")]
        for form in self.survey.sections:
            out += [(code, name) for code, name in form.languages.items() if code not in dict(out)]
        return out

    @property
    def language(self) -> str:
        return self.engine.context.language

    def set_language(self, code: str) -> None:
        """Show labels in ``code``; ``jr:choice-name()`` follows it, as in ODK Collect."""
        if code != self.engine.context.language:
            self.engine.context = replace(self.engine.context, language=code)
            self.engine.recompute()

    def sections(self) -> list[tuple[str, Text]]:
        return [(s.id, s.title) for s in self.survey.sections]

    def element(self, name: str) -> Element:
        el = self.survey.elements.get(name)
        if el is None:
            raise bad_path(name)
        return el

    def resolve_path(self, path: str) -> Path:
        """Turn a path text into instance ids; positions like ``members[2]`` are 1-based."""
        steps = split_path(path)
        ctx: list[tuple[str, str]] = []
        name: str | None = None
        for i, (step, key) in enumerate(steps):
            el = self.survey.elements.get(step)
            last = i == len(steps) - 1
            if el is None:
                raise bad_path(path)
            if key is not None:
                if not isinstance(el, Repeat):
                    raise bad_path(path)
                keys = self.engine.instances.get((tuple(ctx), step), [])
                if key.isdigit():
                    pos = int(key)
                    if not 1 <= pos <= len(keys):
                        raise bad_path(path)
                    key = keys[pos - 1]
                elif key not in keys:
                    raise bad_path(path)
                ctx.append((step, key))
            elif not last:
                raise bad_path(path)
            else:
                name = step
        if name is not None and [r.name for r in self.survey.chains[name]] != [r for r, _ in ctx]:
            raise bad_path(path)
        return Path(tuple(ctx), name)

    def value(self, path: str) -> Value:
        p = self.resolve_path(path)
        if p.name is None:
            raise bad_path(path)
        return self.engine.values.get((p.ctx, p.name))

    def display_value(self, path: str, lang: str = "zh") -> str:
        p = self.resolve_path(path)
        el = self.element(p.name or "")
        value = self.engine.values.get((p.ctx, p.name or ""))
        return display(el, value, lang) if isinstance(el, Field) else ""

    def is_relevant(self, path: str) -> bool:
        p = self.resolve_path(path)
        if p.name is None:
            rep, _ = p.ctx[-1]
            return self.engine.relevant.get((p.ctx[:-1], rep), False)
        return self.engine.relevant.get((p.ctx, p.name), False)

    def is_required(self, path: str) -> bool:
        p = self.resolve_path(path)
        el = self.element(p.name or "")
        return (
            isinstance(el, Field) and self.is_relevant(path) and is_required(self.engine, el, p.ctx)
        )

    def instances(self, repeat: str, within: str = "") -> list[str]:
        """Instance ids of a repeat (inside the instance path ``within`` for nested repeats)."""
        ctx = self.resolve_path(within).ctx if within else ()
        self.element(repeat)
        return list(self.engine.instances.get((ctx, repeat), []))

    def choices(self, path: str) -> list[Choice]:
        """The choices offered at a select field now (its choice_filter applied)."""
        p = self.resolve_path(path)
        el = self.element(p.name or "")
        return allowed_choices(self.engine, el, p.ctx) if isinstance(el, Field) else []

    def rows(self, section: str) -> list[Row]:
        """The visible rows of a section in order: groups, repeats, instances and fields."""
        return section_rows(self, self.survey.section(section))

    def label(self, el: Element, ctx: Ctx, which: str = "label") -> Text:
        template = el.label
        if which == "instance" and isinstance(el, Repeat):
            template = el.instance_label
            source = self.survey.elements.get(el.repeat_over or "")
            if template is None and isinstance(source, Repeat):
                template = source.instance_label  # per-member entries are named after the member
        if template is None:
            return Text(el.name, el.name) if which == "label" else Text("", "")
        text = template.text
        for name in template.refs:
            target = self.survey.elements[name]
            value = self.engine.resolve(name, ctx)
            if isinstance(target, Field) and not isinstance(value, Nodeset):
                ref = f"${{{name}}}"
                text = Text(
                    text.zh.replace(ref, display(target, value, "zh")),
                    text.en.replace(ref, display(target, value, "en")),
                    tuple((c, t.replace(ref, display(target, value, c))) for c, t in text.more),
                )
        return text

    def more_languages(self, el: Element) -> tuple[str, ...]:
        """The further label languages of the form an element belongs to."""
        form = next((f for f in self.survey.sections if f.id == el.form_id), None)
        return tuple(form.languages) if form is not None else ()

    # --- changing ------------------------------------------------------------------------------
    def set_value(self, path: str, raw: Any) -> Changes:
        """Store what the user entered; raises ``UserError`` when it does not fit the field."""
        self._writable()
        p = self.resolve_path(path)
        el = self.survey.elements.get(p.name or "")
        if not isinstance(el, Field) or not el.is_input:
            raise UserError(Text("此项不能填写", "this item cannot be filled in"), code="not_input")
        if not self.engine.relevant.get((p.ctx, el.name), False):
            raise UserError(
                Text("此项当前不适用", "this item does not apply now"), code="not_relevant"
            )
        if is_read_only(self.engine, el, p.ctx):
            raise UserError(Text("此项只读", "this item is read-only"), code="read_only")
        value = coerce(el, raw)
        before = self._snapshot()
        inst = self.engine.raw_instance(p.ctx, create=True)
        assert inst is not None
        inst[el.name] = value
        self.engine.recompute()
        return self._changes(before)

    def add_instance(self, repeat: str, within: str = "") -> str:
        """Add an instance to a free repeat; returns its id."""
        self._writable()
        el = self.element(repeat)
        if not isinstance(el, Repeat) or el.fixed:
            raise UserError(
                _FIXED_ADD if isinstance(el, Repeat) and el.count else _BOUND_ADD,
                code="bound_repeat",
            )
        ctx = self.resolve_path(within).ctx if within else ()
        items = self.engine.raw_list(ctx, repeat)
        if el.max_count is not None and len(items) >= el.max_count:
            raise UserError(
                Text(f"最多 {el.max_count} 条", f"at most {el.max_count} entries"), code="max_count"
            )
        key = new_instance_id()
        items.append({ID_KEY: key})
        self.engine.recompute()
        self.cursor = Cursor(el.form_id, format_path((*ctx, (repeat, key)), None))
        return key

    def remove_instance(self, path: str) -> Changes:
        """Remove one instance and, for a repeat others are bound to (members), every answer
        those repeats held for it: no per-member answer outlives its member."""
        self._writable()
        p = self.resolve_path(path)
        if p.name is not None or not p.ctx:
            raise bad_path(path)
        rep, key = p.ctx[-1]
        el = self.element(rep)
        if isinstance(el, Repeat) and el.fixed:
            raise UserError(_FIXED_REMOVE if el.count else _BOUND_REMOVE, code="bound_repeat")
        before = self._snapshot()
        items = self.engine.raw_list(p.ctx[:-1], rep)
        items[:] = [i for i in items if i.get(ID_KEY) != key]
        for other in self.survey.elements.values():
            if isinstance(other, Repeat) and other.repeat_over == rep:
                bound = self.engine.raw_list((), other.name)
                bound[:] = [i for i in bound if i.get(ID_KEY) != key]
        self.engine.recompute()
        self.restore_cursor(self.cursor_state())  # the cursor may have pointed into it
        return self._changes(before, structure=True)

    def _writable(self) -> None:
        if self.read_only:
            raise UserError(
                Text("已提交的走访记录不能修改", "a finalized visit cannot be changed"),
                code="read_only",
            )

    def _snapshot(self) -> tuple[dict[Key, Value], dict[Key, bool]]:
        return dict(self.engine.values), dict(self.engine.relevant)

    def _changes(
        self, before: tuple[dict[Key, Value], dict[Key, bool]], structure: bool = False
    ) -> Changes:
        old_values, old_rel = before
        values = {
            format_path(c, n)
            for (c, n), v in self.engine.values.items()
            if old_values.get((c, n), object()) != v
        }
        values |= {format_path(c, n) for (c, n) in old_values.keys() - self.engine.values.keys()}
        vis = {
            format_path(c, n)
            for (c, n), r in self.engine.relevant.items()
            if old_rel.get((c, n)) != r
        }
        vis |= {format_path(c, n) for (c, n) in old_rel.keys() - self.engine.relevant.keys()}
        return Changes(
            frozenset(values),
            frozenset(vis),
            structure or old_rel.keys() != self.engine.relevant.keys(),
        )

    # --- saving --------------------------------------------------------------------------------
    def stamp_end(self, when: datetime | None = None) -> None:
        """The visit is being saved: its ``end`` metadata fields take this moment."""
        if not self.read_only and self.engine.stamp_end(when or datetime.now().astimezone()):
            self.engine.recompute()

    def answers(self) -> dict[str, Any]:
        """The answers to save: relevant values only, JSON-ready, repeats as lists with ids."""
        out: dict[str, Any] = {}
        for form in self.survey.sections:
            out.update(self._collect(form.root, ()))
        return out

    def _collect(self, container: Container, ctx: Ctx) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for el in container.children:
            if not self.engine.relevant.get((ctx, el.name), False):
                continue
            if isinstance(el, Repeat):
                out[el.name] = [
                    {ID_KEY: key, **self._collect(el, (*ctx, (el.name, key)))}
                    for key in self.engine.instances.get((ctx, el.name), [])
                ]
            elif isinstance(el, Container):
                out.update(self._collect(el, ctx))
            elif isinstance(el, Field) and el.stores_value:
                value = self.engine.values.get((ctx, el.name))
                if value is not None:
                    out[el.name] = to_json(value)
        return out

    # --- checking ------------------------------------------------------------------------------
    def issues(self, path: str | None = None) -> list[Issue]:
        """Current errors and warnings of the fields (or of one field)."""
        if path is None:
            return all_issues(self.engine)
        p = self.resolve_path(path)
        el = self.element(p.name or "")
        return field_issues(self.engine, el, p.ctx) if isinstance(el, Field) else []

    def finalize_check(self) -> FinalizeResult:
        """Everything that must be fixed before the visit is finalized, and what to review."""
        found = all_issues(self.engine) + check_issues(self.engine)
        for check in self.cross_checks:
            found.extend(check(self))
        return FinalizeResult(
            [i for i in found if i.is_error], [i for i in found if not i.is_error]
        )

    # --- cursor --------------------------------------------------------------------------------
    def move_to(self, path: str) -> None:
        p = self.resolve_path(path)
        el = self.element(p.name or p.ctx[-1][0])
        self.cursor = Cursor(el.form_id, path)

    def move_to_section(self, section: str) -> None:
        self.survey.section(section)
        self.cursor = Cursor(section)

    def cursor_state(self) -> dict[str, Any]:
        return {"section": self.cursor.section, "path": self.cursor.path}

    def restore_cursor(self, state: dict[str, Any]) -> None:
        """Reopen where the draft was left; a place that no longer exists falls back to its
        instance, then to the start of its section."""
        section = state.get("section")
        if section not in {s.id for s in self.survey.sections}:
            return
        self.cursor = Cursor(section)
        path = state.get("path")
        candidates = [path] if path else []
        if path and "]" in path:
            candidates.append(path[: path.rindex("]") + 1])
        for candidate in candidates:
            try:
                if self.is_relevant(candidate):
                    self.cursor = Cursor(section, candidate)
                    return
            except UserError:
                continue


def _parameters(survey: Survey, given: dict[str, Any]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for name, param in survey.parameters.items():
        value = given.get(name, param.default)
        if param.type == "list" and value is not None:
            value = sorted(str(v) for v in value)
        out[name] = value
    return out
