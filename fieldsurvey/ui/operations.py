"""The store operations the app runs on the database worker (see ``ops.py``).

Each function here returns an ``OpFn``: a function of the worker's ``OpEnv`` that calls the
store's repositories and returns plain data (or ``WithChanges``). No Qt widgets are touched;
everything returned is a copy the main thread may keep.

The store, SQLAlchemy and the assessment are imported inside the operations, so they load on
the worker thread (``warm_up`` starts that while the unlock screen is shown) and never delay
the first window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.ui.context import PROFILE_KEY, Profile
from fieldsurvey.ui.ops import Changes, OpEnv, OpFn, WithChanges

if TYPE_CHECKING:
    from fieldsurvey.core.assessment_result import Assessment
    from fieldsurvey.core.household import Household
    from fieldsurvey.core.visit import MemberChange, Visit
    from fieldsurvey.store import Store
    from fieldsurvey.store.households import HouseholdSummary
    from fieldsurvey.ui.roster import RosterReport

STORE_KEY_FILE = "store.key"
IMPORT_CHUNK = 500


def warm_up(env: OpEnv) -> None:
    """Load what unlocking needs on the worker while the user types the passphrase."""
    import fieldsurvey.core.assessment  # noqa: F401
    import fieldsurvey.encryption.keyfile  # noqa: F401
    import fieldsurvey.store  # noqa: F401


def warm_up_editor(env: OpEnv) -> None:
    """Load the visit editor (forms, expression parser) once the list is on screen."""
    from fieldsurvey.ui import visit_host

    visit_host.warm_up()


# -- opening and closing ---------------------------------------------------------------------
def load_profile(store: Store) -> Profile:
    return Profile.from_store_values(store.settings.get(PROFILE_KEY), store.county())


def unlock(data_dir: Path, *, passphrase: str | None = None, recovery_key: str | None = None) -> OpFn:
    def op(env: OpEnv) -> Profile:
        from fieldsurvey.store import Store

        if env.has_store:
            env.store.close()
            env.set_store(None)
        store = Store.open(data_dir, passphrase=passphrase, recovery_key=recovery_key)
        env.set_store(store)
        return load_profile(store)

    return op


def create(data_dir: Path, passphrase: str, profile: Profile, kdf: dict[str, Any] | None = None) -> OpFn:
    """A new store for the setup assistant; returns the recovery key (shown once).

    The store stays marked unfinished until ``finish_creation``, once the user has confirmed
    keeping the recovery key: should the app be closed or killed before, the next start runs
    the assistant again and makes a new store with a key the user does see.
    """

    def op(env: OpEnv) -> str:
        from fieldsurvey.store import Store

        store, recovery_key = Store.create(data_dir, passphrase, kdf=kdf, finished=False)
        env.set_store(store)
        store.settings.set(PROFILE_KEY, {"name": profile.visitor, "unit": profile.unit})
        return recovery_key

    return op


def finish_creation(env: OpEnv) -> None:
    env.store.finish_creation()


def lock(env: OpEnv) -> None:
    """Close the store: the data key leaves memory; unlocking needs the passphrase again."""
    if env.has_store:
        store = env.store
        env.set_store(None)
        store.close()


def save_profile(profile: Profile) -> OpFn:
    def op(env: OpEnv) -> Profile:
        env.store.settings.set(PROFILE_KEY, {"name": profile.visitor, "unit": profile.unit})
        return load_profile(env.store)

    return op


def change_passphrase(data_dir: Path, current: str | None, new: str) -> OpFn:
    """Check the current passphrase against the key file first (unless unlocked by recovery)."""

    def op(env: OpEnv) -> None:
        from fieldsurvey.encryption.keyfile import KeyFile

        if current is not None:
            KeyFile.load(data_dir / STORE_KEY_FILE).unlock_with_passphrase(current)
        env.store.change_passphrase(new)

    return op


# -- the household list ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ListData:
    summaries: list[HouseholdSummary]
    village_names: dict[str, str]
    township_of: dict[str, str]  # village code -> township name
    head_pinyin: list[str] | None = None  # full pinyin of each head's name, read on the worker


def load_list(env: OpEnv) -> ListData:
    store = env.store
    divisions = store.divisions.all()
    names = {d.code.value: d.name for d in divisions}
    villages = {d.code.value: d.name for d in divisions if d.code.level == "village"}
    townships = {code: names.get(code[:9] + "000", "") for code in villages}
    summaries = store.households.summaries()
    from fieldsurvey.ui.pinyin_search import name_pinyin

    # the first call loads pypinyin's dictionaries: here, on the worker, not on the UI thread
    pinyin = [name_pinyin(s.head_name or "") for s in summaries]
    return ListData(summaries, villages, townships, pinyin)


# -- one household ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HouseholdBundle:
    household: Household
    visits: list[Visit]
    assessment: Assessment | None
    assessment_visit: Visit | None  # the finalized visit it was made at; None = computed now
    place: dict[str, str | None]  # county / township / village names
    photos: tuple[HouseholdPhotoView, ...] = ()  # newest visit first


@dataclass(frozen=True, slots=True)
class HouseholdPhotoView:
    """A photo on the household page: the store's info and what its field calls it."""

    info: Any  # store.photos.PhotoInfo
    visit_date: str
    title: Text  # the field's caption or label (改造后, 全家福 …)
    kind: str
    caption: str | None  # the user's own words
    finalized: bool


