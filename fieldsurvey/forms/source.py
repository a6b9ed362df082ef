"""Reading a form file (YAML or JSON) into plain data that remembers its line numbers.

PyYAML does the parsing; this module only asks it to build mappings that know the line they
started on and the line of each key, so the checker can point at the line of a bad attribute.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from fieldsurvey.core.text import Text
from fieldsurvey.forms.diagnostics import Diagnostic, error


class LineDict(dict[str, Any]):
    """A mapping from the form file with the lines it and its keys are on (None for JSON)."""

    line: int | None = None
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}
        self.duplicates = []

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


# libyaml's parser when PyYAML has it (several times faster); the safe constructors either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        value = loader.construct_object(value_node, deep=True)
        key_line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            result.duplicates.append((key, key_line))
        result[key] = value
        result.key_lines[key] = key_line
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def located(value: Any) -> Any:
    """Plain data (from JSON or a converter) as the loader takes it, without line numbers."""
    if isinstance(value, dict):
        d = LineDict({k: located(v) for k, v in value.items()})
        return d
    if isinstance(value, list):
        return [located(v) for v in value]
    return value


def read_source(path: Path, display: str | None = None) -> tuple[Any, list[Diagnostic]]:
    """Parse a form file; syntax errors come back as diagnostics with their line."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = type(e).__name__
        return None, [
            error(
                "unreadable",
                Text(f"无法读取文件（{reason}）", f"cannot read the file ({reason})"),
                file=shown,
            )
        ]
    if path.suffix.lower() == ".json":
        try:
            return located(json.loads(text)), []
        except json.JSONDecodeError as e:
            return None, [
                error(
                    "syntax",
                    Text(f"JSON 语法错误:{e.msg}", f"JSON syntax error: {e.msg}"),
                    file=shown,
                    line=e.lineno,
                    col=e.colno,
                )
            ]
    try:
        return yaml.load(text, Loader=_LineLoader), []  # a SafeLoader subclass: no object tags
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = e.problem or "syntax error"
        return None, [
            error(
                "syntax",
                Text(f"YAML 语法错误:{problem}", f"YAML syntax error: {problem}"),
                file=shown,
                line=line,
                col=col,
            )
        ]
    except yaml.YAMLError as e:
        return None, [
            error(
                "syntax",
                Text("YAML 语法错误", "YAML syntax error"),
                file=shown,
                line=None,
                col=None,
            )
        ] if e else []
