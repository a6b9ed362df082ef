"""What must hold at the end of the season, each check an assert that says what went wrong.

The county's side is read straight from its database with the server's own models and
``registry.full_household`` (the record staff screens show), the devices' side from a snapshot
each laptop wrote of its store. Messages carry ids and counts, never names or ID numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from bench.season.plan import Plan
from fieldsurvey.core.assessment import assess
from fieldsurvey.core.records import household_from_dict, household_to_dict, visit_from_dict
from fieldsurvey.core.visit import MemberChange
from fieldsurvey.ledger import DivisionNames, LedgerInput, verify_fingerprint
from fieldsurvey.ledger.model import format_fingerprint
from fieldsurvey.server.batches.checks import REVIEW_FIELDS
from fieldsurvey.server.dashboard.assessments import member_changes_of
from fieldsurvey.server.db.engine import ServerDir
from fieldsurvey.server.db.models import (
    ConflictRow,
    Division,
    HouseholdRow,
    MemberChangeRow,
    VisitRow,
)
from fieldsurvey.server.households import records as registry
from fieldsurvey.sync.canonical import same
from fieldsurvey.sync.outgoing import LOCAL_ONLY_VISIT_FIELDS

NESTED_IDS = {
    "members": "member_id",
    "helpers": "helper_id",
    "measures": "measure_id",
    "incomes": "year",
}


@dataclass
class CountyView:
    """The county's registry, visits, member changes and conflicts, read once."""

    households: dict[str, dict[str, Any]]
    village_of: dict[str, str]
    visits: dict[str, dict[str, Any]]
    visit_village: dict[str, str]
    member_changes: dict[str, str]  # change id → village
    conflicts: list[ConflictRow]
    divisions: dict[str, tuple[str, str | None]]  # code → (name, parent)
    changes_of: dict[
        str, list[MemberChange]
    ]  # household id → its dated member changes, oldest first

    @classmethod
    def read(cls, sd: ServerDir, villages: set[str]) -> CountyView:
        with sd.transaction() as s:
            rows = s.execute(
                select(HouseholdRow).where(
                    HouseholdRow.village_code.in_(villages), HouseholdRow.deleted.is_(False)
                )
            ).scalars()
            households, village_of = {}, {}
            for row in rows:
                households[row.household_id] = registry.full_household(s, row)
                village_of[row.household_id] = row.village_code
            visits, visit_village = {}, {}
            for v in s.execute(select(VisitRow)).scalars():
                visits[v.visit_id] = dict(
                    v.data, review_status=v.review_status, review_comment=v.review_comment
                )
                visit_village[v.visit_id] = v.village_code
            changes = {
                c.change_id: c.village_code for c in s.execute(select(MemberChangeRow)).scalars()
            }
            conflicts = list(s.execute(select(ConflictRow)).scalars())
            for c in conflicts:
                s.expunge(c)
            divisions = {d.code: (d.name, d.parent) for d in s.execute(select(Division)).scalars()}
            changes_of = member_changes_of(s, list(households))
        return cls(
            households, village_of, visits, visit_village, changes, conflicts, divisions, changes_of
        )

    def names(self, village: str) -> DivisionNames:
        name, township = self.divisions.get(village, (village, None))
        t_name, county = self.divisions.get(township or "", ("", None))
        return DivisionNames(self.divisions.get(county or "", ("", None))[0], t_name, name)


@dataclass
class Findings:
    """What the checks counted, for the report."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def normalised(h: dict[str, Any]) -> dict[str, Any]:
    """One household in the shape of ``core.records``, parts in id order (the store and the county
    keep them in different orders, which carries no meaning)."""
    out = household_to_dict(household_from_dict(h))
    for key, id_field in NESTED_IDS.items():
        out[key] = sorted(out[key], key=lambda x, f=id_field: str(x[f]))  # type: ignore[misc]
    return out


def differing_keys(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Names of the fields that differ (never their values: they may be personal)."""
    return sorted(k for k in set(a) | set(b) if not same(a.get(k), b.get(k)))


def sent_visit(v: dict[str, Any]) -> dict[str, Any]:
    """A visit as the county keeps what a laptop sent: without the laptop's own fields (draft
    cursor, last local save) and without the county's review, which only the county writes."""
    return {k: val for k, val in v.items() if k not in (*LOCAL_ONLY_VISIT_FIELDS, *REVIEW_FIELDS)}


