"""The county assesses a household as the laptop does, member changes included.

A household whose member left (人员变更, dated) and which recorded two years' incomes: last
year's income was shared by four people, this year's by three. Per-capita income fell by 10%,
under the 30% that raises the income-drop risk; divided by this year's three, last year's total
would seem to have fallen by 32.5%. The laptop reads each year's size from the changes; the
county must too, both when it assesses a visit that came without an assessment (an older client)
and when staff re-assess. The county's API runs in process on SQLite and on PostgreSQL; the
laptop is a real encrypted store that sends the visit, the household and the member change
through the real sync client.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey.core.assessment import assess
from fieldsurvey.core.household import IncomeRecord
from fieldsurvey.core.policy import load_policy
from fieldsurvey.core.records import household_to_dict
from fieldsurvey.core.visit import MemberChange, Visit
from fieldsurvey.server.dashboard import assessments
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import HouseholdRow
from fieldsurvey.server.devices import enrollment
from fieldsurvey.server.roster.json_import import import_roster
from fieldsurvey.server.users import accounts
from fieldsurvey.store import Store
from fieldsurvey.sync.client import SyncClient
from fieldsurvey.sync.transport import RetryPolicy
from tests.support.common import FAST_KDF
from tests.support.factories import household, insured
from tests.support.server import (
    BACKENDS,
    VILLAGE_A,
    app_client,
    app_county,
    roster_of,
    township,
)

PASSPHRASE = "山路弯弯-测试-2025"
VISIT_DAY = date(2025, 11, 20)
LEFT_ON = date(2025, 3, 1)


def roster() -> dict:
    h = household(no="6107281010010041", village=VILLAGE_A)
    return roster_of([household_to_dict(h)], divisions=township({VILLAGE_A: "示范村"}))


def stored(row: HouseholdRow) -> dict[str, Any]:
    """The assessment columns the dashboards count, as the county stored them."""
    return {k: getattr(row, k) for k in ("fail_bits", "unknown_bits", "flag_bits", "assessed_on")}


def import_only(sd: ServerDir) -> dict[str, Any]:
    """The one household's roster, no accounts (the laptop's secretary is added by the test)."""
    data = roster()
    import_roster(sd, "test", data)
    return data


@pytest.fixture(params=BACKENDS)
def county(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[ServerDir, object]]:
    with app_county(tmp_path, request.param, import_only) as c:
        yield c.sd, lambda: app_client(c.app)


def enrolled_laptop(sd: ServerDir, http: object, tmp: Path) -> tuple[Store, SyncClient]:
    """The village secretary's laptop, enrolled with the county (not yet synced)."""
    accounts.add_user(
        sd, "test", username="sec_a", role="secretary", display_name="示范村书记", password=None
    )
    accounts.assign(sd, "test", username="sec_a", villages=[VILLAGE_A])
    store, _recovery = Store.create(tmp / "laptop", PASSPHRASE, kdf=FAST_KDF)
    client = SyncClient(store, policy=RetryPolicy(attempts=2, base=0.01), http=http)  # type: ignore[arg-type]
    code, _ = enrollment.new_enroll_code(sd, "test", username="sec_a")
    client.enroll("http://localhost", code, label="sec_a")
    return store, client


