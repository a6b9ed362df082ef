"""What an XLSForm import reports about each row: carried over differently, ignored, or
unsupported (which stops the import unless the affected fields are left out)."""

from __future__ import annotations

from dataclasses import dataclass

from fieldsurvey.core.text import Text


@dataclass(frozen=True, slots=True)
class Finding:
    sheet: str
    row: int | None
    name: str | None
    text: Text
    blocking: bool  # unsupported (True) or merely ignored (False)
    differs: bool = False  # carried over, but FieldSurvey deliberately behaves otherwise here

    def message(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        where = (
            self.sheet
            if self.row is None
            else (f"{self.sheet} 第{self.row}行" if zh else f"{self.sheet} row {self.row}")
        )
        if self.name:
            where += f" '{self.name}'"
        return f"[{where}] {self.text.get(lang)}"