def check_visits_once(
    plan: Plan, county: CountyView, snapshots: dict[str, dict[str, Any]], found: Findings
) -> None:
    """Every finalized visit made on a laptop is on the server exactly once, as it was made."""
    made: dict[str, dict[str, Any]] = {}
    for d in plan.devices:
        snap = snapshots[d.username]
        mine = {
            vid: v
            for vid, v in snap["visits"].items()
            if v["status"] == "finalized" and v["visitor"] == d.visitor
        }
        assert len(mine) == len(d.visits), (
            f"{d.username}: {len(mine)} finalized visits, planned {len(d.visits)}"
        )
        assert {v["household_id"] for v in mine.values()} == set(d.visits), (
            f"{d.username}: visits on other households than planned"
        )
        made.update(mine)
    server_mine = {vid: v for vid, v in county.visits.items()}
    missing = set(made) - set(server_mine)
    extra = set(server_mine) - set(made)
    assert not missing, f"{len(missing)} finalized visits never reached the county"
    assert not extra, f"{len(extra)} visits on the county that no laptop finalized"
    per_household = Counter((v["household_id"], v["visitor"]) for v in server_mine.values())
    twice = [k for k, n in per_household.items() if n > 1]
    assert not twice, f"{len(twice)} households have the same visitor's visit more than once"
    changed = [
        vid for vid, v in made.items() if not same(sent_visit(v), sent_visit(county.visits[vid]))
    ]
    assert not changed, (
        f"{len(changed)} visits differ between the laptop and the county, in "
        f"{differing_keys(sent_visit(made[changed[0]]), sent_visit(county.visits[changed[0]])) if changed else ''}"
    )
    planned_changes = sum(len(d.member_change_at) for d in plan.devices)
    assert len(county.member_changes) == planned_changes, (
        f"{len(county.member_changes)} member changes on the county, {planned_changes} recorded in visits"
    )
    found.add("visits_on_county", len(server_mine))
    found.add("member_changes_on_county", len(county.member_changes))


def check_edits(
    plan: Plan,
    county: CountyView,
    work: dict[str, dict[str, Any]],
    device_ids: dict[str, str],
    found: Findings,
) -> None:
    """Every edit is applied or went through a resolved conflict; none vanished."""
    conflicts = {}
    for c in county.conflicts:
        assert c.status == "resolved", f"conflict {c.conflict_id} is still {c.status}"
        conflicts.setdefault((c.record_id, c.field), []).append(c)
    for d in plan.devices:
        done = work[d.username]["edits_done"]
        assert len(done) == len(d.edits), (
            f"{d.username}: {len(done)} edits made, planned {len(d.edits)}"
        )
        last = {(e["record_id"], e["field"]): i for i, e in enumerate(done)}
        for i, e in enumerate(done):
            if last[(e["record_id"], e["field"])] != i:
                found.add(
                    "edits_superseded_on_the_laptop"
                )  # the same laptop changed that field again later
                continue
            household = county.households[e["household_id"]]
            record = (
                household
                if e["record_type"] == "household"
                else next(m for m in household["members"] if m["member_id"] == e["record_id"])
            )
            if same(record.get(e["field"]), e["value"]):
                found.add("edits_applied")
                continue
            seen = [
                c
                for c in conflicts.get((e["record_id"], e["field"]), [])
                if same(c.device_value, e["value"]) or same(c.server_value, e["value"])
            ]
            assert seen, (
                f"{d.username}: an edit of {e['record_type']}.{e['field']} on household {e['household_id']} was lost"
            )
            assert all(same(record.get(e["field"]), c.resolved_value) for c in seen), (
                "a resolution did not reach the record"
            )
            found.add("edits_resolved")
    same_field = sum(1 for p in plan.pairs if p.same_field)
    assert len(county.conflicts) == same_field, (
        f"{len(county.conflicts)} conflicts, expected {same_field} (one per same-field pair)"
    )
    for p in plan.pairs:
        raised = [c for c in county.conflicts if c.household_id == p.household_id]
        assert len(raised) == (1 if p.same_field else 0), (
            f"pair {p.index}: {len(raised)} conflicts on its household"
        )
        if raised:
            assert raised[0].device_id in (
                device_ids[plan.devices[p.owner].username],
                device_ids[plan.devices[p.other].username],
            )
    found.add("conflicts", len(county.conflicts))


