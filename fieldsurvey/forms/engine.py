"""The computing core of a form session: raw answers in, relevance and values out.

Every change recomputes the whole survey in the compiled topological order, so computed
values depend only on the raw answers, the parameters and the visit date — never on the order
things were typed in. A field that is not relevant has no value: it is skipped by sums and
counts, reads as unanswered in every expression, and is left out of the saved answers.
"""

from __future__ import annotations

import math
import secrets
import string
import uuid
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fieldsurvey.forms.compile import Survey
from fieldsurvey.forms.expr import ast
from fieldsurvey.forms.expr.evaluator import condition, scalar
from fieldsurvey.forms.expr.values import Nodeset, Value, is_empty
from fieldsurvey.forms.expr.xpath import java_int, to_int
from fieldsurvey.forms.model import Container, Element, Field, Repeat, Table
from fieldsurvey.forms.paths import Ctx
from fieldsurvey.forms.values import coerce, from_json

Key = tuple[Ctx, str]
ID_KEY = "_id"
METADATA = frozenset({"start", "end", "today", "deviceid", "username"})


MAX_REPEAT_COUNT = 1000  # repeat_count beyond this is taken as this many (a typo, not a form)
GUID_CHARS = string.digits + string.ascii_uppercase  # PropertyUtils.genGUID: base 36, upper case


def new_instance_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class VisitContext:
    """What a form may read about the visit beyond its answers: the clock, the device, who is
    visiting, the household's previous visit (``${last-saved#x}``) and the label language."""

    now: datetime | None = None  # the moment the visit was opened (``now()``, ``start``)
    device_id: str = ""
    username: str = ""
    last_saved: dict[str, Any] = field(default_factory=dict)  # answers of the last visit
    language: str = "zh"


