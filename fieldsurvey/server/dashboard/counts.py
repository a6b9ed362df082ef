"""Dashboards of a county, township or village, computed by the server in one scan.

One ``GROUP BY village_code`` over the households in scope yields, per village: households and
people by status and monitored type, how many fail (and how many are unknown in) each of the
seven dimensions, how many were never assessed, and how many were not visited in 30 or 90 days.
Townships and the county are sums of their villages. Each count is ``SUM(CASE WHEN <cond>)``
with the very condition ``county_lists`` uses for the list behind it, and the answer gives each
row's filter, so the UI can open exactly the households behind any number.

Poverty incidence per village = people in households not exited or relapsed ÷ the village's
rural population. The rural population is the county's figure (``village_populations``); where
the county has not entered one, the people in the roster stand in, and the answer says so.
The result is compared with the village exit standard of the policy tables.

Relapse rate per village and for the scope = people in relapsed households ÷ people in
households that exited (exited or relapsed), against the relapse-rate target of the policy tables
(Chongqing: below 0.5%). The answer also lists the policy values that apply to the county and are
still marked unverified, so county staff see them here and not the households on their ledgers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from fieldsurvey.core.assessment_result import DIMENSIONS
from fieldsurvey.core.codes import code_list
from fieldsurvey.core.policy import Policy, division_keys, load_policy
from fieldsurvey.core.resources import load_json, resource_path
from fieldsurvey.server.auth.identity import Principal
from fieldsurvey.server.db.models import BatchRow, Division, Meta, User, VillagePopulation
from fieldsurvey.server.households.filters import (
    H,
    HouseholdFilter,
    conditions,
    division_names,
    fails_condition,
    monitored_condition,
    not_assessed_condition,
    not_visited_condition,
    poor_condition,
    scope_prefix,
    unknown_condition,
)

COVERAGE_DAYS = (30, 90)
WEEKS = 12
LEVELS = {6: "county", 9: "township", 12: "village"}


def _sum(cond: ColumnElement[bool], value: Any = 1) -> Any:
    return func.coalesce(func.sum(case((cond, value), else_=0)), 0)


def measures(today: date) -> dict[str, tuple[ColumnElement[bool] | None, dict[str, Any], bool]]:
    """name → (condition, the filter it stands for, whether it sums people instead of households)."""
    out: dict[str, tuple[ColumnElement[bool] | None, dict[str, Any], bool]] = {
        "households": (None, {}, False),
        "people": (None, {}, True),
        "monitored": (monitored_condition(), {"monitored": True}, False),
        "monitored_people": (monitored_condition(), {"monitored": True}, True),
        "poor_people": (poor_condition(), {"poor": True}, True),
        "not_assessed": (not_assessed_condition(), {"not_assessed": True}, False),
    }
    for code in code_list("status").codes():
        out[f"status.{code}"] = (H.status == code, {"status": code}, False)
        out[f"status_people.{code}"] = (H.status == code, {"status": code}, True)
    for code in code_list("household_type").codes():
        out[f"type.{code}"] = (H.household_type == code, {"household_type": code}, False)
        out[f"type_people.{code}"] = (H.household_type == code, {"household_type": code}, True)
    for d in DIMENSIONS:
        out[f"fails.{d}"] = (fails_condition(d), {"fails": d}, False)
        out[f"unknown.{d}"] = (unknown_condition(d), {"unknown": d}, False)
    for days in COVERAGE_DAYS:
        out[f"not_visited.{days}"] = (
            not_visited_condition(days, today),
            {"not_visited_days": days},
            False,
        )
    return out


def dashboard(
    s: Session, who: Principal, scope: str | None, today: date | None = None
) -> dict[str, Any]:
    today = today or date.today()
    meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
    prefix = scope_prefix(scope) or str(meta.get("county") or "")
    level = LEVELS[len(prefix)]
    names = division_names(s)
    spec = measures(today)
    columns = [
        (
            _sum(cond, H.member_count if people else 1)
            if cond is not None
            else (func.coalesce(func.sum(H.member_count), 0) if people else func.count())
        ).label(name.replace(".", "__"))
        for name, (cond, _f, people) in spec.items()
    ]
    stmt = (
        select(H.village_code, *columns)
        .where(*conditions(HouseholdFilter(scope=prefix), who))
        .group_by(H.village_code)
    )
    by_village: dict[str, dict[str, int]] = {}
    for row in s.execute(stmt).mappings():
        by_village[row["village_code"]] = {name: int(row[name.replace(".", "__")]) for name in spec}
    child_len = {"county": 9, "township": 12, "village": 12}[level]
    rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(spec, 0))
    total: dict[str, int] = dict.fromkeys(spec, 0)
    for village, counts in by_village.items():
        child = village[:child_len]
        for name, n in counts.items():
            rows[child][name] += n
            total[name] += n
    children = _children(s, prefix, level, who)
    for code in children:
        rows.setdefault(code, dict.fromkeys(spec, 0))
    filters = {name: f for name, (_c, f, _p) in spec.items()}
    return {
        "as_of": today.isoformat(),
        "scope": {"code": prefix, "level": level, "name": _name(names, prefix, meta)},
        "measures": list(spec),
        "filters": filters,
        "total": total,
        "rows": [
            {"code": code, "name": _name(names, code, meta), "counts": rows[code]}
            for code in sorted(rows)
        ],
        "incidence": incidence(s, who, by_village, names, today),
        "relapse": relapse(load_policy(), prefix, total),
        "income_target": _income_target(prefix, today),
        "unverified_policy": unverified_policy(load_policy(), str(meta.get("county") or prefix)[:6])
        if who.role in ("county_staff", "admin")
        else [],
        "batches_per_week": batches_per_week(s, today)
        if who.role in ("county_staff", "admin")
        else None,
    }


def _income_target(prefix: str, today: date) -> dict[str, Any] | None:
    """The province's income target for the poor population for this year or last, if one was set."""
    policy = load_policy()
    for year in (today.year, today.year - 1):
        target = policy.income_target(prefix, year)
        if target is not None:
            return {"year": year, "value": target.value, "source": target.source}
    return None


