"""Reading policy tables: shipped JSON, a county's override folder, and the checks on both.

A county corrects a value by dropping a file of the same name into its own folder with only the
keys it changes; those replace the shipped ones key by key. Because county staff write these
files by hand, every problem is reported as a ``UserError`` naming the file and the key path
(``thresholds.610000.2024.value``) so it can be found and fixed without reading code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

T = TypeVar("T")

# The tables a policy folder may hold; anything else ending in .json is refused as a likely typo.
TABLES = (
    "poverty_line",
    "monitoring_threshold",
    "water",
    "school_ages",
    "income_items",
    "business_cost_ratios",
    "medical",
    "relapse_risk",
    "village_exit_standard",
    "medical_reimbursement",
    "dibao_phase_out",
    "relapse_rate",
    "income_targets",
)
DESCRIPTIVE_KEYS = frozenset({"name", "title_zh", "title_en", "description", "unit"})
VALUE_KEYS = frozenset({"value", "source", "verified", "note"})


@dataclass(frozen=True, slots=True)
class Sourced(Generic[T]):
    """A policy value with where it comes from; ``verified`` False means it must be confirmed."""

    value: T
    source: str
    verified: bool = True
    note: str | None = None
    key: str = ""  # "table:path.to.value", so a reason can say exactly which entry it used
    county: bool = False  # True when the value came from a county's override table


class PolicyError(UserError):
    def __init__(self, file: Path | str, key: str, problem: Text) -> None:
        name = Path(file).name
        where = f"{name} → {key}" if key else name
        super().__init__(
            Text(
                f"政策表“{where}”有误：{problem.zh}",
                f"policy table '{where}' is invalid: {problem.en}",
            ),
            code="bad_policy_table",
        )
        self.file = str(file)
        self.key = key


def read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise PolicyError(
            path,
            "",
            Text(
                f"不是有效的JSON（第{e.lineno}行第{e.colno}列）",
                f"not valid JSON (line {e.lineno}, column {e.colno})",
            ),
        ) from None
    except (OSError, UnicodeDecodeError):
        raise PolicyError(
            path, "", Text("无法读取（须为UTF-8文本）", "cannot be read (must be UTF-8 text)")
        ) from None
    if not isinstance(data, dict):
        raise PolicyError(path, "", Text("顶层应为对象", "the top level must be an object"))
    return data


def override_files(folder: Path) -> dict[str, Path]:
    """The tables a county folder overrides; an unknown ``*.json`` is an error, not ignored."""
    if not folder.is_dir():
        raise PolicyError(
            folder, "", Text("县级政策表目录不存在", "the county policy folder does not exist")
        )
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.json")):
        if path.stem not in TABLES:
            raise PolicyError(
                path,
                "",
                Text(
                    f"不是已知的政策表（可用：{', '.join(TABLES)}）",
                    f"not a known policy table (known: {', '.join(TABLES)})",
                ),
            )
        found[path.stem] = path
    return found


@dataclass(slots=True)
class Table:
    """One table after merging, remembering which keys the county file supplied."""

    name: str
    data: dict[str, Any]
    shipped: Path
    override: Path | None = None
    overridden: set[tuple[str, ...]] = field(default_factory=set)

    def file_for(self, path: tuple[str, ...]) -> Path:
        if self.override is not None and any(
            path[:i] in self.overridden for i in range(len(path) + 1)
        ):
            return self.override
        return self.shipped

    def fail(self, path: tuple[str, ...], problem: Text) -> PolicyError:
        return PolicyError(self.file_for(path), ".".join(path), problem)

    def node(self, *path: str) -> Any:
        current: Any = self.data
        for i, part in enumerate(path):
            if not isinstance(current, dict) or part not in current:
                raise self.fail(path[: i + 1], Text("缺少此项", "this key is missing"))
            current = current[part]
        return current

    def mapping(self, *path: str) -> dict[str, Any]:
        value = self.node(*path)
        if not isinstance(value, dict):
            raise self.fail(path, Text("应为对象", "must be an object"))
        return value

    def is_county(self, path: tuple[str, ...]) -> bool:
        return self.file_for(path) == self.override

    def sourced(
        self, *path: str, kind: type | tuple[type, ...], nullable: bool = False
    ) -> Sourced[Any]:
        """A ``{value, source, verified, note}`` object with its value of the given type."""
        raw = self.mapping(*path)
        unknown = set(raw) - VALUE_KEYS
        if unknown:
            raise self.fail(
                path,
                Text(
                    f"含有未知的键：{', '.join(sorted(unknown))}",
                    f"unknown keys: {', '.join(sorted(unknown))}",
                ),
            )
        if "value" not in raw:
            raise self.fail((*path, "value"), Text("缺少取值", "the value is missing"))
        value = raw["value"]
        if value is None and not nullable:
            raise self.fail((*path, "value"), Text("不能为空", "must not be null"))
        if value is not None and (
            isinstance(value, bool) != (kind is bool) or not isinstance(value, kind)
        ):
            raise self.fail((*path, "value"), Text("取值类型不对", f"must be {_kind_name(kind)}"))
        source, verified, note = self._provenance(path, raw)
        return Sourced(
            value, source, verified, note, f"{self.name}:{'.'.join(path)}", self.is_county(path)
        )

    def _provenance(
        self, path: tuple[str, ...], raw: dict[str, Any]
    ) -> tuple[str, bool, str | None]:
        source = raw.get("source")
        if not isinstance(source, str) or not source.strip():
            raise self.fail(
                (*path, "source"), Text("每个取值都须注明来源", "every value must name its source")
            )
        verified = raw.get("verified", True)
        if not isinstance(verified, bool):
            raise self.fail(
                (*path, "verified"), Text("应为 true 或 false", "must be true or false")
            )
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            raise self.fail((*path, "note"), Text("应为文字", "must be text"))
        if not verified and not (note and note.strip()):
            raise self.fail(
                (*path, "note"), Text("未核实的取值须附说明", "an unverified value needs a note")
            )
        return source, verified, note

    def provenance(self, *path: str) -> tuple[str, bool, str | None]:
        return self._provenance(path, self.mapping(*path))

    def only_keys(self, path: tuple[str, ...], allowed: Iterable[str]) -> None:
        raw = self.mapping(*path) if path else self.data
        unknown = set(raw) - set(allowed) - (DESCRIPTIVE_KEYS if not path else set())
        if unknown:
            raise self.fail(
                path,
                Text(
                    f"含有未知的键：{', '.join(sorted(unknown))}",
                    f"unknown keys: {', '.join(sorted(unknown))}",
                ),
            )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {bool: "true or false", int: "a number", float: "a number", str: "text", list: "a list"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def _is_leaf(node: Any) -> bool:
    """A value object (or a non-object) is replaced whole; other objects merge key by key."""
    return not isinstance(node, dict) or "value" in node


def merge(base: Any, override: Any, path: tuple[str, ...], overridden: set[tuple[str, ...]]) -> Any:
    if _is_leaf(override) or not isinstance(base, dict) or _is_leaf(base):
        overridden.add(path)
        return override
    result = dict(base)
    if "source" in override:
        # the county's source speaks for the whole object: the shipped verdict does not carry over
        result.pop("verified", None)
        result.pop("note", None)
    for key, value in override.items():
        if key in DESCRIPTIVE_KEYS and not path:
            continue
        result[key] = merge(base[key], value, (*path, key), overridden) if key in base else value
        if key not in base:
            overridden.add((*path, key))
    return result


def load_table(name: str, shipped_dir: Path, override: Path | None) -> Table:
    shipped = shipped_dir / f"{name}.json"
    data = read_json(shipped)
    table = Table(name, data, shipped)
    if override is not None:
        county = read_json(override)
        table.override = override
        table.data = merge(data, county, (), table.overridden)
    return table
