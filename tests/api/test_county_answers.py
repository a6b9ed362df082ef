"""The county server's real answers fit the models of ``fieldsurvey/api/county.py``, field for field.

A county in process (Starlette's test client over the real app and an SQLite database) with a
roster, two devices of one village that change the same field (one conflict), a visit, and an
admin who lists users, sessions, devices and the audit log. Every JSON answer is validated
strictly against the model its route declares, so a field added to an answer without its
model, or a model field the answer lacks, fails here.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from fieldsurvey.api import county as api
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.core.visit import Visit
from fieldsurvey.server import setup
from fieldsurvey.server.app import create_app
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from fieldsurvey.sync.transport import RetryPolicy, Transport
from tests.support.factories import household
from tests.support.server import ADMIN_PASSWORD, COUNTY, enroll_secretary

VILLAGE = "610728101001"


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with warnings.catch_warnings():  # Starlette warns on import that it would rather use httpx2
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
        from fastapi.testclient import TestClient
    sd = ServerDir(Path(tmp_path_factory.mktemp("answers")) / "county")
    setup.init_server(sd, county=COUNTY, name=None, admin="admin", password=ADMIN_PASSWORD, db_url=None)
    home = household(no="6107281010010001", village=VILLAGE, person_index=70)
    import_roster(sd, "test", {"format": "fieldsurvey-roster", "version": 1, "county": COUNTY,
                               "households": [household_to_dict(home)]})
    devices = [enroll_secretary(sd, name, [VILLAGE]) for name in ("sec1", "sec2")]
    with TestClient(create_app(sd), base_url="http://127.0.0.1") as client:
        token = client.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}).json()["token"]
        answers: dict[str, Any] = {}
        hid = home.household_id
        for i, identity in enumerate(devices):
            visit = Visit(hid, date(2025, 5, 6 + i), "书记", "household_visit", "1", {}, status="finalized")
            records: list[dict[str, Any]] = [
                {"kind": "record.update", "record_type": "household", "record_id": hid, "household_id": hid,
                 "base_revision": 1, "changes": [{"field": "phone", "base": None, "value": f"1380000000{i}"}]},
            ]
            if i == 0:
                records.append({"kind": "visit", "visit": {k: v for k, v in visit_to_dict(visit).items()
                                                            if k not in ("cursor", "review_status", "review_comment")}})
            payload = batch_payload(identity, records, base_cursor=None)
            answers[f"commit{i}"] = transport(client, identity).upload(payload["header"]["batch_id"],
                                                                       seal_batch(identity, payload))
        yield {"sd": sd, "client": client, "auth": {"Authorization": f"Bearer {token}"}, "hid": hid, "answers": answers,
               "device": devices[0]}
    sd.close()


def transport(client: Any, identity: Identity) -> Transport:
    return Transport("http://127.0.0.1", identity=identity, client=client, policy=RetryPolicy(attempts=2, base=0.01))


def fits(model: Any, value: Any) -> None:
    TypeAdapter(model).validate_python(value, strict=False)


def test_a_commit_answer_fits_the_ingest_model(county: dict[str, Any]) -> None:
    first, second = county["answers"]["commit0"], county["answers"]["commit1"]
    fits(api.IngestAnswer, first)
    fits(api.IngestAnswer, second)
    assert second["status"] == "has_conflicts" and second["outcomes"][0]["outcome"] == "conflict"


GETS: list[tuple[str, Any]] = [
    ("/info", api.CountyInfo),
    ("/auth/me", api.Me),
    ("/status", api.Status),
    ("/villages", list[api.DivisionRow]),
    ("/admin/users", list[api.UserRow]),
    ("/admin/sessions", list[api.SessionRow]),
    ("/admin/devices", list[api.DeviceRow]),
    ("/admin/audit/verify", api.AuditVerify),
    ("/audit", api.Page[api.AuditEntry]),
    ("/photo-limits", api.PhotoLimits),
]


@pytest.mark.parametrize(("path", "model"), GETS, ids=[p for p, _ in GETS])
def test_each_staff_answer_fits_its_model(county: dict[str, Any], path: str, model: Any) -> None:
    r = county["client"].get("/api/v1" + path, headers=county["auth"])
    assert r.status_code == 200, r.text
    body = r.json()
    fits(model, body)
    if isinstance(body, dict) and "items" in body:
        assert body["items"], f"{path}: nothing to check"


def test_one_batch_one_conflict_one_household_fit(county: dict[str, Any]) -> None:
    client, auth = county["client"], county["auth"]
    batch_id = county["answers"]["commit1"]["batch_id"]
    fits(api.BatchDetail, client.get(f"/api/v1/batches/{batch_id}", headers=auth).json())
    listed = client.get("/api/v1/county/conflicts", headers=auth).json()["items"][0]
    conflict = client.get(f"/api/v1/conflicts/{listed['conflict_id']}", headers=auth).json()
    fits(api.Conflict, conflict)
    assert conflict["server_source"] is not None


def test_the_models_refuse_a_field_they_do_not_know() -> None:
    with pytest.raises(ValueError, match="extra"):
        api.Me.model_validate({"username": "a", "role": "admin", "villages": None, "password": "x"})
    assert all(issubclass(m, BaseModel) and m.model_config.get("extra") == "forbid"
               for m in (api.Status, api.Conflict, api.BatchDetail, api.IngestAnswer))
