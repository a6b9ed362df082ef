"""The county server's real answers fit the models of ``fieldsurvey/api/county.py``, field for field.

A county in process (Starlette's test client over the real app and an SQLite database) with a
roster, two devices of one village that change the same field (one conflict), a visit with a
photo the first device then sends, and an admin who lists everything, writes (users, sessions,
devices, populations, photo limits), resolves the conflict, reviews the visit and imports an
Excel roster. Every JSON answer is validated
strictly against the model its route declares, so a field added to an answer without its
model, or a model field the answer lacks, fails here.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PIL import Image
from pydantic import BaseModel, TypeAdapter

from fieldsurvey.api import admin, files, lists
from fieldsurvey.api import county as api
from fieldsurvey.api import dashboard as dash
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.core.photo_refs import item
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.core.visit import Visit
from fieldsurvey.server.app import create_app
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync import envelope, photo_bundle
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from fieldsurvey.sync.transport import RetryPolicy, Transport
from tests.support.factories import household
from tests.support.server import (
    ADMIN_PASSWORD,
    app_client,
    enroll_secretary,
    init_county,
    roster_of,
    township,
)

VILLAGE = "610728101001"
DIVISIONS = township({VILLAGE: "示范村"}, "泾洋街道")


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    sd = init_county(Path(tmp_path_factory.mktemp("answers")) / "county")
    home = household(no="6107281010010001", village=VILLAGE, person_index=70)
    import_roster(sd, "test", roster_of([household_to_dict(home)], divisions=DIVISIONS))
    jpeg = small_jpeg()
    sha = hashlib.sha256(jpeg).hexdigest()
    devices = [enroll_secretary(sd, name, [VILLAGE]) for name in ("sec1", "sec2")]
    with app_client(create_app(sd), "http://127.0.0.1") as client:
        token = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["token"]
        answers: dict[str, Any] = {}
        hid = home.household_id
        for i, identity in enumerate(devices):
            visit = Visit(
                hid,
                date(2025, 5, 6 + i),
                "书记",
                "household_visit",
                "1",
                {"house_photos": [item(sha, "东侧")]},
                status="finalized",
            )
            records: list[dict[str, Any]] = [
                {
                    "kind": "record.update",
                    "record_type": "household",
                    "record_id": hid,
                    "household_id": hid,
                    "base_revision": 1,
                    "changes": [{"field": "phone", "base": None, "value": f"1380000000{i}"}],
                },
            ]
            if i == 0:
                records.append(
                    {
                        "kind": "visit",
                        "visit": {
                            k: v
                            for k, v in visit_to_dict(visit).items()
                            if k not in ("cursor", "review_status", "review_comment")
                        },
                    }
                )
            payload = batch_payload(identity, records, base_cursor=None)
            answers[f"commit{i}"] = transport(client, identity).upload(
                payload["header"]["batch_id"], seal_batch(identity, payload)
            )
        first = transport(client, devices[0])
        answers["missing"] = first.request(
            "POST", "/photos/missing", json={"photos": [[hid, sha]]}
        ).json()
        answers["photos"] = first.upload(*seal_photos(devices[0], hid, jpeg))
        yield {
            "sd": sd,
            "client": client,
            "auth": {"Authorization": f"Bearer {token}"},
            "hid": hid,
            "answers": answers,
            "device": devices[0],
        }
    sd.close()


def transport(client: Any, identity: Identity) -> Transport:
    return Transport(
        "http://127.0.0.1",
        identity=identity,
        client=client,
        policy=RetryPolicy(attempts=2, base=0.01),
    )


def seal_photos(identity: Identity, household_id: str, jpeg: bytes) -> tuple[str, bytes]:
    bundle_id, now = str(uuid.uuid4()), datetime.now(UTC).isoformat()
    photo = photo_bundle.photo_entry(
        household_id, hashlib.sha256(jpeg).hexdigest(), jpeg, {"width": 40, "height": 30}
    )
    payload = photo_bundle.payload(
        bundle_id, identity.device_id, identity.user, identity.county, now, [photo]
    )
    return bundle_id, envelope.seal(
        kind=photo_bundle.KIND,
        envelope_id=bundle_id,
        sender=identity.device_id,
        recipient=identity.county,
        created_at=now,
        payload=payload,
        signer=identity.keys.signing,
        recipient_key=identity.county_encryption,
    )


def fits(model: Any, value: Any) -> None:
    TypeAdapter(model).validate_python(value, strict=False)


def test_a_commit_answer_fits_the_ingest_model(county: dict[str, Any]) -> None:
    first, second = county["answers"]["commit0"], county["answers"]["commit1"]
    fits(api.IngestAnswer, first)
    fits(api.IngestAnswer, second)
    assert second["status"] == "has_conflicts" and second["outcomes"][0]["outcome"] == "conflict"


def test_a_photo_bundle_and_the_question_before_it_fit(county: dict[str, Any]) -> None:
    fits(files.MissingPhotos, county["answers"]["missing"])
    fits(files.PhotoIngest, county["answers"]["photos"])
    assert (
        county["answers"]["missing"]["missing"]
        and county["answers"]["photos"]["counts"]["stored"] == 1
    )


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
    ("/county/batches", lists.KeysetPage[lists.InboxBatch]),
    ("/county/households", lists.KeysetPage[lists.HouseholdItem]),
    ("/county/records", lists.KeysetPage[lists.HouseholdRecords]),
    ("/county/visits", lists.KeysetPage[lists.ListedVisit]),
    ("/dashboard", dash.Dashboard),
    ("/populations", list[dash.Population]),
]


@pytest.mark.parametrize(("path", "model"), GETS, ids=[p for p, _ in GETS])
def test_each_staff_answer_fits_its_model(county: dict[str, Any], path: str, model: Any) -> None:
    r = county["client"].get("/api/v1" + path, headers=county["auth"])
    assert r.status_code == 200, r.text
    body = r.json()
    fits(model, body)
    if isinstance(body, dict) and "items" in body:
        assert body["items"], f"{path}: nothing to check"
    assert body, f"{path}: nothing to check"


def test_a_household_and_its_photos_fit(county: dict[str, Any]) -> None:
    client, auth, hid = county["client"], county["auth"], county["hid"]
    fits(lists.HouseholdDetail, client.get(f"/api/v1/households/{hid}", headers=auth).json())
    shown = client.get(f"/api/v1/households/{hid}/photos", headers=auth).json()
    fits(files.HouseholdPhotos, shown)
    assert shown["photos"][0]["caption"] == "东侧"


def test_one_batch_one_conflict_one_household_fit(county: dict[str, Any]) -> None:
    client, auth = county["client"], county["auth"]
    batch_id = county["answers"]["commit1"]["batch_id"]
    fits(api.BatchDetail, client.get(f"/api/v1/batches/{batch_id}", headers=auth).json())
    listed = client.get("/api/v1/county/conflicts", headers=auth).json()["items"][0]
    conflict = client.get(f"/api/v1/conflicts/{listed['conflict_id']}", headers=auth).json()
    fits(api.Conflict, conflict)
    assert conflict["server_source"] is not None
    queue = client.get("/api/v1/county/conflicts", headers=auth).json()
    fits(lists.KeysetPage[lists.ListedConflict], queue)
    assert queue["items"][0]["server_source"]["device"] == "sec1"
    resolved = client.post(
        f"/api/v1/conflicts/{listed['conflict_id']}/resolve",
        headers=auth,
        json={"value": listed["device_value"], "note": "问过户主"},
    )
    assert resolved.status_code == 200, resolved.text
    fits(api.Conflict, resolved.json())
    visit = client.get("/api/v1/county/visits", headers=auth).json()["items"][0]
    reviewed = client.post(
        f"/api/v1/visits/{visit['visit_id']}/review", headers=auth, json={"status": "ok"}
    )
    fits(lists.ReviewedVisit, reviewed.json())
    assert reviewed.json()["review_status"] == "ok"


def test_the_admin_writes_fit(county: dict[str, Any]) -> None:
    client, auth = county["client"], county["auth"]

    def call(method: str, path: str, model: Any, **kwargs: Any) -> dict[str, Any]:
        r = client.request(method, "/api/v1" + path, headers=auth, **kwargs)
        assert r.status_code == 200, r.text
        fits(model, r.json())
        return dict(r.json())

    call(
        "POST",
        "/admin/users",
        admin.UserAdded,
        json={"username": "u1", "role": "county_staff", "password": "pw-long-enough-1"},
    )
    call("PUT", "/admin/users/u1/villages", admin.VillagesAssigned, json={"villages": [VILLAGE]})
    assert call("POST", "/admin/users/u1/disable", admin.Disabled)["sessions_ended"] == 0
    call("POST", "/admin/users/u1/enable", admin.Disabled)
    call(
        "PUT", "/admin/users/u1/password", admin.PasswordSet, json={"password": "another-long-pw-2"}
    )
    call("POST", "/admin/users/u1/unlock", admin.Unlocked)
    call("DELETE", "/admin/users/u1/sessions", admin.SessionsEnded)
    own = client.post(
        "/api/v1/auth/login", json={"username": "u1", "password": "another-long-pw-2"}
    )
    session_id = next(
        s["session_id"]
        for s in client.get("/api/v1/admin/sessions", headers=auth).json()
        if s["user"] == "u1"
    )
    assert own.status_code == 200
    assert call("DELETE", f"/admin/sessions/{session_id}", admin.SessionsEnded)["ended"] == 1
    call("POST", "/admin/enroll-codes", admin.EnrollCode, json={"username": "sec1"})
    enrolled = enroll_secretary(county["sd"], "sec3", [VILLAGE])
    call("POST", f"/admin/devices/{enrolled.device_id}/revoke", admin.DeviceRevoked)
    call("PUT", "/photo-limits", api.PhotoLimits, json={"per_household": 40})
    call(
        "PUT",
        f"/populations/{VILLAGE}",
        dash.PopulationSet,
        json={"rural_population": 1200, "source": "统计局"},
    )
    call("POST", "/reassess", dash.Reassessed)


def test_an_excel_roster_upload_fits_from_start_to_import(county: dict[str, Any]) -> None:
    client, auth = county["client"], county["auth"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["行政区划代码", "户编号", "户主姓名", "姓名", "与户主关系", "证件号码"])
    sheet.append(
        [
            VILLAGE,
            "6107281010019101",
            "刘长顺",
            "刘长顺",
            "户主",
            make_id_number("610728", date(1968, 4, 2), 602, "male"),
        ]
    )
    sheet.append([VILLAGE, "6107281010019102", "何春花", "何春花", "户主", "bad"])

    def call(method: str, path: str, model: Any, **kwargs: Any) -> dict[str, Any]:
        r = client.request(method, "/api/v1/roster" + path, headers=auth, **kwargs)
        assert r.status_code == 200, r.text
        fits(model, r.json())
        return dict(r.json())

    def uploaded() -> str:
        """The workbook as it stands, uploaded in one chunk; the upload's id."""
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
        upload_id = call(
            "POST",
            "/uploads",
            files.RosterUploadStarted,
            json={"size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
        )["upload_id"]
        call("PUT", f"/uploads/{upload_id}/chunk?offset=0", api.UploadOffset, content=data)
        return str(upload_id)

    upload_id = uploaded()
    mapping = call("GET", f"/uploads/{upload_id}", files.RosterPreview)["suggested"]
    checked = call(
        "POST", f"/uploads/{upload_id}/check", files.RosterCheck, json={"mapping": mapping}
    )
    assert checked["rejected"] and checked["accepted_households"] == 1
    call("DELETE", f"/uploads/{upload_id}", files.Discarded)
    del sheet
    book.active.delete_rows(3)  # type: ignore[union-attr]
    upload_id = uploaded()
    assert (
        call(
            "POST", f"/uploads/{upload_id}/import", files.RosterImported, json={"mapping": mapping}
        )["households"]
        == 1
    )


def test_the_models_refuse_a_field_they_do_not_know() -> None:
    with pytest.raises(ValueError, match="extra"):
        api.Me.model_validate({"username": "a", "role": "admin", "villages": None, "password": "x"})
    assert all(
        issubclass(m, BaseModel) and m.model_config.get("extra") == "forbid"
        for m in (api.Status, api.Conflict, api.BatchDetail, api.IngestAnswer)
    )
