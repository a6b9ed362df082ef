"""Photos from laptop to county on a real server process: after the records, sealed in
bundles, resumed across cut connections with every byte stored once, deduplicated by hash,
limited by the county, kept sealed at rest and shown only to who may see the household."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from fieldsurvey.core.photo_refs import item
from fieldsurvey.core.visit import Visit
from fieldsurvey.media import photos as media
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import HouseholdPhotoRow, PhotoRow
from fieldsurvey.server.users import accounts
from fieldsurvey.store import Store
from fieldsurvey.store.sync_state import Enrollment
from tests.server.test_server_resilience import CuttingProxy
from tests.support.server import BACKENDS, VILLAGE_A, VILLAGE_B, County, county_for, run_cli
from tests.sync.test_sync_client import new_device


@pytest.fixture(scope="module", params=BACKENDS)
def county(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[County]:
    yield from county_for(request, tmp_path_factory)


def noisy_photo(seed: int, size: tuple[int, int] = (900, 700)) -> media.ImportedPhoto:
    """A picture that compresses like a camera's (noise), made and imported in memory."""
    rnd = (
        os.urandom(size[0] * size[1] * 3)
        if seed < 0
        else bytes((i * 7919 + seed * 104729) % 251 for i in range(size[0] * size[1] * 3))
    )
    img = Image.frombytes("RGB", size, rnd)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return media.process_bytes(out.getvalue(), f"p{seed}.jpg")


def finalize_with_photos(store: Store, household_id: str, answers: dict, day: int = 6) -> Visit:
    v = Visit(
        household_id,
        date(2025, 5, day),
        "甲村书记",
        "household_visit",
        "2",
        {"food_secure": True, **answers},
        findings="照片测试",
    )
    store.visits.save_draft(v)
    store.visits.finalize(v, None, {"flags": []})
    return v


def route_through(store: Store, url: str) -> None:
    with store.session() as s:
        s.get(Enrollment, 1).server_url = url


def test_photos_follow_the_records_across_cut_connections_once(
    county: County, tmp_path: Path
) -> None:
    store, client = new_device(county, tmp_path / "laptop")
    with store:
        client.sync()
        hh = county.households_in(VILLAGE_A)
        h1, h2 = hh[0]["household_id"], hh[1]["household_id"]
        shots = [noisy_photo(-1) for _ in range(4)]
        store.photos.add_many(shots)
        finalize_with_photos(
            store,
            h1,
            {
                "house_photos": [item(shots[0].sha256, "东侧"), item(shots[1].sha256)],
                "water_source_photos": [item(shots[2].sha256)],
            },
        )
        # the same picture for a neighbour: the county keeps it once and is not sent it again
        finalize_with_photos(
            store,
            h2,
            {"house_photos": [item(shots[0].sha256)], "visit_photos": [item(shots[3].sha256)]},
            day=7,
        )
        jpeg_bytes = sum(len(p.jpeg) for p in shots)
        assert jpeg_bytes > 600_000
        proxy = CuttingProxy(county.server.port, after=350_000, cuts=2)
        route_through(store, f"http://127.0.0.1:{proxy.port}")
        seen: list[tuple[str, int, int]] = []
        client.progress = lambda phase, done, total: seen.append((phase, done, total))
        try:
            report = client.sync()
        finally:
            proxy.close()
        assert [b["status"] for b in report.sent_batches] == ["merged"]  # the visits went first
        assert proxy.cut_count == 2
        p = report.photos
        assert p is not None and p.refused == [] and p.stored == 5  # (household, photo) pairs
        assert p.bytes_sent < jpeg_bytes * 1.05 + 8192  # four pictures' worth: the shared one once
        photo_progress = [(d, t) for phase, d, t in seen if phase == "photos"]
        assert photo_progress and photo_progress[-1][0] == photo_progress[-1][1] == p.bytes_sent
        assert [d for d, _ in photo_progress] == sorted(
            d for d, _ in photo_progress
        )  # never started over
        # every byte once: what crossed the proxy is the batch, the photos and small requests,
        # plus at most the cut chunks again
        assert proxy.client_bytes < p.bytes_sent * 1.25 + 200_000
        route_through(store, county.server.url)
        again = client.sync()
        assert again.photos is None or (again.photos.bytes_sent == 0 and again.photos.bundles == 0)
        assert store.photos.unsent() == [] and store.photos.outbox() == []

    sd = ServerDir(county.server.data_dir)
    try:
        with sd.transaction() as s:
            rows = {
                r.sha256: r
                for r in s.query(PhotoRow).filter(PhotoRow.sha256.in_([x.sha256 for x in shots]))
            }
            links = (
                s.query(HouseholdPhotoRow)
                .filter(HouseholdPhotoRow.household_id.in_([h1, h2]))
                .count()
            )
            assert len(rows) == 4 and links == 5  # one copy of the shared picture, linked twice
            for shot in shots:  # sealed at rest: the column holds no JPEG
                sealed = rows[shot.sha256].jpeg
                assert shot.jpeg not in sealed and b"\xff\xd8\xff" not in sealed[:64]
    finally:
        sd.close()

    staff = county.server.token("staff", "staff-pass-123")
    listed = county.server.api("GET", f"/households/{h1}/photos", staff).json()["photos"]
    assert [(x["field"], x["caption"]) for x in listed] == [
        ("house_photos", "东侧"),
        ("house_photos", None),
        ("water_source_photos", None),
    ]
    assert listed[0].get("taken_at") is None and listed[0]["width"] == 900
    got = county.server.api("GET", f"/households/{h1}/photos/{shots[0].sha256}", staff)
    assert (
        got.status_code == 200
        and got.headers["content-type"] == "image/jpeg"
        and got.content == shots[0].jpeg
    )