def check_devices_equal_county(
    plan: Plan, county: CountyView, snapshots: dict[str, dict[str, Any]], found: Findings
) -> None:
    """Each laptop holds exactly the county's view of its villages, and nothing waits to be sent."""
    for d in plan.devices:
        snap = snapshots[d.username]
        assert snap["integrity_problems"] == [], (
            f"{d.username}: store integrity problems {snap['integrity_problems']}"
        )
        assert sum(snap["outbox"].values()) == 0, (
            f"{d.username}: outbox not empty at the end: {snap['outbox']}"
        )
        assert all(status == "accepted" for _b, status in snap["batches"]), (
            f"{d.username}: batches {snap['batches']}"
        )
        villages = set(d.villages)
        want = {hid for hid, v in county.village_of.items() if v in villages}
        have = set(snap["households"])
        assert have == want, (
            f"{d.username}: {len(have - want)} households too many, {len(want - have)} missing"
        )
        differ = [
            hid
            for hid in want
            if normalised(snap["households"][hid]) != normalised(county.households[hid])
        ]
        assert not differ, (
            f"{d.username}: {len(differ)} households differ from the county's, in "
            f"{differing_keys(normalised(snap['households'][differ[0]]), normalised(county.households[differ[0]]))}"
        )
        county_visits = {vid for vid, v in county.visit_village.items() if v in villages}
        device_visits = {vid for vid, v in snap["visits"].items() if v["status"] == "finalized"}
        assert device_visits == county_visits, (
            f"{d.username}: visits differ ({len(device_visits ^ county_visits)} ids)"
        )
        for vid in device_visits:
            theirs, mine = county.visits[vid], snap["visits"][vid]
            assert same(sent_visit(mine), sent_visit(theirs)), (
                f"{d.username}: visit {vid} differs from the county's copy in "
                f"{differing_keys(sent_visit(mine), sent_visit(theirs))}"
            )
        county_changes = {cid for cid, v in county.member_changes.items() if v in villages}
        assert set(snap["member_changes"]) == county_changes, f"{d.username}: member changes differ"
        mine_conflicts = {
            c.conflict_id for c in county.conflicts if c.device_id == snap["device_id"]
        }
        kinds = Counter(
            (n["kind"], n["ref"]) for n in snap["notices"] if n["ref"] in mine_conflicts
        )
        for cid in mine_conflicts:
            assert kinds[("conflict", cid)] == 1 and kinds[("resolved", cid)] == 1, (
                f"{d.username}: notices for conflict {cid}: {kinds}"
            )
        found.add("households_compared", len(want))
        found.add("visit_copies_compared", len(device_visits))


def check_assessments(plan: Plan, county: CountyView, found: Findings) -> None:
    """The county recomputes each visit's assessment from its own record of the household; it must
    equal what the laptop computed when the visit was finalized. Households edited after their
    visit (by their own laptop or another) are left out: the record moved on since."""
    edited = {e.household_id for d in plan.devices for e in d.edits}
    compared = 0
    for v in county.visits.values():
        if v["household_id"] in edited:
            continue
        household = household_from_dict(county.households[v["household_id"]])
        on = date.fromisoformat(v["visit_date"])
        # the changes the laptop held when it finalized: those dated up to the visit
        changes = [c for c in county.changes_of.get(v["household_id"], []) if c.change_date <= on]
        again = assess(household, on=on, member_changes=changes).to_dict()
        assert same(again, v["assessment"]), (
            f"visit {v['visit_id']}: the county's assessment differs from the laptop's in "
            f"{differing_keys(again, v['assessment'])}"
        )
        compared += 1
    assert compared > 0, "no visit's assessment could be compared"
    found.add("assessments_compared", compared)


def check_ledgers(county: CountyView, printed: list[dict[str, Any]], found: Findings) -> None:
    """Ledgers printed on the laptops read back, and their fingerprints match the county's record."""
    for p in printed:
        reader = PdfReader(p["path"])
        assert len(reader.pages) == p["pages"] > 0, (
            f"ledger of {p['household_id']}: {len(reader.pages)} pages read back"
        )
        text = reader.pages[-1].extract_text() or ""
        assert format_fingerprint(p["fingerprint"]) in text, (
            f"ledger of {p['household_id']}: fingerprint not printed"
        )
        h = county.households[p["household_id"]]
        visits = [
            visit_from_dict(v)
            for v in county.visits.values()
            if v["household_id"] == p["household_id"]
        ]
        names = DivisionNames(*p["names"])
        assert names.village == county.names(county.village_of[p["household_id"]]).village
        inp = LedgerInput(household_from_dict(h), visits, names)
        assert verify_fingerprint(inp, p["fingerprint"]).matches, (
            f"ledger of {p['household_id']}: the county's record gives another fingerprint"
        )
        found.add("ledgers", 1)
        found.add("ledger_pages", p["pages"])


def ledger_sample(plan: Plan, per_device: int = 2) -> dict[str, list[str]]:
    """A visited household with a member change and a contested one, for the first laptops."""
    out: dict[str, list[str]] = {}
    for d in plan.devices[:5]:
        picks = [d.visits[k] for k in d.member_change_at[:1]] + [
            p.household_id for p in plan.pairs if p.owner == d.index
        ][:1]
        out[d.username] = (picks or d.visits[:1])[:per_device]
    return out


def ledger_folder(work: Path) -> Path:
    folder = work / "ledgers"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder
