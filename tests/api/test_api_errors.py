"""One catalogue of error codes (``fieldsurvey/api/errors.py``): every code the county's code can
answer is in it, and clients compare codes with its members, not with string literals."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fieldsurvey.api.errors import ErrorBody, ErrorCode

PACKAGE = Path(__file__).resolve().parents[2] / "fieldsurvey"
# The protocol modules the server raises through, beside its own package (wherever it lives).
PROTOCOL = (
    "envelope.py",
    "schema.py",
    "canonical.py",
    "photo_bundle.py",
    "audit_head.py",
    "recordtypes.py",
    "keys.py",
    "signing.py",
)
RAISERS = {"refuse", "_refuse", "_fail", "error_body", "Refused", "Forbidden"}
CODE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def server_sources() -> list[Path]:
    found = [
        p
        for d in (PACKAGE / "server", PACKAGE / "sync" / "server")
        if d.is_dir()
        for p in sorted(d.rglob("*.py"))
    ]
    assert found, "no server package"
    return found + [PACKAGE / "sync" / name for name in PROTOCOL]


def raised_codes(path: Path) -> set[str]:
    """String codes passed as ``code=…`` or to a refusal helper or an ``…Error(…)``."""
    codes: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        values = [kw.value for kw in node.keywords if kw.arg == "code"]
        if name in RAISERS or name.endswith("Error"):
            values += node.args
        codes |= {
            v.value
            for v in values
            if isinstance(v, ast.Constant) and isinstance(v.value, str) and CODE.fullmatch(v.value)
        }
    return codes


def test_every_code_the_server_raises_is_in_the_catalogue() -> None:
    known = {c.value for c in ErrorCode}
    for path in server_sources():
        missing = raised_codes(path) - known
        assert not missing, (
            f"{path.relative_to(PACKAGE)} raises codes not in api/errors.py: {sorted(missing)}"
        )


def test_a_code_is_its_wire_string() -> None:
    assert ErrorCode.NO_UPLOAD == "no_upload" and f"{ErrorCode.UNKNOWN_DEVICE}" == "unknown_device"
    body = ErrorBody.model_validate(
        {
            "error": "wrong_offset",
            "message": {"zh": "分块位置不对", "en": "wrong offset"},
            "offset": 12,
        }
    )
    assert body.error is ErrorCode.WRONG_OFFSET and body.model_extra == {"offset": 12}


def literal_code_comparisons(path: Path) -> list[int]:
    """Lines where ``….code`` (or ``_error_code(…)``) is compared with a string literal."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        left = node.left
        is_code = (isinstance(left, ast.Attribute) and left.attr == "code") or (
            isinstance(left, ast.Call) and getattr(left.func, "id", "") == "_error_code"
        )
        strings = [
            c
            for c in node.comparators
            for c in ([c] if not isinstance(c, ast.Tuple | ast.List | ast.Set) else c.elts)
            if isinstance(c, ast.Constant) and isinstance(c.value, str)
        ]
        if is_code and strings:
            lines.append(node.lineno)
    return lines


def test_clients_compare_codes_with_the_catalogue_not_with_literals() -> None:
    clients = [
        PACKAGE / "sync" / "transport.py",
        PACKAGE / "sync" / "client.py",
        *sorted((PACKAGE / "ui" / "county").rglob("*.py")),
    ]
    for path in clients:
        assert not literal_code_comparisons(path), (
            f"{path.relative_to(PACKAGE)}: compare with ErrorCode members"
        )