def test_only_who_may_see_the_household_sees_its_photos(county: County, tmp_path: Path) -> None:
    store, client = new_device(county, tmp_path / "a")
    with store:
        client.sync()
        hid = county.households_in(VILLAGE_A)[2]["household_id"]
        shot = noisy_photo(5, (400, 300))
        store.photos.add(shot)
        finalize_with_photos(store, hid, {"family_photos": [item(shot.sha256)]})
        assert client.sync().photos.stored == 1  # type: ignore[union-attr]
    sd = county.server.server_dir
    accounts.add_user(
        sd,
        "test",
        username="viewer_b",
        role="secretary",
        display_name="乙村",
        password="viewer-b-pass-9",
    )
    accounts.assign(sd, "test", username="viewer_b", villages=[VILLAGE_B])
    other = county.server.token("viewer_b", "viewer-b-pass-9")
    assert county.server.api("GET", f"/households/{hid}/photos", other).json()["photos"] == []
    r = county.server.api("GET", f"/households/{hid}/photos/{shot.sha256}", other)
    assert r.status_code == 404 and shot.jpeg not in r.content
    # a device of village B that learnt the hash cannot get the picture linked to its own household
    store_b, client_b = new_device(county, tmp_path / "b", "sec_b")
    with store_b:
        client_b.sync()
        hb = county.households_in(VILLAGE_B)[0]["household_id"]
        forged = media.ImportedPhoto(shot.sha256, shot.jpeg, shot.thumbnail, shot.meta)
        store_b.photos.add(forged)  # (it would need the bytes anyway; here it even has them)
        finalize_with_photos(store_b, hb, {"family_photos": [item(shot.sha256)]})
        report = client_b.sync()
        assert (
            report.photos is not None and report.photos.stored == 1
        )  # its own copy, for its own household
    b_token = other
    assert [
        x["sha256"]
        for x in county.server.api("GET", f"/households/{hb}/photos", b_token).json()["photos"]
    ] == [shot.sha256]
    assert county.server.api("GET", f"/households/{hid}/photos", b_token).json()["photos"] == []


def test_limits_set_by_the_county_are_named_in_the_refusal(county: County, tmp_path: Path) -> None:
    admin_token = county.server.token()
    hid = county.households_in(VILLAGE_A)[2]["household_id"]
    held = len(county.server.api("GET", f"/households/{hid}/photos", admin_token).json()["photos"])
    limit = held + 1
    r = county.server.api("PUT", "/photo-limits", admin_token, json={"per_household": limit})
    assert r.status_code == 200 and r.json()["per_household"] == limit
    staff = county.server.token("staff", "staff-pass-123")
    assert (
        county.server.api("PUT", "/photo-limits", staff, json={"per_household": 9}).status_code
        == 403
    )
    try:
        store, client = new_device(county, tmp_path / "lim")
        with store:
            client.sync()
            a, b = noisy_photo(7, (300, 200)), noisy_photo(8, (300, 200))
            store.photos.add_many([a, b])
            finalize_with_photos(store, hid, {"house_photos": [item(a.sha256), item(b.sha256)]})
            report = client.sync()
            assert (
                report.photos is not None
                and report.photos.stored == 1
                and len(report.photos.refused) == 1
            )
            refusal = report.photos.refused[0]
            assert (
                f"每户照片数最多 {limit}" in refusal["zh"]
                and f"photos per household at most {limit}" in refusal["en"]
            )
            assert any(f"每户照片数最多 {limit}" in line.zh for line in report.lines())
            quiet = client.sync().photos  # a refused photo is not offered again
            assert (
                quiet is not None
                and quiet.bytes_sent == 0
                and quiet.refused == []
                and store.photos.unsent() == []
            )
    finally:
        county.server.api("PUT", "/photo-limits", admin_token, json={"per_household": 40})