def _name(names: dict[str, str], prefix: str, meta: dict[str, Any]) -> str:
    if len(prefix) == 6:
        return str(meta.get("county_name") or names.get(prefix + "000000") or prefix)
    return names.get(prefix if len(prefix) == 12 else prefix + "000", prefix)


def _children(s: Session, prefix: str, level: str, who: Principal) -> list[str]:
    """Townships of a county, villages of a township, or the village itself (including empty ones)."""
    if level == "village":
        return [prefix] if who.may_touch(prefix) else []
    codes = s.execute(select(Division.code).where(Division.level == "village")).scalars()
    villages = [c for c in codes if c.startswith(prefix) and who.may_touch(c)]
    return sorted({c[:9] for c in villages}) if level == "county" else sorted(villages)


def incidence(
    s: Session,
    who: Principal,
    by_village: dict[str, dict[str, int]],
    names: dict[str, str],
    today: date,
) -> list[dict[str, Any]]:
    """Poverty incidence per village in scope against the village exit standard."""
    stated = {p.village_code: p for p in s.execute(select(VillagePopulation)).scalars()}
    policy = load_policy()
    out = []
    for village in sorted(by_village):
        counts = by_village[village]
        row = stated.get(village)
        population = row.rural_population if row else counts["people"]
        standard = policy.village_exit_standard(village)
        rate = (100.0 * counts["poor_people"] / population) if population else None
        out.append(
            {
                "village_code": village,
                "village": names.get(village, village),
                "poor_people": counts["poor_people"],
                "population": population,
                "population_source": "county" if row else "roster",
                "population_note": row.source if row else None,
                "rate_percent": round(rate, 2) if rate is not None else None,
                "standard_percent": standard.value if standard else None,
                "standard_source": standard.source if standard else None,
                "standard_verified": standard.verified if standard else None,
                "meets_standard": (rate < standard.value)
                if (rate is not None and standard)
                else None,
                "filter": {"scope": village, "poor": True},
                **relapse(policy, village, counts),
            }
        )
    return out


def relapse(policy: Policy, division: str, counts: dict[str, int]) -> dict[str, Any]:
    """Relapse rate (people in relapsed ÷ people in exited or relapsed households) and its target."""
    relapsed = counts.get("status_people.relapsed", 0)
    ever_exited = relapsed + counts.get("status_people.exited", 0)
    rate = 100.0 * relapsed / ever_exited if ever_exited else None
    target = policy.relapse_rate_target(division)
    return {
        "relapsed_people": relapsed,
        "exited_people": ever_exited,
        "relapse_rate_percent": round(rate, 2) if rate is not None else None,
        "relapse_target_percent": target.value if target else None,
        "relapse_target_source": target.source if target else None,
        "meets_relapse_target": (rate < target.value) if (rate is not None and target) else None,
    }


def unverified_policy(policy: Policy, county: str) -> list[dict[str, Any]]:
    """Policy values still marked unverified that apply to this county: national ones and those
    keyed by its own county, prefecture or province code (another province's are left out)."""
    mine = set(division_keys(county))
    out = []
    for entry in policy.unverified():
        codes = [p for p in entry.key.replace(":", ".").split(".") if p.isdigit() and len(p) == 6]
        if codes and not set(codes) <= mine:
            continue
        table = entry.key.split(":", 1)[0]
        zh, en = _table_titles(table)
        out.append(
            {
                "key": entry.key,
                "value": entry.value,
                "source": entry.source,
                "note": entry.note,
                "county_table": entry.county,
                "table": table,
                "table_zh": zh,
                "table_en": en,
            }
        )
    return out


def _table_titles(table: str) -> tuple[str, str]:
    """The policy table's own titles, so county staff read 返贫风险提示参数, not relapse_risk."""
    path = resource_path("policy", f"{table}.json")
    if table.isidentifier() and path.is_file():
        data = load_json("policy", f"{table}.json")
        return str(data.get("title_zh") or table), str(data.get("title_en") or table)
    return table, table


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def batches_per_week(s: Session, today: date) -> dict[str, Any]:
    """Accepted batches per secretary per ISO week (Monday), the last ``WEEKS`` weeks."""
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    weeks = [first + timedelta(weeks=i) for i in range(WEEKS)]
    users = {u.user_id: (u.username, u.display_name) for u in s.execute(select(User)).scalars()}
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for user_id, received in s.execute(
        select(BatchRow.user_id, BatchRow.received_at).where(BatchRow.received_at >= since)
    ):
        day = (received if received.tzinfo else received.replace(tzinfo=UTC)).astimezone(UTC).date()
        counts[user_id][week_start(day)] += 1
    series = [
        {
            "username": users.get(uid, (uid, uid))[0],
            "display_name": users.get(uid, (uid, uid))[1],
            "counts": [by_week.get(w, 0) for w in weeks],
        }
        for uid, by_week in counts.items()
    ]
    series.sort(key=lambda x: (-sum(x["counts"]), x["username"]))
    return {"weeks": [w.isoformat() for w in weeks], "series": series}
