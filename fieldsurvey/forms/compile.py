"""Putting the forms of a visit together into one runnable ``Survey`` and checking it whole.

The sections of a visit share one namespace (income reads the member count of the household
form; education repeats over its members), so names must be unique across them, references are
resolved across them, and the calculation order is one topological order over all of them.
Everything found wrong is a ``Diagnostic`` pointing at the form file, line, field and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.core.text import Text
from fieldsurvey.forms.diagnostics import Diagnostic, error, warning
from fieldsurvey.forms.expr import ast
from fieldsurvey.forms.expr.check import (
    FIELD_KIND,
    GROUP_KIND,
    REPEAT_KIND,
    RefInfo,
    check_expression,
)
from fieldsurvey.forms.expr.functions import GROUP
from fieldsurvey.forms.model import (
    SELECT_TYPES,
    Check,
    Container,
    Element,
    Expr,
    Field,
    FormDef,
    Parameter,
    Repeat,
)
from fieldsurvey.forms.values import default_problem

VALUE_ATTRS = ("relevant", "calculation", "dynamic_default")


@dataclass(eq=False)
class Survey:
    """What a session runs: one form, or the forms of a visit in order, compiled together."""

    id: str
    version: str
    title: Text
    kind: str  # "visit" or "form"
    sections: list[FormDef]
    elements: dict[str, Element] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    checks: list[tuple[FormDef, Check]] = field(default_factory=list)
    order: list[Element] = field(default_factory=list)
    chains: dict[str, tuple[Repeat, ...]] = field(default_factory=dict)  # enclosing repeats
    _fields_in: dict[str | None, list[Field]] = field(default_factory=dict, init=False, repr=False)

    def section(self, form_id: str) -> FormDef:
        return next(s for s in self.sections if s.id == form_id)

    def repeat_chain(self, name: str) -> tuple[Repeat, ...]:
        return self.chains[name]

    def fields(self) -> list[Field]:
        return [e for e in self.elements.values() if isinstance(e, Field)]

    def fields_in(self, repeat: str | None) -> list[Field]:
        """Fields directly inside ``repeat`` (``None``: outside every repeat), in form order.

        Prefilling and applying a visit ask this for every household; scanning the survey each
        time was a third of the demo county's history generation. Kept once asked: a compiled
        survey does not change.
        """
        if repeat not in self._fields_in:
            want = [] if repeat is None else [repeat]
            self._fields_in[repeat] = [
                f for f in self.fields() if [r.name for r in self.chains[f.name]] == want
            ]
        return self._fields_in[repeat]


class _Scope:
    def __init__(
        self, survey: Survey, context: tuple[Repeat, ...], current: bool, choice_attrs: bool
    ) -> None:
        self.survey = survey
        inside = {r.name for r in context}
        inside |= {r.repeat_over for r in context if r.repeat_over}
        self.inside = inside
        self.allows_current = current
        self.allows_choice_attrs = choice_attrs

    def lookup(self, name: str) -> RefInfo | None:
        el = self.survey.elements.get(name)
        if el is None:
            return None
        many = any(r.name not in self.inside for r in self.survey.chains[name])
        in_repeat = bool(self.survey.chains[name])
        if isinstance(el, Repeat):
            return RefInfo(REPEAT_KIND, True, in_repeat=in_repeat)
        if isinstance(el, Container):
            return RefInfo(GROUP_KIND, many, in_repeat=in_repeat)
        return RefInfo(FIELD_KIND, many, el.type in SELECT_TYPES, in_repeat)

    def has_param(self, name: str) -> bool:
        return name in self.survey.parameters

    def encloses(self, repeat: str, name: str) -> bool:
        return repeat in {r.name for r in self.survey.chains.get(name, ())}

    def table_columns(self, name: str) -> tuple[str, ...] | None:
        for form in self.survey.sections:
            if name in form.tables:
                return form.tables[name].columns
        return None


def _place(el: Element, form: FormDef, attribute: str | None = None) -> dict[str, Any]:
    return {
        "file": form.source,
        "line": el.line,
        "field": el.path_text or None,
        "attribute": attribute,
    }


class _Compiler:
    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.diagnostics: list[Diagnostic] = []
        self.owner: dict[str, FormDef] = {}

    def index(self) -> None:
        for form in self.survey.sections:
            self._index(form.root, form, ())
            for name, param in form.parameters.items():
                known = self.survey.parameters.get(name)
                if known is not None and known.type != param.type:
                    self.diagnostics.append(
                        error(
                            "parameter_conflict",
                            Text(
                                f"参数 '{name}' 在各表中类型不一致",
                                f"parameter '{name}' has different types in different forms",
                            ),
                            file=form.source,
                        )
                    )
                self.survey.parameters.setdefault(name, param)
            self.survey.checks.extend((form, c) for c in form.checks)

    def _index(self, container: Container, form: FormDef, chain: tuple[Repeat, ...]) -> None:
        for el in container.children:
            if el.name in self.survey.elements:
                other = self.owner[el.name]
                first = self.survey.elements[el.name]
                self.diagnostics.append(
                    error(
                        "duplicate_name",
                        Text(
                            f"名称 '{el.name}' 已在 {other.source} 第{first.line}行使用",
                            f"name '{el.name}' is already used in {other.source} line {first.line}",
                        ),
                        **_place(el, form, "name"),
                    )
                )
                continue
            self.survey.elements[el.name] = el
            self.owner[el.name] = form
            self.survey.chains[el.name] = chain
            if isinstance(el, Container):
                self._index(el, form, (*chain, el) if isinstance(el, Repeat) else chain)

    # --- expressions ---------------------------------------------------------------------------
    def check_expr(
        self,
        expr: Expr | None,
        el: Element,
        form: FormDef,
        attribute: str,
        context: tuple[Repeat, ...],
        *,
        current: bool = False,
        choice_attrs: bool = False,
        offset: int = 0,
    ) -> None:
        if expr is None:
            return
        scope = _Scope(self.survey, context, current, choice_attrs)
        for p in check_expression(expr.node, scope):
            self.diagnostics.append(
                error("expression", p.text, **_place(el, form, attribute), col=p.col + offset)
            )

    def check_template(
        self, template: Any, el: Element, form: FormDef, attribute: str, context: tuple[Repeat, ...]
    ) -> None:
        if template is None:
            return
        scope = _Scope(self.survey, context, False, False)
        for name in sorted(template.refs):
            info = scope.lookup(name)
            if info is None:
                self.diagnostics.append(
                    error(
                        "unknown_reference",
                        Text(f"未知引用 ${{{name}}}", f"unknown reference ${{{name}}}"),
                        **_place(el, form, attribute),
                    )
                )
            elif info.kind != FIELD_KIND or info.many:
                self.diagnostics.append(
                    error(
                        "bad_reference",
                        Text(
                            f"${{{name}}} 在此处不是单个值",
                            f"${{{name}}} is not a single value here",
                        ),
                        **_place(el, form, attribute),
                    )
                )

    def check_elements(self) -> None:
        for name, el in self.survey.elements.items():
            form = self.owner[name]
            chain = self.survey.chains[name]
            inner = (*chain, el) if isinstance(el, Repeat) else chain
            self.check_expr(el.relevant, el, form, "relevant", chain)
            self.check_template(
                el.label, el, form, "label", inner if isinstance(el, Repeat) else chain
            )
            if isinstance(el, Repeat):
                self.check_repeat(el, form, chain)
            elif isinstance(el, Field):
                self.check_field(el, form, chain)

    def check_repeat(self, rep: Repeat, form: FormDef, chain: tuple[Repeat, ...]) -> None:
        self.check_template(rep.instance_label, rep, form, "instance_label", (*chain, rep))
        self.check_expr(rep.count, rep, form, "count", chain)
        if rep.repeat_over is None:
            return
        source = self.survey.elements.get(rep.repeat_over)
        if not isinstance(source, Repeat) or source.bound:
            self.diagnostics.append(
                error(
                    "bad_repeat_over",
                    Text(
                        f"repeat_over 应指向一个普通重复组,'{rep.repeat_over}' 不是",
                        f"repeat_over must name a free repeat; '{rep.repeat_over}' is not one",
                    ),
                    **_place(rep, form, "repeat_over"),
                )
            )
            return
        if chain or self.survey.chains[source.name]:
            self.diagnostics.append(
                error(
                    "bad_repeat_over",
                    Text(
                        "绑定的重复组及其来源都应在最外层",
                        "a bound repeat and its source must both be at the top level",
                    ),
                    **_place(rep, form, "repeat_over"),
                )
            )
            return
        self.check_expr(rep.where, rep, form, "repeat_over", (source,))

    def check_field(self, fld: Field, form: FormDef, chain: tuple[Repeat, ...]) -> None:
        if isinstance(fld.required, Expr):
            self.check_expr(fld.required, fld, form, "required", chain)
        self.check_expr(fld.constraint, fld, form, "constraint", chain, current=True)
        self.check_expr(fld.warning, fld, form, "warning", chain, current=True)
        self.check_expr(fld.calculation, fld, form, "calculation", chain)
        self.check_expr(fld.dynamic_default, fld, form, "dynamic_default", chain)
        self.check_expr(fld.id_type, fld, form, "id_type", chain)
        if isinstance(fld.read_only, Expr):
            self.check_expr(fld.read_only, fld, form, "read_only", chain)
        for name in fld.trigger:
            target = self.survey.elements.get(name)
            if not isinstance(target, Field):
                self.diagnostics.append(
                    error(
                        "unknown_reference",
                        Text(f"trigger 指向未知字段 {name}", f"trigger names unknown field {name}"),
                        **_place(fld, form, "trigger"),
                    )
                )
        self.check_expr(fld.choice_filter, fld, form, "choice_filter", chain, choice_attrs=True)
        if fld.choice_filter is not None and fld.choices is not None:
            columns = {"name", "label"} | {k for c in fld.choices.choices for k in c.extra}
            for node in ast.walk(fld.choice_filter.node):
                if isinstance(node, ast.ChoiceAttr) and node.name not in columns:
                    self.diagnostics.append(
                        error(
                            "unknown_choice_column",
                            Text(
                                f"选项表没有列 '{node.name}'",
                                f"the choice list has no column '{node.name}'",
                            ),
                            **_place(fld, form, "choice_filter"),
                            col=node.col,
                        )
                    )
        if fld.default is not None:
            problem = default_problem(fld, fld.default)
            if problem is not None:
                self.diagnostics.append(
                    error("bad_default", problem, **_place(fld, form, "default"))
                )
        if fld.type == "calculate" and (fld.constraint or fld.required is not False):
            self.diagnostics.append(
                warning(
                    "calculate_rules",
                    Text(
                        "calculate 字段的 required/constraint 不会被检查",
                        "required/constraint on a calculate field are not checked",
                    ),
                    **_place(fld, form),
                )
            )

    def check_checks(self) -> None:
        for form, check in self.survey.checks:
            place = {
                "file": form.source,
                "line": check.line,
                "field": f"check {check.id}",
                "attribute": "assert",
            }
            scope = _Scope(self.survey, (), False, False)
            for p in check_expression(check.expr.node, scope):
                self.diagnostics.append(error("expression", p.text, col=p.col, **place))
            if check.field is not None and check.field not in self.survey.elements:
                self.diagnostics.append(
                    error(
                        "unknown_reference",
                        Text(
                            f"检查指向的字段 '{check.field}' 不存在",
                            f"the check points at unknown field '{check.field}'",
                        ),
                        **{**place, "attribute": "field"},
                    )
                )

    # --- order ---------------------------------------------------------------------------------
    def dependencies(self, el: Element) -> set[str]:
        deps: set[str] = set()
        if el.parent is not None and el.parent.path:
            deps.add(el.parent.name)
        exprs: list[Expr | None] = [el.relevant]
        if isinstance(el, Field):
            exprs += [el.calculation, el.dynamic_default]
        if isinstance(el, Repeat) and el.repeat_over:
            deps.add(el.repeat_over)
            exprs.append(el.where)
        if isinstance(el, Repeat):
            exprs.append(el.count)
        if isinstance(el, Field):
            deps |= set(el.trigger)
        for expr in exprs:
            if expr is None:
                continue
            for node in ast.walk(expr.node):
                if isinstance(node, ast.Call):
                    for i, arg in enumerate(node.args):
                        if isinstance(arg, ast.Ref) and _arg_kind(node, i) == GROUP:
                            target = self.survey.elements.get(arg.name)
                            if isinstance(target, Container):
                                deps |= {d.name for d in target.walk()}
            deps |= expr.refs
        return {d for d in deps if d in self.survey.elements}

    def order(self) -> None:
        names = list(self.survey.elements)
        deps = {n: self.dependencies(self.survey.elements[n]) for n in names}
        state: dict[str, int] = {}
        order: list[str] = []
        reported: set[frozenset[str]] = set()
        for start in names:
            if state.get(start):
                continue
            stack: list[tuple[str, list[str]]] = [(start, sorted(deps[start], key=names.index))]
            path = [start]
            state[start] = 1
            while stack:
                node, todo = stack[-1]
                if todo:
                    nxt = todo.pop(0)
                    if state.get(nxt) == 1:
                        cycle = path[path.index(nxt) :] + [nxt]
                        self.report_cycle(cycle, reported)
                    elif not state.get(nxt):
                        state[nxt] = 1
                        path.append(nxt)
                        stack.append((nxt, sorted(deps[nxt], key=names.index)))
                    continue
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
        self.survey.order = [self.survey.elements[n] for n in order]

    def report_cycle(self, cycle: list[str], reported: set[frozenset[str]]) -> None:
        key = frozenset(cycle)
        if key in reported:
            return
        reported.add(key)
        el = self.survey.elements[cycle[0]]
        shown = " → ".join(cycle)
        self.diagnostics.append(
            error(
                "cycle",
                Text(
                    f"计算或显示条件形成循环：{shown}",
                    f"calculations or conditions form a cycle: {shown}",
                ),
                **_place(el, self.owner[el.name], None),
            )
        )


def _arg_kind(call: ast.Call, index: int) -> str | None:
    from fieldsurvey.forms.expr.functions import FUNCTIONS

    spec = FUNCTIONS.get(call.name)
    return spec.kind_of(index) if spec else None


def compile_survey(
    sections: list[FormDef],
    *,
    id: str | None = None,
    version: str | None = None,
    title: Text | None = None,
    kind: str = "form",
) -> tuple[Survey, list[Diagnostic]]:
    """Index, check and order the given forms as one survey (a visit, or a single form)."""
    first = sections[0]
    survey = Survey(
        id=id or first.id,
        version=version or first.version,
        title=title or first.title,
        kind=kind,
        sections=list(sections),
    )
    compiler = _Compiler(survey)
    compiler.index()
    compiler.check_elements()
    compiler.check_checks()
    compiler.order()
    return survey, compiler.diagnostics
