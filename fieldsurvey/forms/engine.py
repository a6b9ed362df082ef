"""The computing core of a form session: raw answers in, relevance and values out.

Every change recomputes the whole survey in the compiled topological order, so computed
values depend only on the raw answers, the parameters and the visit date — never on the order
things were typed in. A field that is not relevant has no value: it is skipped by sums and
counts, reads as unanswered in every expression, and is left out of the saved answers.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from fieldsurvey.forms.compile import Survey
from fieldsurvey.forms.expr.evaluator import condition, scalar
from fieldsurvey.forms.expr.values import Nodeset, Value, is_empty
from fieldsurvey.forms.model import Container, Element, Field, Repeat
from fieldsurvey.forms.paths import Ctx
from fieldsurvey.forms.values import coerce, from_json

Key = tuple[Ctx, str]
ID_KEY = "_id"


def new_instance_id() -> str:
    return str(uuid.uuid4())


class Engine:
    def __init__(
        self, survey: Survey, params: dict[str, Value], today: date, *, apply_defaults: bool = True
    ) -> None:
        self.survey = survey
        self.params = params
        self.today = today
        self.apply_defaults = apply_defaults
        self.raw: dict[str, Any] = {}
        self.values: dict[Key, Value] = {}
        self.relevant: dict[Key, bool] = {}
        self.instances: dict[Key, list[str]] = {}
        # forms whose expressions follow ODK's (JavaRosa's) rules: imported XLSForms
        self.odk_forms = frozenset(f.id for f in survey.sections if f.semantics == "odk")

    # --- raw answers ---------------------------------------------------------------------------
    def load(self, answers: dict[str, Any]) -> list[str]:
        """Take saved answers; returns the paths of answers this form has no place for."""
        unknown: list[str] = []
        self.raw = self._load_container(answers, (), unknown)
        return unknown

    def _load_container(self, data: dict[str, Any], ctx: Ctx, unknown: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == ID_KEY:
                out[key] = str(value)
                continue
            el = self.survey.elements.get(key)
            if el is None or self._chain_names(key) != [r for r, _ in ctx]:
                unknown.append("/".join([*(f"{r}[{k}]" for r, k in ctx), key]))
                continue
            if isinstance(el, Repeat):
                items = value if isinstance(value, list) else []
                loaded = []
                for item in items:
                    if isinstance(item, dict):
                        iid = str(item.get(ID_KEY) or new_instance_id())
                        inst = self._load_container(
                            {**item, ID_KEY: iid}, (*ctx, (key, iid)), unknown
                        )
                        loaded.append(inst)
                out[key] = loaded
            elif isinstance(el, Field):
                out[key] = from_json(el, value)
            else:
                unknown.append(key)
        return out

    def _chain_names(self, name: str) -> list[str]:
        return [r.name for r in self.survey.chains[name]]

    def raw_instance(self, ctx: Ctx, create: bool = False) -> dict[str, Any] | None:
        node: dict[str, Any] | None = self.raw
        for rep, key in ctx:
            assert node is not None
            items = node.setdefault(rep, []) if create else node.get(rep, [])
            found = next((i for i in items if i.get(ID_KEY) == key), None)
            if found is None:
                if not create:
                    return None
                found = {ID_KEY: key}
                items.append(found)
            node = found
        return node

    def raw_list(self, ctx: Ctx, repeat: str) -> list[dict[str, Any]]:
        inst = self.raw_instance(ctx, create=True)
        assert inst is not None
        return inst.setdefault(repeat, [])

    # --- computing -----------------------------------------------------------------------------
    def contexts(self, chain: Iterable[Repeat]) -> list[Ctx]:
        ctxs: list[Ctx] = [()]
        for rep in chain:
            ctxs = [
                (*c, (rep.name, k)) for c in ctxs for k in self.instances.get((c, rep.name), [])
            ]
        return ctxs

    def parent_relevant(self, el: Element, ctx: Ctx) -> bool:
        parent = el.parent
        if parent is None or not parent.path:
            return True
        if isinstance(parent, Repeat):
            return self.relevant.get((ctx[:-1], parent.name), False)
        return self.relevant.get((ctx, parent.name), False)

    def recompute(self) -> None:
        self.values, self.relevant, self.instances = {}, {}, {}
        for el in self.survey.order:
            for ctx in self.contexts(self.survey.chains[el.name]):
                rel = self.parent_relevant(el, ctx)
                if rel and el.relevant is not None:
                    rel = condition(el.relevant.node, self.env(ctx, el))
                self.relevant[(ctx, el.name)] = rel
                if isinstance(el, Repeat):
                    self.instances[(ctx, el.name)] = self._instances(el, ctx)
                elif isinstance(el, Field):
                    self.values[(ctx, el.name)] = self._value(el, ctx, rel)

    def _instances(self, rep: Repeat, ctx: Ctx) -> list[str]:
        if rep.repeat_over is None:
            inst = self.raw_instance(ctx)
            return [i[ID_KEY] for i in (inst or {}).get(rep.name, [])]
        source = rep.repeat_over
        if not self.relevant.get(((), source), False):
            return []
        keys = self.instances.get(((), source), [])
        if rep.where is None:
            return list(keys)
        source_el = self.survey.elements[source]
        return [k for k in keys if condition(rep.where.node, self.env(((source, k),), source_el))]

    def _value(self, fld: Field, ctx: Ctx, rel: bool) -> Value:
        if not rel or fld.type == "note":
            return None
        if fld.calculation is not None:
            value = scalar(fld.calculation.node, self.env(ctx, fld))
            return None if _unanswered(value) else value
        inst = self.raw_instance(ctx)
        if inst is not None and fld.name in inst:
            return inst[fld.name]  # type: ignore[no-any-return]
        if self.apply_defaults and (fld.default is not None or fld.dynamic_default is not None):
            value = coerce(fld, fld.default) if fld.default is not None else None
            if value is None and fld.dynamic_default is not None:
                value = scalar(fld.dynamic_default.node, self.env(ctx, fld))
                value = None if _unanswered(value) else _fit(fld, value)
            if value is not None:
                target = self.raw_instance(ctx, create=True)
                assert target is not None
                target[fld.name] = value
            return value
        return None

    # --- reading -------------------------------------------------------------------------------
    def env(self, ctx: Ctx, el: Element, choice: Any = None) -> _Env:
        return _Env(self, ctx, el, choice)

    def resolve(self, name: str, ctx: Ctx) -> Value | Nodeset:
        target = self.survey.elements[name]
        keys = dict(ctx)
        for rep, key in ctx:
            over = self.survey.elements[rep]
            if isinstance(over, Repeat) and over.repeat_over:
                keys.setdefault(over.repeat_over, key)
        ctxs: list[Ctx] = [()]
        many = False
        for rep in self.survey.chains[name]:
            if rep.name in keys:
                ctxs = [(*c, (rep.name, keys[rep.name])) for c in ctxs]
            else:
                many = True
                ctxs = [
                    (*c, (rep.name, k)) for c in ctxs for k in self.instances.get((c, rep.name), [])
                ]
        if isinstance(target, Repeat):
            return Nodeset(
                tuple(
                    True
                    for c in ctxs
                    if self.relevant.get((c, name))
                    for _ in self.instances.get((c, name), [])
                )
            )
        if many:  # the nodes of a nodeset are its relevant places (as in JavaRosa's XPath)
            return Nodeset(tuple(self.values.get((c, name)) for c in ctxs if self.relevant.get((c, name))))
        values = tuple(self.values.get((c, name)) for c in ctxs)
        return values[0] if values else None

    def descendants(self, container: Container) -> Iterator[Field]:
        for el in container.walk():
            if isinstance(el, Field):
                yield el


def _unanswered(value: Value) -> bool:
    """Empty, or NaN: JavaRosa stores a calculation that ends NaN as no answer."""
    return is_empty(value) or (isinstance(value, float) and math.isnan(value))


def _fit(fld: Field, value: Value) -> Value:
    try:
        return coerce(fld, value)
    except Exception:  # a dynamic default that does not fit the type is simply not applied
        return None


class _Env:
    """What an expression at one place (instance, field, choice) can read."""

    __slots__ = ("engine", "ctx", "element", "choice", "odk")

    def __init__(self, engine: Engine, ctx: Ctx, element: Element, choice: Any) -> None:
        self.engine, self.ctx, self.element, self.choice = engine, ctx, element, choice
        self.odk = element.form_id in engine.odk_forms

    def value(self, name: str) -> Value | Nodeset:
        return self.engine.resolve(name, self.ctx)

    def current(self) -> Value:
        return self.engine.values.get((self.ctx, self.element.name))

    def choice_attr(self, name: str) -> Value:
        if self.choice is None:
            return None
        if name == "name":
            return self.choice.name  # type: ignore[no-any-return]
        if name == "label":
            return self.choice.label.zh  # type: ignore[no-any-return]
        value = self.choice.extra.get(name)
        return value if value is None or isinstance(value, bool | int | float | str) else str(value)

    def choice_extra(self, field: str, column: str) -> Value:
        fld = self.engine.survey.elements.get(field)
        value = self.engine.resolve(field, self.ctx)
        if (
            not isinstance(fld, Field)
            or fld.choices is None
            or isinstance(value, Nodeset)
            or is_empty(value)
        ):
            return None
        name = value[0] if isinstance(value, list) else str(value)
        choice = fld.choices.get(name)
        extra = choice.extra.get(column) if choice else None
        return extra if extra is None or isinstance(extra, bool | int | float | str) else str(extra)

    def position(self) -> int | None:
        if not self.ctx:
            return None
        rep, key = self.ctx[-1]
        keys = self.engine.instances.get((self.ctx[:-1], rep), [])
        return keys.index(key) + 1 if key in keys else None

    def param(self, name: str) -> Value:
        return self.engine.params.get(name)

    def today(self) -> date:
        return self.engine.today

    def group_values(self, group: str, only: set[str] | None) -> Iterable[Value]:
        el = self.engine.survey.elements.get(group)
        if not isinstance(el, Container):
            return []
        out: list[Value] = []
        for fld in self.engine.descendants(el):
            if fld.type not in ("integer", "decimal", "calculate") or (
                only is not None and fld.name not in only
            ):
                continue
            v = self.engine.resolve(fld.name, self.ctx)
            out.extend(v.values if isinstance(v, Nodeset) else (v,))
        return out