def test_the_county_reads_member_changes_so_a_member_leaving_is_no_income_drop(
    county, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sd, http = county
    store, client = enrolled_laptop(sd, http, tmp_path)
    with store:
        client.sync()
        (h,) = list(store.households.iter_households())
        hid = h.household_id
        mother = h.members[3]
        mother.present = False  # the head's mother moved away on 1 March
        change = MemberChange(hid, mother.member_id, "emigrated", LEFT_ON)
        h.incomes = [
            IncomeRecord(2024, {"wage.migrant_work": 40000}),  # four people then: 10000 each
            IncomeRecord(2025, {"wage.migrant_work": 27000}),  # three now: 9000 each, a 10% fall
        ]
        visit = Visit(hid, VISIT_DAY, "书记", "household_visit", "1", {"food_secure": True})
        store.visits.finalize(visit, h, None, [change])  # no assessment: the county makes its own
        client.sync()
        laptop_household = store.households.get(hid)
        laptop_changes = store.households.member_changes(hid)
    assert laptop_household is not None and [c.change_id for c in laptop_changes] == [
        change.change_id
    ]
    laptop = assess(laptop_household, on=VISIT_DAY, member_changes=laptop_changes)
    assert not [f for f in laptop.risk_flags if f.code == "income_drop"]
    assert laptop.net_income_per_capita == 9000.0

    policy = load_policy()
    with sd.transaction() as s:
        row = s.get(HouseholdRow, hid)
        assert row is not None and row.last_visit_date == VISIT_DAY
        # the visit came without an assessment: ingest assessed it, with the changes it holds
        assert stored(row) == assessments.columns_of(laptop)
        assert [c.change_id for c in assessments.member_changes_of(s, [hid])[hid]] == [
            change.change_id
        ]
        county_view = assessments.county_assessments(s, [row], VISIT_DAY, policy)[hid]
        # the same household without its changes: last year's 40000 shared by this year's three
        record = assessments.full_records(s, [row])[hid]
        blind = assessments.assess_record(record, VISIT_DAY, policy)
    assert [f.text.zh for f in blind.risk_flags if f.code == "income_drop"] == [
        "人均纯收入由2024年13333.33元（3人）降至2025年9000.00元（3人），降幅32%（超过30%）"
    ]
    assert not [f for f in county_view.risk_flags if f.code == "income_drop"]
    assert (
        county_view.to_dict() == laptop.to_dict()
    )  # outcomes, reasons and their tags, risks, flags

    # staff re-assess the county on the visit's day: the stored columns stay the laptop's
    with sd.transaction() as s:
        row = s.get(HouseholdRow, hid)
        assert row is not None
        row.fail_bits, row.unknown_bits, row.flag_bits = 0, 0, 0
    assert assessments.reassess(sd, None, None, VISIT_DAY) == 1
    with sd.transaction() as s:
        row = s.get(HouseholdRow, hid)
        assert row is not None
        assert stored(row) == assessments.columns_of(laptop)
        again = assessments.county_assessments(s, [row], VISIT_DAY)[hid]
    assert again.to_dict() == laptop.to_dict()


def test_a_member_who_joined_after_the_income_year_leaves_the_countys_columns_as_the_laptops(  # type: ignore[no-untyped-def]
    county, tmp_path: Path
) -> None:
    """The columns the dashboards count: last year's 27000 was shared by four (6750 each, above
    the 6000 line); the baby born this May does not divide it. Counted among the present five it
    would be 5400, under the line, and the household would be listed as failing on income."""
    sd, http = county
    store, client = enrolled_laptop(sd, http, tmp_path)
    with store:
        client.sync()
        (h,) = list(store.households.iter_households())
        hid = h.household_id
        born = date(2025, 5, 1)
        baby = insured(
            "王小宝",
            "40",
            "male",
            born,
            901,
            health="healthy",
        )
        h.members.append(baby)
        change = MemberChange(hid, baby.member_id, "newborn", born)
        h.incomes = [
            IncomeRecord(2024, {"wage.migrant_work": 27000})
        ]  # this year's not yet recorded
        visit = Visit(hid, VISIT_DAY, "书记", "household_visit", "1", {"food_secure": True})
        store.visits.finalize(visit, h, None, [change])
        client.sync()
        laptop = assess(
            store.households.get(hid),
            on=VISIT_DAY,  # type: ignore[arg-type]
            member_changes=store.households.member_changes(hid),
        )
    assert laptop.net_income_per_capita == 6750.0 and laptop.outcome("income") == "met"
    policy = load_policy()
    with sd.transaction() as s:
        row = s.get(HouseholdRow, hid)
        assert row is not None and row.member_count == 5
        blind = assessments.assess_record(
            assessments.full_records(s, [row])[hid], VISIT_DAY, policy
        )
        assert (blind.net_income_per_capita, blind.outcome("income")) == (5400.0, "not_met")
        assert assessments.columns_of(blind) != assessments.columns_of(laptop)
        assert stored(row) == assessments.columns_of(
            laptop
        )  # ingest assessed the visit that came without one
    assert assessments.reassess(sd, None, None, VISIT_DAY) == 1
    with sd.transaction() as s:
        row = s.get(HouseholdRow, hid)
        assert row is not None
        assert stored(row) == assessments.columns_of(laptop)
        assert (
            assessments.county_assessments(s, [row], VISIT_DAY)[hid].to_dict() == laptop.to_dict()
        )
