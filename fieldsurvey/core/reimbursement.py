"""Reimbursement rates of members' medical costs, checked against the policy's targets.

Health poverty alleviation promised that a poor patient's compliant costs are mostly
reimbursed (basic insurance, critical illness insurance, medical assistance together): Zhenba
80% of inpatient costs, Guangxi 90% of inpatient and 80% of special chronic outpatient costs
(``resources/policy/medical_reimbursement.json``). The visit records, per member and year, the
costs and what was reimbursed (``IncomeRecord.medical_costs``); this module turns them into the
rate, and whether it meets the target of the household's division, for the ledger, the
household view and the county's export.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import Policy
from fieldsurvey.core.policy_files import Sourced
from fieldsurvey.core.text import Text

KINDS: dict[str, tuple[str, str, str]] = {
    # kind → (costs key, reimbursed key, target kind in the policy table)
    "hospital": ("hospital", "hospital_reimbursed", "hospital"),
    "outpatient": ("outpatient", "outpatient_reimbursed", "outpatient_chronic"),
}
KIND_LABELS = {
    "hospital": Text("住院", "inpatient"),
    "outpatient": Text("门诊慢特病", "chronic outpatient"),
}


@dataclass(frozen=True, slots=True)
class Reimbursement:
    """One member's costs of one kind in one year, and the rate against the target."""

    year: int
    member_id: str
    kind: str  # hospital | outpatient
    costs: float
    reimbursed: float
    target: Sourced[float] | None

    @property
    def rate(self) -> float:
        return self.reimbursed / self.costs if self.costs > 0 else 0.0

    @property
    def meets_target(self) -> bool | None:
        """True or False against the target; None where the division has no target."""
        if self.target is None:
            return None
        # Rates are compared in whole tenths of a percent, so 89.99…% from rounding in the
        # amounts the patient was given does not fail a 90% target.
        return round(self.rate * 1000) >= round(self.target.value * 1000)

    def verdict(self) -> Text:
        met = self.meets_target
        if met is None:
            return Text("本地未设目标", "no local target")
        target = f"{self.target.value:.0%}" if self.target else ""
        return (
            Text(f"达到{target}目标", f"meets the {target} target")
            if met
            else Text(f"未达到{target}目标", f"below the {target} target")
        )


def reimbursements(household: Household, policy: Policy) -> list[Reimbursement]:
    """Every recorded (year, member, kind) with costs above zero, oldest year first."""
    out: list[Reimbursement] = []
    division = household.division_code
    for record in sorted(household.incomes, key=lambda r: r.year):
        for member_id, costs in record.medical_costs.items():
            for kind, (cost_key, paid_key, target_kind) in KINDS.items():
                amount = costs.get(cost_key)
                if not amount or amount <= 0:
                    continue
                paid = costs.get(paid_key) or 0.0
                target = policy.reimbursement_target(target_kind, division)
                out.append(Reimbursement(record.year, member_id, kind, amount, paid, target))
    return out


def below_target(household: Household, policy: Policy) -> list[Reimbursement]:
    return [r for r in reimbursements(household, policy) if r.meets_target is False]
