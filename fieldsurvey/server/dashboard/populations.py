"""Villages' rural populations as the county states them: the divisor of poverty incidence.

The roster only holds registered and monitored households, not everyone who lives in a village,
so incidence needs the county's own figure (from the statistics bureau or the village). Admins
enter it with its source; every change is audited. Without one the dashboard divides by the
people in the roster and labels the figure as such.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import Division, HouseholdRow, VillagePopulation


def list_populations(s: Session, who: Principal) -> list[dict[str, Any]]:
    """Every village in scope with the stated population (or none) and the roster's people."""
    stated = {p.village_code: p for p in s.execute(select(VillagePopulation)).scalars()}
    roster = dict(
        s.execute(
            select(HouseholdRow.village_code, func.coalesce(func.sum(HouseholdRow.member_count), 0))
            .where(HouseholdRow.deleted.is_(False))
            .group_by(HouseholdRow.village_code)
        ).all()
    )
    villages = s.execute(
        select(Division.code, Division.name)
        .where(Division.level == "village")
        .order_by(Division.code)
    ).all()
    out = []
    for code, name in villages:
        if not who.may_touch(code):
            continue
        p = stated.get(code)
        out.append(
            {
                "village_code": code,
                "village": name,
                "roster_people": int(roster.get(code, 0)),
                "rural_population": p.rural_population if p else None,
                "source": p.source if p else None,
                "updated_by": p.updated_by if p else None,
                "updated_at": p.updated_at.isoformat() if p else None,
            }
        )
    return out


def set_population(
    s: Session, signer: Any, who: Principal, village_code: str, population: int | None, source: str
) -> None:
    """State (or, with None, withdraw) a village's rural population; audited."""
    division = s.get(Division, village_code)
    if division is None or division.level != "village":
        raise UserError(Text("没有这个村", "no such village"), code="not_found")
    if population is None:
        s.execute(delete(VillagePopulation).where(VillagePopulation.village_code == village_code))
    else:
        if not source.strip():
            raise UserError(
                Text("请注明人口数的来源", "say where the population figure comes from"),
                code="source_required",
            )
        row = s.get(VillagePopulation, village_code)
        now = datetime.now(UTC)
        if row is None:
            s.add(
                VillagePopulation(
                    village_code=village_code,
                    rural_population=population,
                    source=source.strip(),
                    updated_by=who.username,
                    updated_at=now,
                )
            )
        else:
            row.rural_population, row.source, row.updated_by, row.updated_at = (
                population,
                source.strip(),
                who.username,
                now,
            )
    audit.append(
        s,
        signer,
        actor=who.actor,
        action="population_set",
        subject=village_code,
        details={"rural_population": population},
    )
