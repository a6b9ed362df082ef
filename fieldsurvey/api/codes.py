"""Coded fields: a string that must be one code of a list in ``resources/codes/``.

``Coded("sex")`` is a pydantic annotation on ``str``: validation accepts exactly the list's codes
and the JSON Schema shows them as an ``enum`` with ``x-code-list`` naming the list, so the
reference in ``docs/sync-protocol.md`` carries the code lists without a second copy of them.
The lists are read once from the package's data (``core/codes.py``), which is where a province
that codes differently changes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from fieldsurvey.core.codes import code_list


@dataclass(frozen=True, slots=True)
class Coded:
    """Marks a ``str`` field as holding a code of the list ``name``."""

    name: str

    def codes(self) -> list[str]:
        return code_list(self.name).codes()

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.literal_schema(self.codes())

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "enum": self.codes(), "x-code-list": self.name}
