"""The OpenAPI at /docs shows what each route answers: a 2xx response with a schema that says
something (not ``{}``, not "any object"), from ``fieldsurvey/api/county.py``.

Routes not typed yet are listed by name in ``UNTYPED``; the list must match exactly, so typing a
route removes it here, and a new untyped route fails until it gets a model (or is listed, in
review, as a debt)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldsurvey.server.app import create_app
from tests.support.server import init_county

UNTYPED: set[str] = set()  # every JSON route shows its answer; keep it so


def says_something(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return says_something(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if schema.get("type") == "array":
        return says_something(schema.get("items", {}), components)
    return bool(
        schema.get("properties") or schema.get("anyOf") or schema.get("oneOf") or schema.get("enum")
    )


def openapi(tmp_path: Path) -> dict[str, Any]:
    sd = init_county(tmp_path / "county")
    try:
        return create_app(sd).openapi()
    finally:
        sd.close()


def test_every_route_shows_its_answer_except_the_listed_debt(tmp_path: Path) -> None:
    spec = openapi(tmp_path)
    components = spec.get("components", {}).get("schemas", {})
    untyped = set()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ok = next((r for code, r in op["responses"].items() if code.startswith("2")), None)
            assert ok is not None, f"{method.upper()} {path}: no 2xx response"
            content = ok.get("content", {})
            if any(kind != "application/json" for kind in content):
                continue  # bytes (a feed envelope, a photo, an export): the content type is the answer
            if not says_something(
                content.get("application/json", {}).get("schema", {}), components
            ):
                untyped.add(f"{method.upper()} {path}")
    assert untyped == UNTYPED


def test_every_route_shows_its_refusals_with_the_one_error_body(tmp_path: Path) -> None:
    spec = openapi(tmp_path)
    components = spec["components"]["schemas"]
    assert set(components["ErrorBody"]["required"]) == {"error", "message"}
    assert (
        "HTTPValidationError" not in components
    )  # a malformed request gets the same body, not FastAPI's
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            refused = {code: r for code, r in op["responses"].items() if code.startswith("4")}
            assert {"401", "422"} <= set(refused), f"{method.upper()} {path}: {sorted(refused)}"
            for code, r in refused.items():
                ref = r["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), f"{method.upper()} {path} {code}: {ref}"