class Engine:
    def __init__(
        self,
        survey: Survey,
        params: dict[str, Value],
        today: date,
        *,
        apply_defaults: bool = True,
        context: VisitContext | None = None,
    ) -> None:
        self.survey = survey
        self.params = params
        self.today = today
        self.apply_defaults = apply_defaults
        self.context = context or VisitContext()
        self.now = self.context.now or datetime.now().astimezone()
        self.uuids: dict[tuple[Ctx, str, int], str] = {}
        # A trigger field's value, or all its values (a tuple) when it sits in a repeat below.
        self.trigger_seen: dict[Key, tuple[Value | tuple[Value, ...], ...]] = {}
        self.keeps, self.acknowledges = _facts(survey)
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
        if rep.count is not None:
            return self._counted(rep, ctx)
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

    def _counted(self, rep: Repeat, ctx: Ctx) -> list[str]:
        """``repeat_count``: as many instances as the expression says, kept in step with it as
        JavaRosa does — new ones added at the end, the last ones (and their answers) removed
        when the number falls. A non-relevant repeat keeps its instances untouched."""
        assert rep.count is not None
        if not self.relevant.get((ctx, rep.name), False) and self.apply_defaults:
            inst = self.raw_instance(ctx)
            return [i[ID_KEY] for i in (inst or {}).get(rep.name, [])]
        raw = scalar(rep.count.node, self.env(ctx, rep))
        n = 0 if is_empty(raw) else java_int(to_int(raw))
        n = min(max(n, 0), MAX_REPEAT_COUNT)
        if not self.apply_defaults:  # a finalized visit shows what was saved
            inst = self.raw_instance(ctx)
            return [i[ID_KEY] for i in (inst or {}).get(rep.name, [])]
        items = self.raw_list(ctx, rep.name)
        while len(items) < n:
            items.append({ID_KEY: new_instance_id()})
        del items[n:]
        return [i[ID_KEY] for i in items]

    def _value(self, fld: Field, ctx: Ctx, rel: bool) -> Value:
        if not rel or fld.type == "note":
            return None
        if fld.type in METADATA:
            return self._metadata(fld, ctx)
        if fld.trigger:
            self._fire(fld, ctx)
        elif fld.calculation is not None:
            value = scalar(fld.calculation.node, self.env(ctx, fld))
            value = None if _unanswered(value) else value
            if fld.name in self.keeps and self.apply_defaults:
                target = self.raw_instance(ctx, create=True)
                assert target is not None
                target[fld.name] = value
            return value
        inst = self.raw_instance(ctx)
        if inst is not None and fld.name in inst:
            return inst[fld.name]
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

    def _metadata(self, fld: Field, ctx: Ctx) -> Value:
        """start, today, deviceid, username: filled when the visit is new and kept from then on
        (JavaRosa's preloaders fill them when the instance is created); end when it is saved."""
        inst = self.raw_instance(ctx)
        if inst is not None and inst.get(fld.name) is not None:
            return inst[fld.name]
        if not self.apply_defaults or fld.type == "end":
            return None
        value: Value = {
            "start": self.now,
            "today": self.today,
            "deviceid": self.context.device_id or None,
            "username": self.context.username or None,
        }[fld.type]
        if value is not None:
            target = self.raw_instance(ctx, create=True)
            assert target is not None
            target[fld.name] = value
        return value

    def stamp_end(self, when: datetime) -> bool:
        """Set every ``end`` field to the moment the visit is saved; False if there is none."""
        ends = [f for f in self.survey.fields() if f.type == "end"]
        for fld in ends:
            if fld.type == "end":
                for ctx in self.contexts(self.survey.chains[fld.name]):
                    target = self.raw_instance(ctx, create=True)
                    assert target is not None
                    target[fld.name] = when
        return bool(ends)

    def _fire(self, fld: Field, ctx: Ctx) -> None:
        """XLSForm's ``trigger``: compute the calculation into the answer when one of the
        trigger fields changes value (ODK's setvalue on xforms-value-changed), never else."""
        now = tuple(
            v if not isinstance(v := self.resolve(t, ctx), Nodeset) else v.values
            for t in fld.trigger
        )
        key = (ctx, fld.name)
        seen = self.trigger_seen.get(key)
        self.trigger_seen[key] = now
        if seen is None or seen == now or not self.apply_defaults or fld.calculation is None:
            return
        value = scalar(fld.calculation.node, self.env(ctx, fld))
        target = self.raw_instance(ctx, create=True)
        assert target is not None
        target[fld.name] = (
            None if _unanswered(value) else (_fit(fld, value) if fld.is_input else value)
        )

    # --- reading -------------------------------------------------------------------------------
    def env(self, ctx: Ctx, el: Element, choice: Any = None) -> _Env:
        return _Env(self, ctx, el, choice)

    def resolve(self, name: str, ctx: Ctx) -> Value | Nodeset:
        target = self.survey.elements[name]
        keys = dict(ctx)
        for rep_name, key in ctx:
            over = self.survey.elements[rep_name]
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
            return Nodeset(
                tuple(self.values.get((c, name)) for c in ctxs if self.relevant.get((c, name)))
            )
        values = tuple(self.values.get((c, name)) for c in ctxs)
        return values[0] if values else None

    def descendants(self, container: Container) -> Iterator[Field]:
        for el in container.walk():
            if isinstance(el, Field):
                yield el


_FACTS: weakref.WeakKeyDictionary[Survey, tuple[frozenset[str], frozenset[str]]] = (
    weakref.WeakKeyDictionary()
)


def _facts(survey: Survey) -> tuple[frozenset[str], frozenset[str]]:
    """Per compiled survey, worked out once (a county's demo opens thousands of sessions): the
    calculations whose result is kept (``once()``) and the acknowledge fields."""
    found = _FACTS.get(survey)
    if found is None:
        keeps = frozenset(
            f.name
            for f in survey.fields()
            if f.calculation is not None
            and any(
                isinstance(n, ast.Call) and n.name == "once" for n in ast.walk(f.calculation.node)
            )
        )
        found = (keeps, frozenset(f.name for f in survey.fields() if f.type == "acknowledge"))
        _FACTS[survey] = found
    return found


