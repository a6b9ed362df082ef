"""The typed contract (``fieldsurvey/api``) holds: to the core dataclasses it describes, to the
records a real device puts in a batch, and to the pages the county's feed really serves.

A device store downloads a village from an in-process county, edits it every way a batch can
carry (a new household, field edits, a new member and income, a removed helper, a finalized
visit, a member change), seals what its outbox holds, and the county applies it; every record on
the way there and every feed page on the way back must validate against the models, strictly,
as JSON text. So the reference in docs/sync-protocol.md, generated from the same models, cannot
drift from what the code sends.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import select

from fieldsurvey.api import batch as api_batch
from fieldsurvey.api import feed as api_feed
from fieldsurvey.api import records as api
from fieldsurvey.api.codes import Coded
from fieldsurvey.core.household import AssistanceMeasure, Helper, Household, IncomeRecord, Member
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.core.visit import MemberChange, Visit
from fieldsurvey.server.auth.identity import principal_of
from fieldsurvey.server.batches.ingest import ingest
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import Device, User
from fieldsurvey.server.feed.pages import build_feed
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.visits.review import review_visit
from fieldsurvey.store import Store
from fieldsurvey.sync.batch import Identity, batch_payload, seal_batch
from fieldsurvey.sync.incoming import apply_page
from fieldsurvey.sync.outgoing import outbox_records
from fieldsurvey.sync.recordtypes import required_fields
from tests.support.common import FAST_KDF
from tests.support.factories import household, member
from tests.support.laptop import finalized_visit
from tests.support.server import enroll_secretary, init_county, roster_of

VILLAGE = "610728101001"
PASSPHRASE = "山路弯弯-测试-2025"
PAIRS: list[tuple[type, type[BaseModel], str]] = [
    (Household, api.Household, "household_id"),
    (Member, api.Member, "member_id"),
    (Helper, api.Helper, "helper_id"),
    (AssistanceMeasure, api.Measure, "measure_id"),
    (IncomeRecord, api.Income, "year"),
    (Visit, api.ReviewedVisit, "visit_id"),
    (MemberChange, api.MemberChange, "change_id"),
]
NOT_SENT = {Visit: {"cursor"}}  # where a draft stopped in the form: the device's own business


def _bare(tp: Any) -> Any:
    """A type without its annotations and without ``None``: what kind of JSON value it is."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _bare(args[0]) if len(args) == 1 else tp
    if typing.get_origin(tp) is typing.Literal:
        return type(typing.get_args(tp)[0])
    origin = typing.get_origin(tp)
    return origin or tp


@pytest.mark.parametrize(
    ("core_cls", "model", "id_field"), PAIRS, ids=[p[1].__name__ for p in PAIRS]
)
def test_each_model_has_its_dataclass_fields_defaults_and_kinds_of_value(
    core_cls: type, model: type[BaseModel], id_field: str
) -> None:
    hints = typing.get_type_hints(core_cls)
    fields = (
        {f.name: f for f in dataclasses.fields(core_cls)}
        if dataclasses.is_dataclass(core_cls)
        else {}
    )
    expected = set(fields) - NOT_SENT.get(core_cls, set())
    assert set(model.model_fields) == expected
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    core_required = set(
        required_fields(
            {
                Household: "household",
                Member: "member",
                Helper: "helper",
                AssistanceMeasure: "measure",
                IncomeRecord: "income",
                Visit: "visit",
                MemberChange: "member_change",
            }[core_cls]
        )
    )
    extra_required = {"status"} if core_cls is Visit else set()  # only finalized visits travel
    assert required == core_required | {id_field} | extra_required
    model_hints = typing.get_type_hints(model, include_extras=True)
    for name in expected:
        info, f = model.model_fields[name], fields[name]
        if f.default is not dataclasses.MISSING and name not in required:
            assert info.default == f.default, name
        elif f.default_factory is not dataclasses.MISSING and name not in required:  # type: ignore[misc]
            assert (
                info.default_factory is not None and info.default_factory() == f.default_factory()
            ), name  # type: ignore[misc,call-arg]
        core_kind, api_kind = _bare(hints[name]), _bare(model_hints[name])
        if core_kind.__name__ == "DivisionCode":
            core_kind = str
        if name in ("members", "helpers", "measures", "incomes"):
            continue
        assert api_kind == core_kind, f"{model.__name__}.{name}: {api_kind} for {core_kind}"


