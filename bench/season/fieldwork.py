"""A secretary's offline day, driven through the real form engine and the real store.

Each visit is filled the way a person fills it in the app: the visitor's name, a changed fact
or two (water outages, income from livestock), now and then a member change (a newborn, or a
member who married out), the household's confirmation, and the findings typed a few characters
at a time. The draft is saved after every change, as the app's autosave does, and each save is
announced on stdout *after* it returned: a promise the store must keep if the laptop dies.
Finalizing checks the visit, projects it onto the household, assesses it and writes it all in
one transaction (``store.visits.finalize``).

Household edits (a new phone number, an address, a hamlet, a member's months of work) are made
between visits through the store's repositories, as the household page does.

Everything is resumable: after a crash the same plan runs again on the reopened store and skips
what is done — a finalized visit by this visitor, an edit whose value is already there — and a
visit with a draft continues from the draft, where the typing stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bench.season.plan import DevicePlan, Edit
from fieldsurvey.core.ids import make_id_number
from fieldsurvey.core.policy import Policy, load_policy
from fieldsurvey.core.visit import Visit
from fieldsurvey.forms.household_visit import finalize_visit, open_visit, start_visit, visit_record
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.forms.session import FormSession

FINDINGS = (
    "入户核实家庭成员和收入情况，饮水正常，住房安全，老人慢病按时服药，孩子在校就读。",
    "家中主要劳动力外出务工，留守老人身体尚可，已落实医保和大病保险，生产生活稳定。",
    "今年新发展中蜂养殖，收入有所增加，房屋无裂缝，自来水入户，冬季断水天数较少。",
)
PIECE = 6  # characters typed between two autosaves
INSURED = {
    "resident_medical_insurance": True,
    "employee_medical_insurance": False,
    "critical_illness_insurance": True,
    "medical_assistance": False,
    "family_doctor": False,
}
Emit = Callable[[dict[str, Any]], None]


class Fieldwork:
    def __init__(self, store: Any, plan: DevicePlan, emit: Emit, today: date | None = None) -> None:
        self.store, self.plan, self.emit = store, plan, emit
        self.today = today or date.today()
        self.library = FormLibrary()
        self.policy: Policy = load_policy()
        self.stats = {
            "visits": 0,
            "skipped_visits": 0,
            "member_changes": 0,
            "drafts_saved": 0,
            "edits": 0,
            "skipped_edits": 0,
            "resumed": None,
        }
        self.edits_done: list[dict[str, Any]] = []

    # -- the day ------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        visits, edits = self.plan.visits, self.plan.edits
        per_visit = len(edits) / len(visits) if visits else 0.0
        done_edits = 0
        for k, household_id in enumerate(visits):
            self.visit(k, household_id)
            upto = len(edits) if k == len(visits) - 1 else round((k + 1) * per_visit)
            for e in edits[done_edits:upto]:
                self.edit(e)
            done_edits = upto
        return {**self.stats, "edits_done": self.edits_done}

    # -- one visit ----------------------------------------------------------------------------
    def visit(self, k: int, household_id: str) -> None:
        mine = [
            v
            for v in self.store.visits.for_household(household_id)
            if v.visitor == self.plan.visitor
        ]
        if any(v.finalized for v in mine):
            self.stats["skipped_visits"] += 1
            return
        household = self.store.households.get(household_id)
        if household is None:
            raise RuntimeError(f"visit {k}: the household is not in this device's store")
        draft = next((v for v in mine if not v.finalized and not v.amends), None)
        if draft is not None:
            session = open_visit(draft, household, library=self.library, policy=self.policy)
            self.stats["resumed"] = {
                "visit": k,
                "visit_id": draft.visit_id,
                "findings": len(session.value("findings") or ""),
            }
        else:
            session = start_visit(
                household, today=self.today, library=self.library, policy=self.policy
            )
        state = _Draft(self, session, household_id, k, draft)
        state.set("visitor", self.plan.visitor)
        if k % 2 == 0 and session.is_relevant("water_outage_days"):
            state.set("water_outage_days", k % 5 + 1)
        if k % 3 == 0 and session.is_relevant("business.livestock"):
            state.set("business.livestock", 1000 + 37 * k)
        if k in self.plan.member_change_at:
            self._member_change(state, household)
        state.set("household_confirmed", True)
        head = next(
            (m for m in household.present_members if m.relation == "02"), household.members[0]
        )
        state.set("confirmed_by", head.name)
        state.type_findings(FINDINGS[k % len(FINDINGS)])
        state.set("follow_up", "下次走访核实务工收入")
        self._answer_what_is_asked(state)
        fresh = self.store.households.get(household_id)
        check = session.finalize_check()
        if (
            not check.ok
        ):  # the plan asked for something the rules refuse: a bug in the bench, not a user error
            raise RuntimeError(
                f"visit {k}: {[(i.path.split('/')[-1], i.text.en) for i in check.errors]}"
            )
        done = finalize_visit(session, fresh, state.visit, policy=self.policy)
        self.store.visits.finalize(
            done.visit, done.household, done.assessment.to_dict(), done.member_changes
        )
        self.stats["visits"] += 1
        self.stats["member_changes"] += len(done.member_changes)
        self.emit(
            {
                "event": "finalized",
                "visit": k,
                "visit_id": done.visit.visit_id,
                "household_id": household_id,
            }
        )

    def _answer_what_is_asked(self, state: _Draft) -> None:
        """Answer the required questions the registry held no answer for, as the secretary must
        on the spot (e.g. whether a child out of school is taught at home). Counted per field, so
        the report shows where the demo data and the form disagree."""
        s = state.session
        for _round in range(6):
            asked = [i for i in s.finalize_check().errors if i.code == "required" and i.path]
            if not asked:
                return
            for issue in asked:
                el = s.element(s.resolve_path(issue.path).name or "")
                choices = s.choices(issue.path)
                value: Any = {
                    "boolean": False,
                    "acknowledge": True,
                    "integer": 0,
                    "decimal": 0,
                    "date": self.today.isoformat(),
                    "select_one": choices[0].name if choices else None,
                }.get(el.type, "入户时当面核实")
                state.set(issue.path, value)
                answered = self.stats.setdefault("answered_on_the_spot", {})
                answered[el.name] = answered.get(el.name, 0) + 1

    def _member_change(self, state: _Draft, household: Any) -> None:
        s = state.session
        if any(not s.value(f"members[{i}]/registered") for i in s.instances("members")) or any(
            s.value(f"members[{i}]/change_reason") for i in s.instances("members")
        ):
            return  # already recorded in the draft before a crash
        leaving = [m for m in household.present_members if m.relation not in ("02", "10")]
        if state.k % 2 == 1 and leaving:
            path = f"members[{leaving[-1].member_id}]"
            state.set(f"{path}/change_reason", "married_out")
            state.set(f"{path}/change_date", (self.today - timedelta(days=12)).isoformat())
            if s.finalize_check().ok:
                return
            state.set(
                f"{path}/change_reason", None
            )  # the rules object (e.g. the poverty cause): a newborn instead
            state.set(f"{path}/change_date", None)
        baby = s.add_instance("members")
        born = self.today - timedelta(days=20 + (self.plan.index * 13 + state.k) % 300)
        sex = "male" if state.k % 2 else "female"
        state.set(f"members[{baby}]/name", f"{head_surname(household)}小宝")
        state.set(f"members[{baby}]/relation", "41")
        state.set(
            f"members[{baby}]/id_number",
            make_id_number("610728", born, 500 + (self.plan.index * 37 + state.k) % 499, sex),
        )
        state.set(f"members[{baby}]/change_reason", "newborn")
        state.set(f"members[{baby}]/change_date", born.isoformat())
        state.set(f"members[{baby}]/health", "healthy")
        for fact, value in INSURED.items():
            state.set(f"medical[{baby}]/{fact}", value)

    # -- one edit -----------------------------------------------------------------------------
    def edit(self, e: Edit) -> None:
        h = self.store.households.get(e.household_id)
        if h is None:
            raise RuntimeError("an edit names a household this device does not hold")
        if e.member:
            target = next(m for m in h.members if m.present)
            record_type, record_id = "member", target.member_id
            current = getattr(target, e.field)
        else:
            target, record_type, record_id = h, "household", h.household_id
            current = getattr(h, e.field)
        done = {
            "household_id": e.household_id,
            "record_type": record_type,
            "record_id": record_id,
            "field": e.field,
            "value": e.value,
            "pair": e.pair,
        }
        if current == e.value:
            self.stats["skipped_edits"] += 1  # done before a crash, or already so
        else:
            setattr(target, e.field, e.value)
            self.store.households.update(h)
            self.stats["edits"] += 1
        self.edits_done.append(done)


class _Draft:
    """The visit being filled: every change is saved at once, then announced."""

    def __init__(
        self, work: Fieldwork, session: FormSession, household_id: str, k: int, visit: Visit | None
    ) -> None:
        self.work, self.session, self.household_id, self.k, self.visit = (
            work,
            session,
            household_id,
            k,
            visit,
        )
        self.saves = 0

    def set(self, path: str, value: Any) -> None:
        if self.session.value(path) == _typed(self.session, path, value):
            return
        self.session.set_value(path, value)
        self.session.move_to(path)
        self.save(path)

    def save(self, path: str) -> None:
        self.visit = visit_record(self.session, self.household_id, self.visit)
        self.work.store.visits.save_draft(self.visit)
        self.saves += 1
        self.work.stats["drafts_saved"] += 1
        findings = self.session.value("findings") or ""
        self.work.emit(
            {
                "event": "draft",
                "visit": self.k,
                "visit_id": self.visit.visit_id,
                "household_id": self.household_id,
                "save": self.saves,
                "path": path,
                "findings": len(findings),
            }
        )

    def type_findings(self, text: str) -> None:
        """Type the findings a few characters at a time, continuing a crashed draft's text."""
        typed = str(self.session.value("findings") or "")
        if not text.startswith(typed):
            raise RuntimeError("the draft's findings are not a prefix of what was being typed")
        while len(typed) < len(text):
            typed = text[: len(typed) + PIECE]
            self.session.set_value("findings", typed)
            self.session.move_to("findings")
            self.save("findings")


def _typed(session: FormSession, path: str, value: Any) -> Any:
    """``value`` as the session would hold it, to tell whether a change is needed."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def head_surname(household: Any) -> str:
    head = next((m for m in household.members if m.relation == "02"), household.members[0])
    return str(head.name)[:1]