def test_photos_ride_on_the_usb_stick_beside_the_batch(county: County, tmp_path: Path) -> None:
    store, client = new_device(county, tmp_path / "usb")
    with store:
        client.sync()
        hid = county.households_in(VILLAGE_A)[0]["household_id"]
        shot = noisy_photo(9, (500, 400))
        store.photos.add(shot)
        finalize_with_photos(store, hid, {"water_source_photos": [item(shot.sha256)]})
        out = tmp_path / "stick" / "batch.fsb"
        out.parent.mkdir()
        exported = client.export_batch(out)
        files = [Path(f) for f in exported["photo_files"]]
        assert len(files) == 1 and shot.jpeg not in files[0].read_bytes()
        run_cli(
            "server",
            "batch",
            "import",
            "--data-dir",
            str(county.server.data_dir),
            str(out),
            str(files[0]),
        )
        staff = county.server.token("staff", "staff-pass-123")
        assert shot.sha256 in [
            x["sha256"]
            for x in county.server.api("GET", f"/households/{hid}/photos", staff).json()["photos"]
        ]
        # online later: the county has it, so the bundle is dropped without a byte sent
        report = client.sync()
        assert (
            report.photos is not None
            and report.photos.bytes_sent == 0
            and store.photos.outbox() == []
        )


def test_a_stopped_photo_upload_resumes_where_it_stopped(county: County, tmp_path: Path) -> None:
    from fieldsurvey.core.errors import Cancelled

    store, client = new_device(county, tmp_path / "stop")
    with store:
        client.sync()
        hid = county.households_in(VILLAGE_A)[1]["household_id"]
        shots = [noisy_photo(-1, (1000, 800)) for _ in range(2)]
        store.photos.add_many(shots)
        finalize_with_photos(
            store, hid, {"house_interior_photos": [item(s.sha256) for s in shots]}, day=9
        )
        seen: list[int] = []

        def stop_midway(phase: str, done: int, total: int) -> None:
            if phase == "photos":
                seen.append(done)
                if done > total // 3:
                    client.cancel.set()  # the secretary presses Cancel

        client.progress = stop_midway
        with pytest.raises(Cancelled):
            client.sync()
        assert store.photos.outbox() and store.photos.unsent()  # kept for the next sync
        sent_before = max(seen)
        client.cancel.clear()
        resumed: list[tuple[int, int]] = []
        client.progress = lambda phase, done, total: (
            resumed.append((done, total)) if phase == "photos" else None
        )
        report = client.sync()
        assert report.photos is not None and report.photos.stored == 2
        assert (
            resumed[0][0] >= sent_before - 256 * 1024
        )  # went on from the county's offset, not from 0
        assert store.photos.unsent() == [] and store.photos.outbox() == []


def test_a_forged_or_foreign_bundle_is_refused_whole_and_audited(
    county: County, tmp_path: Path
) -> None:
    from fieldsurvey.server.db.models import AuditEntry
    from fieldsurvey.sync.photo_upload import seal_bundle
    from fieldsurvey.sync.transport import ServerError, Transport

    store, client = new_device(county, tmp_path / "forge")
    with store:
        client.sync()
        identity, _row = client.identity()
        hid = county.households_in(VILLAGE_A)[2]["household_id"]
        shot = noisy_photo(77, (300, 200))
        store.photos.add(shot)
        bundle_id, data = seal_bundle(store, identity, [(hid, shot.sha256)])
        t = Transport(county.server.url, identity=identity)
        try:
            broken = bytearray(data)
            broken[len(data) // 2] ^= 1  # one flipped bit: the signature no longer holds
            with pytest.raises(ServerError) as e:
                t.upload(bundle_id, bytes(broken))
            assert e.value.status in (400, 403, 422)
            # a photo whose visit the county never got: refused, said, nothing stored
            result = t.upload(*seal_bundle(store, identity, [(hid, shot.sha256)]))
        finally:
            t.close()
    assert result["counts"] == {"stored": 0, "already": 0, "refused": 1}
    assert (
        result["outcomes"][0]["code"] == "unreferenced"
        and "走访" in result["outcomes"][0]["message"]["zh"]
    )
    sd = ServerDir(county.server.data_dir)
    try:
        with sd.transaction() as s:
            assert s.query(PhotoRow).filter(PhotoRow.sha256 == shot.sha256).count() == 0
            assert s.query(AuditEntry).filter(AuditEntry.action == "photos_refused").count() >= 1
    finally:
        sd.close()
