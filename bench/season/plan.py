"""Who does what in the field season: villages per device, visits, member changes and edits.

Everything here is decided before any process starts, from the size and a seed, so the devices
(separate processes) and the checks at the end read the same plan. The plan is plain data that
travels to a device process as JSON.

Villages: each device gets one or more *home* villages (enough households for its visits and
for the edits other devices aim at it) plus one *shared* village — the first home village of
the next device in a ring — where it may also edit. That is how two secretaries end up editing
the same household: a village's own first secretary and the work-team member from next door.

Edits: ``edits`` per device, of which a share (``--overlap``, 5% by default) are on households
another device also edits. Such a *pair* is device i's edit on a household of device i+1's home
village, which device i+1 edits too: in every other pair both edit the same field (a conflict,
unless the values agree, and they never do), in the others different fields (merged).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fieldsurvey.core.records import household_to_dict
from fieldsurvey.demo.county import DemoCounty
from fieldsurvey.demo.generator import generate_county, iter_households

HOUSEHOLD_FIELDS = ("phone", "address", "hamlet", "group")
MEMBER_EDIT_FIELD = "work_months"
ROSTER_CHUNK = 5_000  # households per roster file: one import transaction each
HAMLETS = ("上湾", "下湾", "石门坎", "梨树坪", "松林沟", "河坝", "大院子", "新庄")


@dataclass(frozen=True)
class Size:
    """The knobs of a run; ``python bench/field_season.py --help`` lists them."""

    households: int = 50_000
    devices: int = 20
    visits: int = 200
    edits: int | None = None  # household edits per device; None: as many as visits
    usb: int = 2  # devices that sync by USB stick instead of HTTP
    kills: int = 1  # laptops killed with SIGKILL mid-visit and restarted
    overlap: float = 0.05  # share of edits on households another device also edits
    member_changes: float = 0.10  # share of visits that record a member change
    seed: int = 2026

    @property
    def edits_per_device(self) -> int:
        return self.visits if self.edits is None else self.edits

    @property
    def pairs_per_device(self) -> int:
        """Contested households each device starts: two edits each, so half the overlap share."""
        if self.devices < 2 or self.edits_per_device < 4:
            return 0
        return max(2, round(self.overlap * self.edits_per_device / 2))


@dataclass
class Edit:
    """One edit a device makes offline. ``member`` edits change the first present member."""

    household_id: str
    field: str
    value: Any
    member: bool = False
    pair: int | None = None  # the contested pair this edit belongs to, if any


@dataclass
class DevicePlan:
    index: int
    username: str
    label: str
    visitor: str
    home: list[str]
    shared: str | None
    usb: bool
    visits: list[str] = field(default_factory=list)  # household ids, in order
    member_change_at: list[int] = field(default_factory=list)  # visit indexes with a member change
    edits: list[Edit] = field(default_factory=list)
    kill_at: int | None = None  # visit index during whose draft saves the process is killed

    @property
    def villages(self) -> list[str]:
        return self.home + ([self.shared] if self.shared and self.shared not in self.home else [])

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DevicePlan:
        d = dict(d)
        d["edits"] = [Edit(**e) for e in d["edits"]]
        return cls(**d)


@dataclass
class Pair:
    """Two devices editing one household: same field (a conflict) or different fields (merged)."""

    index: int
    household_id: str
    owner: int  # the device whose home village it is
    other: int  # the neighbour that edits it too
    same_field: bool


@dataclass
class Plan:
    size: Size
    county: DemoCounty
    roster_files: list[Path]
    households_by_village: dict[str, list[str]]
    devices: list[DevicePlan]
    pairs: list[Pair]

    @property
    def total_households(self) -> int:
        return sum(len(v) for v in self.households_by_village.values())

    def village_names(self) -> dict[str, str]:
        return {d.code.value: d.name for d in self.county.divisions}


def write_roster(
    size: Size, folder: Path
) -> tuple[DemoCounty, list[Path], dict[str, list[str]], set[str]]:
    """Stream the synthetic county into roster files of ``ROSTER_CHUNK`` households each.

    Also returns the households a visit cannot finalize as they are: the demo gives registered
    poor households that have not exited no monitoring type, which the visit form requires, so
    a secretary would have to invent one. They are never visited (they may still be edited).
    """
    # the county side only: laptop processes import this module and need none of the server
    from fieldsurvey.server.roster.json_import import FORMAT

    county = generate_county(seed=size.seed, households=size.households)
    folder.mkdir(parents=True, exist_ok=True)
    divisions = [
        {"code": d.code.value, "name": d.name, "parent": d.parent, "level": d.code.level}
        for d in county.divisions
    ]
    by_village: dict[str, list[str]] = {}
    untyped: set[str] = set()
    files: list[Path] = []
    for n, chunk in enumerate(
        _chunks(iter_households(county, size.households, seed=size.seed), ROSTER_CHUNK)
    ):
        for h in chunk:
            by_village.setdefault(h["division_code"], []).append(h["household_id"])
            if h["household_type"] is None:
                untyped.add(h["household_id"])
        path = folder / f"roster-{n + 1:03d}.json"
        doc = {
            "format": FORMAT,
            "version": 1,
            "county": county.county_code,
            "divisions": divisions if n == 0 else [],
            "households": chunk,
        }
        path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        files.append(path)
    return county, files, by_village, untyped


def _chunks(households: Iterator[Any], n: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for h in households:
        chunk.append(household_to_dict(h))
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def make_plan(size: Size, folder: Path) -> Plan:
    if size.devices < 1 or size.visits < 1:
        raise ValueError("at least one device and one visit")
    if size.usb + size.kills > size.devices:
        raise ValueError(
            "--usb plus --kills cannot exceed --devices (a killed laptop syncs over HTTP)"
        )
    county, files, by_village, untyped = write_roster(size, folder)
    homes = _home_villages(size, by_village, untyped)
    pairs_each = size.pairs_per_device
    devices: list[DevicePlan] = []
    for i, home in enumerate(homes):
        usb = i >= size.devices - size.usb
        shared = homes[(i + 1) % size.devices][0] if size.devices > 1 else None
        devices.append(
            DevicePlan(
                index=i,
                username=f"sec{i:02d}",
                label=f"第{i + 1}台笔记本",
                visitor=f"驻村第一书记{i + 1:02d}",
                home=home,
                shared=shared,
                usb=usb,
            )
        )
    # Contested households: the first ``pairs_each`` of each home, never visited by anyone.
    contested: dict[int, list[str]] = {}
    pairs: list[Pair] = []
    for d in devices:
        own = [h for v in d.home for h in by_village[v]]
        contested[d.index] = own[:pairs_each]
        visitable = [h for h in own[pairs_each:] if h not in untyped]
        d.visits = visitable[: size.visits]
        step = max(1, round(1 / size.member_changes)) if size.member_changes > 0 else 0
        d.member_change_at = [k for k in range(size.visits) if step and k % step == step // 2]
        visited = set(d.visits)
        free = [
            h for h in own[pairs_each:] if h not in visited
        ] or d.visits  # own edits: unvisited households first
        n_plain = max(
            0, size.edits_per_device - 2 * pairs_each
        )  # the rest are the two sides of pairs
        d.edits = [_own_edit(d.index, k, free[k % len(free)]) for k in range(n_plain)]
    for d in devices:
        if size.devices < 2:
            break
        owner = devices[(d.index + 1) % size.devices]
        for k, hid in enumerate(contested[owner.index]):
            same = k % 2 == 0
            pair = Pair(len(pairs), hid, owner.index, d.index, same)
            pairs.append(pair)
            owner_field = HOUSEHOLD_FIELDS[pair.index % len(HOUSEHOLD_FIELDS)]
            other_field = (
                owner_field if same else HOUSEHOLD_FIELDS[(pair.index + 1) % len(HOUSEHOLD_FIELDS)]
            )
            owner.edits.append(
                Edit(hid, owner_field, _value(owner_field, owner.index, 900 + k), pair=pair.index)
            )
            d.edits.append(
                Edit(hid, other_field, _value(other_field, d.index, 950 + k), pair=pair.index)
            )
    http = [d for d in devices if not d.usb]
    for d in http[: size.kills]:
        d.kill_at = size.visits // 2
    return Plan(size, county, files, by_village, devices, pairs)


def _home_villages(
    size: Size, by_village: dict[str, list[str]], untyped: set[str]
) -> list[list[str]]:
    """Villages in code order, handed out until each device has enough households."""
    need = size.visits + size.pairs_per_device + 1
    villages = sorted(by_village)
    homes: list[list[str]] = []
    at = 0

    def enough(home: list[str]) -> bool:
        return sum(1 for v in home for h in by_village[v] if h not in untyped) >= need

    for _ in range(size.devices):
        home: list[str] = []
        while at < len(villages) and not enough(home):
            home.append(villages[at])
            at += 1
        if not enough(home):
            raise ValueError(
                f"{size.households} households are too few for {size.devices} devices with {size.visits} visits each "
                f"(each needs {need} households of its own)"
            )
        homes.append(home)
    return homes


def _own_edit(device: int, k: int, household_id: str) -> Edit:
    if k % 5 == 4:
        return Edit(household_id, MEMBER_EDIT_FIELD, k % 12 + 1, member=True)
    name = HOUSEHOLD_FIELDS[k % len(HOUSEHOLD_FIELDS)]
    return Edit(household_id, name, _value(name, device, k))


def _value(name: str, device: int, k: int) -> str:
    """A synthetic value no other device picks (the device number is in it)."""
    if name == "phone":
        return f"139{device:02d}{k:06d}"
    if name == "address":
        return f"新址{device + 1:02d}-{k + 1:04d}号"
    if name == "hamlet":
        return f"{HAMLETS[k % len(HAMLETS)]}{device + 1}队"
    return f"{k % 9 + 1}组{device + 1:02d}"


def expected_conflicts(plan: Plan) -> int:
    return sum(1 for p in plan.pairs if p.same_field)


def overlap_share(plan: Plan) -> float:
    edits = sum(len(d.edits) for d in plan.devices)
    contested = sum(1 for d in plan.devices for e in d.edits if e.pair is not None)
    return contested / edits if edits else math.nan
