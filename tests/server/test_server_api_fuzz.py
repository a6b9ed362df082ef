"""Schemathesis against the running server's /openapi.json: any request gets an answer, never a 500.

Requests carry an admin's bearer token, so the county and admin routes are exercised past the
login check; device routes answer 401 to unsigned requests, which is what they must do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.support.server import BACKENDS, County, county_for


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[County]:
    # A server process: the fuzzer is one long test (hundreds of requests), and with the server on
    # a thread of this process the two share one interpreter lock and overran the 300 s timeout
    # on a busy machine.
    yield from county_for(request, tmp_path_factory, process=True)


@pytest.fixture(scope="module")
def admin_token(county: County) -> str:
    return county.server.token()


@pytest.fixture(scope="module")
def api_schema(county: County) -> Any:
    return schemathesis.openapi.from_url(county.server.url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_server_fail(case: Any, county: County, admin_token: str) -> None:
    if case.path == "/api/v1/auth/logout":
        return  # would end the session the other cases use
    response = case.call_and_validate(
        base_url=county.server.url,
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error],
        timeout=60,
    )
    assert response.status_code < 500


@pytest.mark.parametrize("query", ["status=%00", "village=13%01", "q=%7f"])
def test_a_control_character_in_a_query_is_refused_at_the_door(
    county: County, admin_token: str, query: str
) -> None:
    """Found by the fuzzer on PostgreSQL: a NUL in an export filter cut the CSV stream mid-response."""
    import httpx

    response = httpx.get(
        f"{county.server.url}/api/v1/exports/visits.csv?{query}",
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=30,
    )
    assert response.status_code == 400
    assert response.json()["message"]["zh"] == "请求中含有控制字符"
    fine = httpx.get(
        f"{county.server.url}/api/v1/exports/visits.csv?status=normal",
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=30,
    )
    assert fine.status_code in (200, 422)


def test_a_control_character_in_a_json_body_is_refused_at_the_door(
    county: County, admin_token: str
) -> None:
    """Found by the fuzzer on PostgreSQL: a NUL in a user name reached the database (a 500)."""
    import httpx

    response = httpx.post(
        f"{county.server.url}/api/v1/admin/enroll-codes",
        content=b'{"username": "sec\\u0000a"}',
        headers={"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.json()["message"]["zh"] == "请求中含有控制字符"
