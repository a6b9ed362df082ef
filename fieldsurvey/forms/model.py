"""The typed element tree of a form, as the loader builds it from the normalised file data.

A form (``FormDef``) is a tree of groups, repeats and fields with its choice lists, parameters
and form-level checks; a visit definition (``VisitDef``) lists the forms of a household visit in
order, each pinned to a version. Expressions are already parsed (``Expr``) when a tree exists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.core.text import Text
from fieldsurvey.forms.expr import ast

FORMAT_VERSION = 1
SEMANTICS = ("fieldsurvey", "odk")

# Field types that hold an answer the user gives.
INPUT_TYPES = frozenset(
    {
        "text",
        "integer",
        "decimal",
        "date",
        "select_one",
        "select_multiple",
        "boolean",
        "acknowledge",
        "id_number",
        "disability_cert",
        "time",
        "datetime",
        "geopoint",
        "rank",
        "range",
        "photo",
    }
)
# Field types without user input: a note shows text, a calculate computes, a hidden keeps a
# value the program sets (prefill) and the user does not see.
# Metadata (XLSForm's start, end, today, deviceid, username): filled from the visit and the
# device, never typed; shown nowhere but saved with the answers.
METADATA_TYPES = frozenset({"start", "end", "today", "deviceid", "username"})
NON_INPUT_TYPES = frozenset({"note", "calculate", "hidden"}) | METADATA_TYPES
FIELD_TYPES = INPUT_TYPES | NON_INPUT_TYPES
CONTAINER_TYPES = frozenset({"group", "repeat"})
NUMBER_TYPES = frozenset({"integer", "decimal", "range"})
SELECT_TYPES = frozenset({"select_one", "select_multiple", "rank"})
# What a photo field's pictures show (core/photo_refs.py: KINDS); the ledger and the county pick
# pictures by kind (the household photo on the cover, housing photos in the housing section).
PHOTO_KINDS = ("household", "house_exterior", "house_interior", "water_source", "visit", "document")
PHOTO_MAX_COUNT = 20  # per field: a bound on what one answer may hold


@dataclass(frozen=True, slots=True)
class Expr:
    source: str
    node: ast.Node
    refs: frozenset[str]


@dataclass(frozen=True, slots=True)
class Template:
    """A label with ``${field}`` placeholders, filled with the current answers when shown."""

    text: Text
    refs: frozenset[str]


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """A ``range`` field's bounds and step (XLSForm's ``parameters: start=1 end=10 step=1``)."""

    start: float = 1
    end: float = 10
    step: float = 1

    @property
    def integer(self) -> bool:
        return all(float(x).is_integer() for x in (self.start, self.end, self.step))


@dataclass(frozen=True, slots=True)
class Table:
    """A data file carried inside the form (a choices CSV beside an XLSForm): the source of a
    ``select_one_from_file`` list and of ``pulldata()``. Cells are text, as ODK reads a CSV."""

    name: str  # the file name as the workbook wrote it, e.g. "villages.csv"
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None


@dataclass(frozen=True, slots=True)
class Choice:
    name: str
    label: Text
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]
    source: str = "form"  # "form", "inline" or "code:<list>"

    def get(self, name: str) -> Choice | None:
        return next((c for c in self.choices if c.name == name), None)

    def names(self) -> list[str]:
        return [c.name for c in self.choices]


@dataclass(eq=False, kw_only=True)
class Element:
    name: str
    type: str
    label: Template | None = None
    hint: Text | None = None
    relevant: Expr | None = None
    appearance: str | None = None
    path: tuple[str, ...] = ()  # names from the form's root down to this element
    form_id: str = ""
    line: int | None = None
    parent: Container | None = None

    @property
    def path_text(self) -> str:
        return "/".join(self.path)

    def display_label(self) -> Text:
        return self.label.text if self.label else Text(self.name, self.name)


@dataclass(eq=False, kw_only=True)
class Field(Element):
    required: Expr | bool = False
    required_message: Text | None = None
    constraint: Expr | None = None
    constraint_message: Text | None = None
    warning: Expr | None = None  # a soft constraint: shown, never blocks
    warning_message: Text | None = None
    calculation: Expr | None = None
    default: Any = None
    dynamic_default: Expr | None = None
    choices: ChoiceList | None = None
    choice_filter: Expr | None = None
    read_only: bool | Expr = False  # an expression: read-only while it holds
    range: RangeSpec | None = None  # range fields
    trigger: tuple[str, ...] = ()  # recompute the calculation only when one of these changes
    id_type: Expr | None = None  # id_number fields: validate only for ID-like document types
    unit: Text | None = None
    # photo fields: how many pictures, what they show, the caption printed with them
    min_count: int | None = None
    max_count: int | None = None
    kind: str | None = None
    caption: Text | None = None

    @property
    def is_input(self) -> bool:
        return self.type in INPUT_TYPES

    @property
    def stores_value(self) -> bool:
        """Whether the answer lives in the saved answers (notes hold nothing)."""
        return self.type != "note"


@dataclass(eq=False, kw_only=True)
class Container(Element):
    children: list[Element] = field(default_factory=list)

    def walk(self) -> Iterator[Element]:
        for child in self.children:
            yield child
            if isinstance(child, Container):
                yield from child.walk()


@dataclass(eq=False, kw_only=True)
class Group(Container):
    pass


@dataclass(eq=False, kw_only=True)
class Repeat(Container):
    repeat_over: str | None = None  # bound to the instances of another repeat (members)
    where: Expr | None = None  # which of those instances get one here
    instance_label: Template | None = None
    min_count: int | None = None
    max_count: int | None = None
    count: Expr | None = None  # XLSForm's repeat_count: this many instances, kept in step

    @property
    def bound(self) -> bool:
        return self.repeat_over is not None

    @property
    def fixed(self) -> bool:
        """Instances the user cannot add or remove: bound to members or counted."""
        return self.repeat_over is not None or self.count is not None


@dataclass(frozen=True, slots=True)
class Parameter:
    """A value the caller supplies when a session starts (policy tables, thresholds)."""

    name: str
    type: str  # "number", "text", "list", "date", "boolean"
    default: Any
    label: Text
    source: str | None = None  # where the caller takes it from, e.g. "policy:income_items"


@dataclass(frozen=True, slots=True)
class Check:
    """A form-level rule over several fields: an error blocks finalizing, a warning is shown."""

    id: str
    expr: Expr
    level: str
    message: Text
    field: str | None = None  # the field it is shown at
    line: int | None = None


@dataclass(eq=False, kw_only=True)
class FormDef:
    id: str
    version: str
    title: Text
    root: Group
    choices: dict[str, ChoiceList] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    uses: tuple[str, ...] = ()
    description: Text | None = None
    source: str = ""  # the file it came from, as shown in messages
    semantics: str = "fieldsurvey"  # or "odk": expressions compute as in ODK Collect (XLSForms)
    tables: dict[str, Table] = field(default_factory=dict)  # data files carried in the form
    languages: dict[str, str] = field(default_factory=dict)  # extra label languages: code → name

    def walk(self) -> Iterator[Element]:
        return self.root.walk()


@dataclass(frozen=True, slots=True)
class SectionRef:
    form: str
    version: str
    line: int | None = None


@dataclass(eq=False, kw_only=True)
class VisitDef:
    id: str
    version: str
    title: Text
    sections: list[SectionRef]
    source: str = ""
