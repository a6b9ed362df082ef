"""The OpenAPI at /docs shows what each route answers: a 2xx response with a schema that says
something (not ``{}``, not "any object"), from ``fieldsurvey/api/county.py``.

Routes not typed yet are listed by name in ``UNTYPED``; the list must match exactly, so typing a
route removes it here, and a new untyped route fails until it gets a model (or is listed, in
review, as a debt)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldsurvey.server import setup
from fieldsurvey.server.app import create_app
from fieldsurvey.server.db.engine import ServerDir
from tests.support.server import ADMIN_PASSWORD, COUNTY

UNTYPED = {
    "GET /api/v1/county/batches", "GET /api/v1/county/conflicts", "GET /api/v1/county/households",
    "GET /api/v1/county/records", "GET /api/v1/county/visits", "GET /api/v1/households/{household_id}",
    "GET /api/v1/dashboard", "GET /api/v1/populations", "PUT /api/v1/populations/{village_code}",
    "POST /api/v1/reassess", "POST /api/v1/conflicts/{conflict_id}/resolve", "POST /api/v1/visits/{visit_id}/review",
    "POST /api/v1/admin/users", "PUT /api/v1/admin/users/{username}/villages", "POST /api/v1/admin/users/{username}/disable",
    "POST /api/v1/admin/users/{username}/enable", "PUT /api/v1/admin/users/{username}/password",
    "POST /api/v1/admin/users/{username}/unlock", "DELETE /api/v1/admin/sessions/{session_id}",
    "DELETE /api/v1/admin/users/{username}/sessions", "POST /api/v1/admin/devices/{device_id}/revoke",
    "POST /api/v1/admin/enroll-codes", "POST /api/v1/uploads/{batch_id}/commit", "POST /api/v1/photos/missing",
    "GET /api/v1/households/{household_id}/photos", "PUT /api/v1/photo-limits",
    "POST /api/v1/roster/uploads", "PUT /api/v1/roster/uploads/{upload_id}/chunk", "GET /api/v1/roster/uploads/{upload_id}",
    "POST /api/v1/roster/uploads/{upload_id}/check", "POST /api/v1/roster/uploads/{upload_id}/import",
    "DELETE /api/v1/roster/uploads/{upload_id}",
}


def says_something(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return says_something(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if schema.get("type") == "array":
        return says_something(schema.get("items", {}), components)
    return bool(schema.get("properties") or schema.get("anyOf") or schema.get("oneOf") or schema.get("enum"))


def test_every_route_shows_its_answer_except_the_listed_debt(tmp_path: Path) -> None:
    sd = ServerDir(tmp_path / "county")
    setup.init_server(sd, county=COUNTY, name=None, admin="admin", password=ADMIN_PASSWORD, db_url=None)
    try:
        spec = create_app(sd).openapi()
    finally:
        sd.close()
    components = spec.get("components", {}).get("schemas", {})
    untyped = set()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ok = next((r for code, r in op["responses"].items() if code.startswith("2")), None)
            assert ok is not None, f"{method.upper()} {path}: no 2xx response"
            content = ok.get("content", {})
            if any(kind != "application/json" for kind in content):
                continue  # bytes (a feed envelope, a photo, an export): the content type is the answer
            if not says_something(content.get("application/json", {}).get("schema", {}), components):
                untyped.add(f"{method.upper()} {path}")
    assert untyped == UNTYPED
