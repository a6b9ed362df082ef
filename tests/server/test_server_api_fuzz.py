"""Schemathesis against the server's own OpenAPI: any request gets an answer, never a 500.

The app runs in this process on a real database (SQLite file, PostgreSQL), called through ASGI:
the point is what the routes answer, not the network between (tests/server/test_server_tls.py and
the field season keep real processes). Requests carry an admin's bearer token, so the county and
admin routes are exercised past the login check; device routes answer 401 to unsigned requests,
which is what they must do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.support.server import BACKENDS, AppCounty, app_county


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppCounty]:
    with app_county(tmp_path_factory.mktemp(f"fuzz-{request.param}"), request.param) as c:
        yield c


@pytest.fixture(scope="module")
def admin_token(county: AppCounty) -> str:
    return county.token()


@pytest.fixture(scope="module")
def api_schema(county: AppCounty) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", county.app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_server_fail(case: Any, admin_token: str) -> None:
    if case.path == "/api/v1/auth/logout":
        return  # would end the session the other cases use
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"}, checks=[not_a_server_error]
    )
    assert response.status_code < 500


@pytest.mark.parametrize("query", ["status=%00", "village=13%01", "q=%7f"])
def test_a_control_character_in_a_query_is_refused_at_the_door(
    county: AppCounty, admin_token: str, query: str
) -> None:
    """Found by the fuzzer on PostgreSQL: a NUL in an export filter cut the CSV stream mid-response."""
    response = county.api("GET", f"/exports/visits.csv?{query}", admin_token)
    assert response.status_code == 400
    assert response.json()["message"]["zh"] == "请求中含有控制字符"
    fine = county.api("GET", "/exports/visits.csv?status=normal", admin_token)
    assert fine.status_code in (200, 422)


def test_a_control_character_in_a_json_body_is_refused_at_the_door(
    county: AppCounty, admin_token: str
) -> None:
    """Found by the fuzzer on PostgreSQL: a NUL in a user name reached the database (a 500)."""
    response = county.api(
        "POST",
        "/admin/enroll-codes",
        admin_token,
        content=b'{"username": "sec\\u0000a"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["message"]["zh"] == "请求中含有控制字符"
