"""Four places where docs/sync-protocol.md and the county's code had to agree, through the real
routes in process (a device signing its requests with its own keys):

- every feed page's header says whether it is the ``first`` page of a full resync;
- ``limit`` counts items: an incremental page holds at most that many, ending on a change, unless
  one change alone is bigger; a snapshot page holds max(1, limit // 10) whole households; outside
  1–2000 it is refused (422);
- a device the county does not know is 401 ``unknown_device`` — signed request or batch file;
  a revoked one is 403;
- committing an upload again after the county answered (the answer was lost) gets the same
  answer, ``already_received``, not a 404 that would make the laptop send the batch again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey.core.household import Helper
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.server.app import create_app
from fieldsurvey.server.batches.checks import Refused
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.sync.batch import Identity, batch_payload, open_feed, seal_batch
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.transport import RetryPolicy, ServerError, Transport
from tests.support.factories import household
from tests.support.server import app_client, enroll_secretary, init_county, roster_of

VILLAGE = "610728101001"
HOUSEHOLDS = 9  # each its own change of three items: the household, its head, a helper


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerDir, Any, Identity]]:
    sd = init_county(Path(tmp_path_factory.mktemp("edges")) / "county")
    homes = []
    for i in range(HOUSEHOLDS):
        h = household(no=f"610728101001{i:04d}", village=VILLAGE, person_index=60 + i)
        h.members = h.members[:1]
        h.helpers, h.measures, h.incomes = [Helper("李帮扶", "县农业局", date(2024, 1, 1))], [], []
        homes.append(household_to_dict(h))
    import_roster(sd, "test", roster_of(homes))
    identity = enroll_secretary(sd, "sec", [VILLAGE])
    with app_client(create_app(sd), "http://127.0.0.1") as client:
        yield sd, client, identity
    sd.close()


def device(client: Any, identity: Identity) -> Transport:
    return Transport(
        "http://127.0.0.1",
        identity=identity,
        client=client,
        policy=RetryPolicy(attempts=2, base=0.01),
    )


def pages(t: Transport, identity: Identity, cursor: str | None, limit: int) -> list[dict[str, Any]]:
    out = []
    while True:
        page = open_feed(identity, t.feed_page(cursor, limit))
        out.append(page)
        cursor = page["header"]["to_cursor"]
        if not page["header"]["more"]:
            return out


def seq(cursor: str) -> int:
    return int(cursor.split(":")[1])


def test_every_feed_page_says_whether_it_is_the_first_of_a_full_resync(
    county: tuple[ServerDir, Any, Identity],
) -> None:
    _sd, client, identity = county
    t = device(client, identity)
    snapshot = pages(t, identity, None, 10)  # one household a page
    assert [p["header"]["first"] for p in snapshot] == [True] + [False] * (len(snapshot) - 1)
    assert all(p["header"]["full"] for p in snapshot) and len(snapshot) >= HOUSEHOLDS
    assert [("live_households" in p, "divisions" in p) for p in snapshot][:2] == [
        (True, True),
        (False, False),
    ]
    later = pages(t, identity, snapshot[-1]["header"]["to_cursor"], 2000)
    assert [p["header"]["first"] for p in later] == [False] and not later[0]["header"]["full"]


def test_a_device_with_nothing_new_keeps_its_cursor_and_gets_no_full_resync(
    county: tuple[ServerDir, Any, Identity],
) -> None:
    _sd, client, identity = county
    t = device(client, identity)
    top = pages(t, identity, None, 2000)[-1]["header"]["to_cursor"]
    for _ in range(2):  # before, the first empty page answered a cursor past the newest change,
        [page] = pages(
            t, identity, top, 2000
        )  # which the next request took for one from the future
        assert (page["header"]["to_cursor"], page["header"]["full"], page["items"]) == (
            top,
            False,
            [],
        )


def test_limit_counts_the_items_of_a_page_and_a_page_ends_on_a_change(
    county: tuple[ServerDir, Any, Identity],
) -> None:
    _sd, client, identity = county
    t = device(client, identity)
    last = pages(t, identity, None, 2000)[-1]["header"]["to_cursor"]
    epoch, _top, scope = last.split(":")
    got = pages(
        t, identity, f"{epoch}:0:{scope}", 10
    )  # from the start: every change again, incrementally
    assert [p["header"]["count"] for p in got] == [
        9,
        9,
        9,
    ]  # three changes of three items fit in 10, a fourth not
    assert all(len(p["items"]) == p["header"]["count"] for p in got)
    whole = pages(
        t, identity, f"{epoch}:0:{scope}", 2
    )  # a change bigger than the limit comes whole, alone
    assert [p["header"]["count"] for p in whole] == [3] * HOUSEHOLDS
    assert all(seq(p["header"]["to_cursor"]) - seq(p["header"]["from_cursor"]) == 1 for p in whole)
    snapshot = pages(
        t, identity, None, 25
    )  # a snapshot page: max(1, 25 // 10) = 2 whole households
    assert [sum(i["type"] == "household" for i in p["items"]) for p in snapshot] == [2, 2, 2, 2, 1]


@pytest.mark.parametrize("limit", [0, -1, 2001])
def test_a_limit_outside_1_to_2000_is_refused(
    county: tuple[ServerDir, Any, Identity], limit: int
) -> None:
    _sd, client, identity = county
    with pytest.raises(ServerError) as e:
        device(client, identity).request("GET", "/feed", params={"limit": limit})
    assert e.value.status == 422


def stranger(identity: Identity) -> Identity:
    """A device with keys of its own that the county never enrolled, claiming a made-up id."""
    return Identity(
        "a-device-never-enrolled",
        identity.user,
        identity.county,
        KeyPair.generate(),
        identity.county_signing_key,
        identity.county_encryption_key,
    )


def test_an_unknown_device_is_401_on_a_request_and_in_a_batch_file(
    county: tuple[ServerDir, Any, Identity],
) -> None:
    sd, client, identity = county
    nobody = stranger(identity)
    with pytest.raises(ServerError) as e:
        device(client, nobody).feed_page(None)
    assert (e.value.status, e.value.code) == (401, "unknown_device")
    data = seal_batch(nobody, batch_payload(nobody, [], base_cursor=None))
    with pytest.raises(Refused) as refused:
        ingest(sd, data, via="usb")  # a batch file carried to the county office
    assert (refused.value.status, refused.value.code) == (401, "unknown_device")


def test_a_revoked_device_is_403(county: tuple[ServerDir, Any, Identity]) -> None:
    sd, client, _identity = county
    gone = enroll_secretary(sd, "sec_gone", [VILLAGE])
    enrollment.revoke_device(sd, "test", gone.device_id)
    with pytest.raises(ServerError) as e:
        device(client, gone).feed_page(None)
    assert (e.value.status, e.value.code) == (403, "device_revoked")


def test_committing_again_after_the_answer_was_lost_answers_already_received(
    county: tuple[ServerDir, Any, Identity],
) -> None:
    sd, client, identity = county
    t = device(client, identity)
    home = household(no="6107281010018888", village=VILLAGE, person_index=80)
    payload = batch_payload(
        identity,
        [{"kind": "household.create", "household": household_to_dict(home)}],
        base_cursor=None,
    )
    first = t.upload(payload["header"]["batch_id"], seal_batch(identity, payload))
    assert first["status"] == "merged" and first["already_received"] is False
    again = t.request(
        "POST", f"/uploads/{payload['header']['batch_id']}/commit"
    ).json()  # the first answer was lost
    assert again["already_received"] is True and again["batch_id"] == first["batch_id"]
    assert (
        again["status"] == "merged"
        and again["counts"] == first["counts"]
        and again["audit_head"]["batch_id"] == first["batch_id"]
    )
    with pytest.raises(ServerError) as e:
        t.request("POST", "/uploads/never-announced/commit")
    assert (e.value.status, e.value.code) == (404, "no_upload")
    other = enroll_secretary(sd, "sec_other", [VILLAGE])
    with pytest.raises(ServerError) as e:  # another device's batch id: nothing about it is told
        device(client, other).request("POST", f"/uploads/{payload['header']['batch_id']}/commit")
    assert (e.value.status, e.value.code) == (404, "no_upload")
