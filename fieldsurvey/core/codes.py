"""Code lists (relationship, ethnic group, schooling, causes, risks …) loaded from data files.

Local codings differ between provinces, so the lists are data in ``resources/codes/`` with the
standard or document each comes from; code here only looks values up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fieldsurvey.core.resources import load_json, resource_path
from fieldsurvey.core.text import Text


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    label: Text
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CodeList:
    name: str
    title: Text
    source: str
    items: tuple[Code, ...]
    groups: dict[str, tuple[str, ...]]

    def __contains__(self, code: object) -> bool:
        return code in self._index()

    def __iter__(self) -> Iterator[Code]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def codes(self) -> list[str]:
        return [c.code for c in self.items]

    def get(self, code: str) -> Code | None:
        return self._index().get(code)

    def label(self, code: str | None, lang: str = "zh") -> str:
        if code is None:
            return ""
        item = self.get(code)
        return item.label.get(lang) if item else code

    def code_for_label(self, text: str) -> str | None:
        """The code whose Chinese or English label ``text`` is, however its punctuation is typed.

        Labels are written with Chinese punctuation (``A级（安全）``); a spreadsheet may hold the
        ASCII or full-width form of the same label, so both sides are compared in NFKC form.
        """
        wanted = _fold(text)
        for item in self.items:
            if _fold(item.label.zh) == wanted or _fold(item.label.en) == wanted:
                return item.code
        return None

    def in_group(self, code: str, group: str) -> bool:
        return code in self.groups.get(group, ())

    def _index(self) -> dict[str, Code]:
        return _index_of(self.name)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


@cache
def _index_of(name: str) -> dict[str, Code]:
    return {c.code: c for c in code_list(name).items}


@cache
def code_list(name: str) -> CodeList:
    raw = load_json("codes", f"{name}.json")
    items = tuple(
        Code(
            str(it["code"]),
            Text(it["zh"], it["en"]),
            {k: v for k, v in it.items() if k not in ("code", "zh", "en")},
        )
        for it in raw["items"]
    )
    groups = {k: tuple(v) for k, v in raw.get("groups", {}).items()}
    return CodeList(
        raw["name"], Text(raw["title_zh"], raw["title_en"]), raw["source"], items, groups
    )


def all_code_lists() -> list[str]:
    return sorted(p.stem for p in resource_path("codes").glob("*.json"))
