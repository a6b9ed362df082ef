"""Addresses of answers: ``household_no``, ``members[<id>]/age``, ``members[2]/age``.

Element names are unique in a survey, so a path only needs the repeat instances on the way
and the field's name. An instance is named by its id (stable when others are removed) or, for
people typing paths, by its 1-based position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

Ctx = tuple[tuple[str, str], ...]  # ((repeat name, instance id), …) from the outside in

_STEP = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*)(?:\[([^\]]+)\])?$")


@dataclass(frozen=True, slots=True)
class Path:
    ctx: Ctx
    name: str | None  # None: the path names a repeat instance itself

    def __str__(self) -> str:
        return format_path(self.ctx, self.name)


def format_path(ctx: Ctx, name: str | None) -> str:
    steps = [f"{rep}[{key}]" for rep, key in ctx]
    if name is not None:
        steps.append(name)
    return "/".join(steps)


def bad_path(path: str) -> UserError:
    return UserError(
        Text(f"表单中没有位置“{path}”", f"the form has no place '{path}'"), code="bad_path"
    )


def split_path(path: str) -> list[tuple[str, str | None]]:
    """Steps of a path as (name, instance key or None); syntax only."""
    steps: list[tuple[str, str | None]] = []
    for part in path.strip().strip("/").split("/"):
        m = _STEP.match(part)
        if not m:
            raise bad_path(path)
        steps.append((m.group(1), m.group(2)))
    return steps
