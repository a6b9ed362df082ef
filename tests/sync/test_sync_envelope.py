"""Canonical JSON, the envelope, and the batch parser under fuzzing: refusals, never crashes."""

from __future__ import annotations

import contextlib
import math
import struct
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldsurvey.core.errors import UserError
from fieldsurvey.server.batches.checks import Refused
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.sync import canonical, envelope
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from fieldsurvey.sync.keys import KeyPair
from fieldsurvey.sync.schema import parse_batch
from tests.support.server import enroll_secretary, init_county

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


@given(json_values)
def test_canonical_form_is_stable_and_round_trips(value: Any) -> None:
    text = canonical.dumps(value)
    assert canonical.dumps(canonical.loads(text)) == text
    assert canonical.is_canonical(text)


def test_canonical_rules() -> None:
    assert (
        canonical.dumps({"b": 1, "a": [1.5, "村", None, True]})
        == '{"a":[1.5,"村",null,true],"b":1}'.encode()
    )
    assert canonical.dumps(-0.0) == b"0.0"
    for bad in (math.nan, math.inf, 2**60, {1: "x"}, b"bytes"):
        with pytest.raises(canonical.CanonicalError):
            canonical.dumps(bad)
    for bad_text in (b'{"a":1,"a":2}', b"NaN", b"\xff", b"[1,"):
        with pytest.raises(canonical.CanonicalError):
            canonical.loads(bad_text)


COUNTY_KEYS = KeyPair.generate()
DEVICE_KEYS = KeyPair.generate()
IDENTITY = Identity("dev-1", "sec", "610728", DEVICE_KEYS, *COUNTY_KEYS.public_b64())
SEALED = seal_batch(IDENTITY, batch_payload(IDENTITY, [], base_cursor=None))


def open_sealed(data: bytes) -> Any:
    return envelope.parse(data).open(DEVICE_KEYS.signing_public, COUNTY_KEYS.encryption)


def test_a_sealed_batch_opens_with_the_right_keys_only() -> None:
    assert open_sealed(SEALED)["header"]["device_id"] == "dev-1"
    other = KeyPair.generate()
    with pytest.raises(UserError, match="signature"):
        envelope.parse(SEALED).open(other.signing_public, COUNTY_KEYS.encryption)
    with pytest.raises(UserError, match="decrypt"):
        envelope.parse(SEALED).open(DEVICE_KEYS.signing_public, other.encryption)


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_random_bytes_are_refused_cleanly(data: bytes) -> None:
    with pytest.raises(UserError):
        open_sealed(data)


@settings(max_examples=500)
@given(st.integers(0, len(SEALED) - 1), st.integers(1, 255))
def test_every_single_byte_change_is_refused(position: int, xor: int) -> None:
    broken = bytearray(SEALED)
    broken[position] ^= xor
    with pytest.raises(UserError):
        open_sealed(bytes(broken))


@settings(max_examples=200)
@given(st.integers(0, len(SEALED) - 1), st.binary(max_size=50))
def test_truncated_or_extended_files_are_refused(cut: int, extra: bytes) -> None:
    for data in (SEALED[:cut], SEALED + extra if extra else SEALED[:-1]):
        with pytest.raises(UserError):
            open_sealed(data)


def test_a_forged_header_length_is_refused() -> None:
    huge = SEALED[:4] + struct.pack(">I", 2**31) + SEALED[8:]
    with pytest.raises(UserError, match="structure"):
        envelope.parse(huge)


@settings(max_examples=300)
@given(json_values)
def test_the_batch_schema_refuses_arbitrary_json_cleanly(value: Any) -> None:
    with contextlib.suppress(UserError):
        parse_batch(value)


record_kinds = st.sampled_from(
    [
        "household.create",
        "record.create",
        "record.update",
        "record.delete",
        "visit",
        "member_change",
    ]
)
records = st.lists(
    st.fixed_dictionaries(
        {"kind": record_kinds},
        optional={
            "household": st.dictionaries(
                st.sampled_from(
                    ["household_id", "household_no", "division_code", "members", "status"]
                ),
                json_values,
                max_size=5,
            ),
            "record_type": st.sampled_from(["household", "member", "helper", "income", "nope"]),
            "record_id": st.text(min_size=1, max_size=8),
            "household_id": st.text(min_size=1, max_size=8),
            "base_revision": st.integers(-1, 3),
            "changes": st.lists(
                st.fixed_dictionaries(
                    {
                        "field": st.sampled_from(["phone", "status", "x", "members"]),
                        "base": json_values,
                        "value": json_values,
                    }
                ),
                max_size=3,
            ),
            "record": st.dictionaries(st.text(max_size=8), json_values, max_size=4),
            "visit": st.dictionaries(
                st.sampled_from(["visit_id", "household_id", "status", "visit_date", "form_id"]),
                json_values,
                max_size=5,
            ),
            "change": st.dictionaries(st.text(max_size=8), json_values, max_size=4),
        },
    ),
    max_size=4,
)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerDir, Identity]]:
    sd = init_county(tmp_path_factory.mktemp("fuzz-county"))
    yield sd, enroll_secretary(sd, "sec", ["610728101001"], label="fuzz")
    sd.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records)
def test_the_ingest_refuses_malformed_records_without_crashing(
    county: tuple[ServerDir, Identity], recs: list[dict[str, Any]]
) -> None:
    sd, identity = county
    data = seal_batch(identity, batch_payload(identity, recs, base_cursor=None))
    try:
        ingest(sd, data, via="http")
    except Refused as e:
        assert e.status in (400, 403, 409, 422)


@pytest.mark.parametrize("members", [True, 7, 2.5, {"member_id": "m1"}, "m1"])
def test_a_household_whose_members_are_not_a_list_is_refused(
    county: tuple[ServerDir, Identity], members: Any
) -> None:
    """Found by the test above: ``members: true`` in a household.create crashed the ownership
    check (a 500 over HTTP) before the record's own checks could refuse it."""
    sd, identity = county
    record = {
        "kind": "household.create",
        "household": {
            "household_id": "h-not-a-list",
            "household_no": "610728101001900",
            "division_code": "610728101001",
            "members": members,
        },
    }
    data = seal_batch(identity, batch_payload(identity, [record], base_cursor=None))
    with pytest.raises(Refused) as refused:
        ingest(sd, data, via="http")
    assert refused.value.status == 422