def test_a_coded_field_accepts_exactly_its_code_list() -> None:
    good = {
        "member_id": "m1",
        "name": "甲",
        "id_number": "x",
        "relation": "02",
        "sex": "female",
        "birth_date": "1990-01-01",
    }
    api.Member.model_validate_json(json.dumps(good), strict=True)
    with pytest.raises(ValueError, match="sex"):
        api.Member.model_validate_json(json.dumps({**good, "sex": "f"}), strict=True)
    schema = api.Member.model_json_schema()["properties"]["sex"]
    assert (
        schema["enum"] == Coded("sex").codes() == ["male", "female"]
        and schema["x-code-list"] == "sex"
    )


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerDir, Identity, str]]:
    sd = init_county(tmp_path_factory.mktemp("api-county"))
    identity = enroll_secretary(sd, "sec", [VILLAGE])
    homes = [
        household(no=f"61072810100100{i}", village=VILLAGE, person_index=40 + i) for i in range(2)
    ]
    for h in homes:
        h.helpers = [
            Helper("李帮扶", "县农业局", date(2024, 1, 1), unit_level="county", phone="13900000000")
        ]
        h.measures = [AssistanceMeasure("industry", "养殖", year=2024, funds=3000.0)]
        h.incomes = [IncomeRecord(2024, {"wage.migrant_work": 12000.0}, household_size=4)]
    import_roster(sd, "test", roster_of([household_to_dict(h) for h in homes]))
    yield sd, identity, homes[0].household_id
    sd.close()


def served_page(sd: ServerDir, identity: Identity, cursor: str | None) -> dict[str, Any]:
    """A feed page as the county builds it for the device, read back as the device reads it (JSON)."""
    with sd.transaction() as s:
        device = s.get(Device, identity.device_id)
        assert device is not None
        user = s.execute(select(User).where(User.user_id == device.user_id)).scalar_one()
        payload = build_feed(s, principal_of(s, user, device.device_id), cursor)
    page: dict[str, Any] = json.loads(json.dumps(payload))
    api_feed.FeedPage.model_validate_json(json.dumps(page), strict=True)
    return page


def test_a_real_batch_and_the_feed_on_both_sides_of_it_validate(
    county: tuple[ServerDir, Identity, str], tmp_path: Path
) -> None:
    sd, identity, hid = county
    first = served_page(sd, identity, None)
    assert first["header"]["full"] and first["header"]["first"] and first["divisions"]
    assert {i["type"] for i in first["items"]} >= {
        "household",
        "member",
        "helper",
        "measure",
        "income",
    }
    store, _recovery = Store.create(tmp_path / "laptop", PASSPHRASE, kdf=FAST_KDF)
    with store:
        with store.sync_state.transaction() as w:
            apply_page(w, first)
        h = store.households.get(hid)
        assert h is not None
        h.phone = "13800000001"
        h.housing_grade = "C"
        h.members[0].work_months = 9
        h.members.append(member("王小明", "20", "male", date(2020, 6, 1), 977))
        h.helpers = []
        h.incomes.append(IncomeRecord(2025, {"wage.migrant_work": 15000.0}))
        store.households.update(h)
        visit = finalized_visit(
            store, hid, date(2025, 5, 6), "甲村书记", "房屋有裂缝", {"flags": ["unsafe_house"]}
        )
        store.households.record_member_change(
            h, MemberChange(hid, h.members[-1].member_id, "newborn", date(2025, 5, 1))
        )
        store.households.add(household(no="6107281010019999", village=VILLAGE, person_index=90))
        records, *_ = outbox_records(store)
    typed = api_batch.BatchRecords.model_validate_json(
        json.dumps({"records": records}), strict=True
    )
    kinds = {type(r).__name__ for r in typed.records}
    assert kinds == {
        "HouseholdCreate",
        "MemberCreate",
        "IncomeCreate",
        "RecordUpdate",
        "RecordDelete",
        "VisitRecord",
        "MemberChangeRecord",
    }
    payload = batch_payload(identity, records, base_cursor=first["header"]["to_cursor"])
    result = ingest(sd, seal_batch(identity, payload), via="test")
    assert result.status == "merged"
    with sd.transaction() as s:
        staff = s.execute(select(User).where(User.username == "admin")).scalar_one()
        review_visit(
            s, sd.keys.signing, principal_of(s, staff), visit.visit_id, "has_issues", "请补照片"
        )
    cursor, seen = first["header"]["to_cursor"], set()
    while True:
        page = served_page(sd, identity, cursor)
        assert page["header"]["full"] is False
        seen |= {i["type"] for i in page["items"]}
        cursor = page["header"]["to_cursor"]
        if not page["header"]["more"]:
            break
    assert seen >= {
        "household",
        "member",
        "income",
        "visit",
        "member_change",
        "tombstone",
        "notice",
    }


@pytest.mark.parametrize(
    "model",
    [*api_batch.BATCH_RECORD_MODELS, *api_feed.FEED_ITEM_MODELS, api_feed.FeedHeader],
    ids=lambda m: m.__name__,
)
def test_every_wire_model_refuses_unknown_fields(model: type[BaseModel]) -> None:
    assert model.model_config.get("extra") == "forbid" and model.model_config.get("strict") is True


def test_dates_travel_as_iso_text() -> None:
    assert api.MemberChange.model_validate_json(
        json.dumps(
            {
                "change_id": "c",
                "household_id": "h",
                "member_id": "m",
                "reason": "newborn",
                "change_date": "2025-05-01",
            }
        ),
        strict=True,
    ).change_date == date(2025, 5, 1)
    assert isinstance(api_feed.FeedHeader.model_fields["created_at"].annotation, type(datetime))