def _as_ok(value: Value | Nodeset) -> Value | Nodeset:
    """An acknowledged trigger reads as JavaRosa stores it: the text 'OK'."""
    if isinstance(value, Nodeset):
        return Nodeset(tuple("OK" if v is True else v for v in value.values))
    return "OK" if value is True else value


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
        value = self.engine.resolve(name, self.ctx)
        if self.odk and name in self.engine.acknowledges:
            return _as_ok(value)
        return value

    def current(self) -> Value:
        value = self.engine.values.get((self.ctx, self.element.name))
        if self.odk and self.element.name in self.engine.acknowledges:
            return _as_ok(value)  # type: ignore[return-value]
        return value

    def choice_attr(self, name: str) -> Value:
        if self.choice is None:
            return None
        if name == "name":
            return self.choice.name
        if name == "label":
            return self.choice.label.zh
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

    def now(self) -> datetime:
        return self.engine.now

    def previous(self) -> Value:
        """The answer this field holds already (``once()``): what was kept, or saved."""
        inst = self.engine.raw_instance(self.ctx)
        return None if inst is None else inst.get(self.element.name)

    def uuid(self, length: int | None = None) -> str:
        """A random id, drawn once per place while the visit is open (JavaRosa draws one each
        time the calculation runs; ``once(uuid())`` keeps the first for good, here too)."""
        key = (self.ctx, self.element.name, length or 0)
        found = self.engine.uuids.get(key)
        if found is None:
            if length is None:
                found = str(uuid.uuid4())
            else:
                found = "".join(secrets.choice(GUID_CHARS) for _ in range(max(length, 0)))
            self.engine.uuids[key] = found
        return found

    def indexed(self, name: str, at: list[tuple[str, int]]) -> Value:
        """``indexed-repeat``: the field's value in the given instances (1-based; below 1
        counts as 1, as JavaRosa does); empty where there is no such instance."""
        engine = self.engine
        wanted = dict(at)
        keys = dict(self.ctx)
        for rep_name, key in self.ctx:
            over = engine.survey.elements[rep_name]
            if isinstance(over, Repeat) and over.repeat_over:
                keys.setdefault(over.repeat_over, key)
        ctx: Ctx = ()
        for rep in engine.survey.chains[name]:
            if rep.name in wanted:
                instances = engine.instances.get((ctx, rep.name), [])
                i = max(wanted[rep.name], 1)
                if i > len(instances):
                    return None
                ctx = (*ctx, (rep.name, instances[i - 1]))
            elif rep.name in keys:
                ctx = (*ctx, (rep.name, keys[rep.name]))
            else:  # an enclosing repeat neither named nor current: its first instance (XPath)
                instances = engine.instances.get((ctx, rep.name), [])
                if not instances:
                    return None
                ctx = (*ctx, (rep.name, instances[0]))
        if not engine.relevant.get((ctx, name), False):
            return None
        return engine.values.get((ctx, name))

    def last_saved(self, name: str) -> Value:
        """``${last-saved#x}``: x as this household's last visit saved it."""
        fld = self.engine.survey.elements.get(name)
        raw = self.engine.context.last_saved.get(name)
        return from_json(fld, raw) if isinstance(fld, Field) else None

    def choice_label(self, field: str, value: Value) -> Value:
        """``jr:choice-name``: the label of a choice of a select field, in the form's language."""
        fld = self.engine.survey.elements.get(field)
        if not isinstance(fld, Field) or fld.choices is None:
            return ""
        choice = fld.choices.get(str(value))
        return choice.label.get(self.engine.context.language) if choice else ""

    def table(self, name: str) -> Table | None:
        form = next((f for f in self.engine.survey.sections if f.id == self.element.form_id), None)
        return form.tables.get(name) if form is not None else None

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
