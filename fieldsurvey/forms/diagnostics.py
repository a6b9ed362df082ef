"""What the form checker says: a code, a level, a bilingual sentence and the place.

The place is as precise as the source allows — file, line, field path, which attribute and the
column inside the expression — so a county author can find the mistake without reading code:
``resources/forms/household.yaml:88: field 'members/age', constraint, col 7: unknown reference``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    level: str
    text: Text
    file: str | None = None
    line: int | None = None
    field: str | None = None  # path inside the form, e.g. "members/age"
    attribute: str | None = None  # e.g. "constraint"
    col: int | None = None  # 1-based column inside the attribute's expression

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def where(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        parts: list[str] = []
        head = self.file or ""
        if self.line is not None:
            head = (
                f"{head}:{self.line}"
                if head
                else (f"第{self.line}行" if zh else f"line {self.line}")
            )
        if head:
            parts.append(head)
        detail: list[str] = []
        if self.field:
            detail.append(f"字段 '{self.field}'" if zh else f"field '{self.field}'")
        if self.attribute:
            detail.append(self.attribute)
        if self.col is not None:
            detail.append(f"第{self.col}列" if zh else f"col {self.col}")
        if detail:
            parts.append(", ".join(detail))
        return ": ".join(parts)

    def message(self, lang: str = "en") -> str:
        where = self.where(lang)
        text = self.text.get(lang)
        return f"{where}: {text}" if where else text

    def at(self, **place: object) -> Diagnostic:
        return replace(self, **place)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.message("en")


def error(code: str, text: Text, **place: object) -> Diagnostic:
    return Diagnostic(code, ERROR, text, **place)  # type: ignore[arg-type]


def warning(code: str, text: Text, **place: object) -> Diagnostic:
    return Diagnostic(code, WARNING, text, **place)  # type: ignore[arg-type]


def errors_in(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.is_error]


class FormDefinitionError(UserError):
    """A form that cannot be used, with everything the checker found wrong in it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        errs = errors_in(diagnostics) or diagnostics
        first = errs[0]
        more_zh = f"（另有{len(errs) - 1}处错误）" if len(errs) > 1 else ""
        more_en = f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""
        super().__init__(
            Text(
                f"表单定义有误：{first.message('zh')}{more_zh}",
                f"form definition error: {first.message('en')}{more_en}",
            ),
            code="bad_form",
        )
        self.diagnostics = diagnostics
