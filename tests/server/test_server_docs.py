"""The running server documents its own API: the OpenAPI schema and the page that shows it."""

from __future__ import annotations

import httpx

from tests.support.server import County


def test_the_server_serves_its_openapi_and_docs(county: County) -> None:
    spec = httpx.get(county.server.url + "/openapi.json", timeout=30).json()
    assert "/api/v1/uploads/{batch_id}/chunk" in spec["paths"]
    assert httpx.get(county.server.url + "/docs", timeout=30).status_code == 200