def household_photos(store: Store, household_id: str, visits: list[Visit]) -> tuple[HouseholdPhotoView, ...]:
    from fieldsurvey.forms.photo_fields import field_info

    forms = {v.visit_id: (v.form_id, v.form_version) for v in visits}
    out = []
    for p in store.photos.for_household(household_id):
        form_id, version = forms.get(p.visit_id, ("household_visit", None))
        info = field_info(form_id, version, p.field)
        out.append(HouseholdPhotoView(p.info, p.visit_date, info.title, info.kind, p.caption, p.finalized))
    return tuple(out)


def load_household(household_id: str, today: date | None = None) -> OpFn:
    def op(env: OpEnv) -> HouseholdBundle:
        from fieldsurvey.core.assessment import assess
        from fieldsurvey.core.assessment_result import Assessment

        store = env.store
        household = store.households.get(household_id)
        if household is None:
            raise UserError(Text("找不到该户（可能已被县里删除）", "household not found (the county may have removed it)"), code="not_found")
        visits = store.visits.for_household(household_id)
        source = next((v for v in visits if v.finalized and v.assessment), None)
        if source is not None and source.assessment is not None:
            assessment = Assessment.from_dict(source.assessment)
        else:
            changes = store.households.member_changes(household_id)
            assessment = assess(household, on=today or date.today(), member_changes=changes)
        place = store.divisions.path(household.division_code.value)
        photos = household_photos(store, household_id, visits)
        return HouseholdBundle(household, visits, assessment, source, place, photos)

    return op


def add_household(household: Household) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        store = env.store
        if store.households.get_by_no(household.household_no) is not None:
            raise UserError(Text("该户编号已存在", "this household number already exists"), code="duplicate")
        store.households.add(household)
        return WithChanges(household.household_id, Changes(frozenset({household.household_id}), household_list=True))

    return op


def change_member(household: Household, change: MemberChange) -> OpFn:
    """Save the household with a member joined or left, and the change record, in one go."""

    def op(env: OpEnv) -> WithChanges:
        env.store.households.record_member_change(household, change)
        return WithChanges(change.change_id, Changes(frozenset({household.household_id}), household_list=True))

    return op


def amend_visit(visit_id: str, reason: str, visitor: str) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        draft = env.store.visits.amend(visit_id, reason, visitor)
        return WithChanges(draft, Changes(frozenset({draft.household_id}), visits=True))

    return op


def delete_draft(household_id: str, visit_id: str) -> OpFn:
    def op(env: OpEnv) -> WithChanges:
        env.store.visits.delete_draft(visit_id)
        return WithChanges(None, Changes(frozenset({household_id}), visits=True))

    return op


def drafts(env: OpEnv) -> list[Visit]:
    return env.store.visits.drafts()


# -- roster ----------------------------------------------------------------------------------
def read_roster(path: Path) -> OpFn:
    def op(env: OpEnv) -> RosterReport:
        from fieldsurvey.ui.roster import parse_roster, read_table

        env.progress(0, 0)
        rows = read_table(path)
        existing = {s.household_no for s in env.store.households.summaries()}
        return parse_roster(rows, existing, progress=lambda done, total: env.progress(done, total))

    return op


@dataclass(frozen=True, slots=True)
class ImportResult:
    imported: int
    cancelled: bool


def import_roster(report: RosterReport) -> OpFn:
    """Load the roster's valid households in chunks; cancelling keeps the chunks already in."""

    def op(env: OpEnv) -> WithChanges:
        store = env.store
        county = report.county
        if county and not store.county()[0]:
            store.set_county(*county)
        store.divisions.add_many(report.divisions)
        total = len(report.households)
        done = 0
        cancelled = False
        for start in range(0, total, IMPORT_CHUNK):
            if env.cancelled:
                cancelled = True
                break
            env.progress(done, total, check=False)
            done += store.households.add_many(report.households[start:start + IMPORT_CHUNK])
        return WithChanges(ImportResult(done, cancelled), Changes(household_list=True))

    return op


# -- assessment of many households -----------------------------------------------------------
REASSESS_CHUNK = 200


def reassess_households(store: Store, on: date, progress=None, cancelled=None) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    """Assess every household from its current records and store the list flags.

    Needed when the policy tables change (a new year's monitoring threshold) and for rosters
    that arrive without assessments. Chunks are committed one by one, so a cancel keeps the work
    done so far; returns (households assessed, cancelled).
    """
    from fieldsurvey.core.assessment import assess

    total = store.households.count()
    done = 0
    batch: list[Household] = []

    def flush() -> None:
        changes = store.households.member_changes_of([h.household_id for h in batch])
        store.households.set_assessments(
            (h.household_id, assess(h, on=on, member_changes=changes.get(h.household_id, ())).to_dict(), None)
            for h in batch
        )

    for household in store.households.iter_households():
        batch.append(household)
        if len(batch) >= REASSESS_CHUNK:
            if cancelled and cancelled():
                return done, True
            flush()
            done += len(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        if cancelled and cancelled():
            return done, True
        flush()
        done += len(batch)
    if progress:
        progress(done, total)
    return done, False


def reassess_all(env: OpEnv) -> WithChanges:
    done, cancelled = reassess_households(
        env.store, date.today(),
        progress=lambda d, n: env.progress(d, n, check=False), cancelled=lambda: env.cancelled,
    )
    return WithChanges(ImportResult(done, cancelled), Changes(household_list=True))
