"""Drinking water safety (T/CHES 18-2018): quantity, quality, convenience and supply guarantee.

All four must hold. Convenience holds by any one of its criteria (piped into the yard, a short
trip, a short horizontal or vertical distance); when none of them was recorded the answer is
unknown, and when only failing measures were recorded it is not met.
"""

from __future__ import annotations

from fieldsurvey.core.assessment_result import MET, NOT_MET, UNKNOWN, DimensionResult
from fieldsurvey.core.dimensions import Finding, combine, reason
from fieldsurvey.core.household import Household
from fieldsurvey.core.policy import Policy
from fieldsurvey.core.text import Text


def judge_water(household: Household, policy: Policy) -> DimensionResult:
    limits = policy.water_thresholds(household.water_short_area)
    findings: list[Finding] = []
    need = limits.quantity_lpd.value
    area = Text("缺水地区", "water-short area") if household.water_short_area else Text("", "")
    qty = household.water_quantity_lpd
    if qty is None:
        findings.append(
            (
                UNKNOWN,
                reason(
                    "未记录人均日供水量",
                    "the daily water quantity per person was not recorded",
                    fact="water_quantity_lpd",
                ),
            )
        )
    else:
        ok = qty >= need
        findings.append(
            (
                MET if ok else NOT_MET,
                reason(
                    f"人均日供水量{qty:g}升，{area.zh}标准为不低于{need:g}升",
                    f"{qty:g} L per person per day; the {area.en + ' ' if area.en else ''}standard "
                    f"is at least {need:g} L",
                    fact="water_quantity_lpd",
                ),
            )
        )
    quality = household.water_quality_ok
    if quality is None:
        findings.append(
            (
                UNKNOWN,
                reason(
                    "未记录水质是否达标", "water quality was not recorded", fact="water_quality_ok"
                ),
            )
        )
    else:
        findings.append(
            (
                MET if quality else NOT_MET,
                reason(
                    "水质达标" if quality else "水质不达标",
                    "water quality is acceptable" if quality else "water quality is not acceptable",
                    fact="water_quality_ok",
                ),
            )
        )
    findings.append(_water_convenience(household, policy))
    days, most = household.water_outage_days, limits.max_outage_days.value
    if days is None:
        findings.append(
            (
                UNKNOWN,
                reason(
                    "未记录全年停水天数",
                    "days without supply in the year were not recorded",
                    fact="water_outage_days",
                ),
            )
        )
    else:
        findings.append(
            (
                MET if days <= most else NOT_MET,
                reason(
                    f"全年停水{days}天，标准为不超过{most}天",
                    f"{days} days without supply in the year; at most {most} allowed",
                    fact="water_outage_days",
                ),
            )
        )
    return combine("water", findings)


def _water_convenience(household: Household, policy: Policy) -> Finding:
    """Met by any one of: piped into the yard, or a short trip, or a short distance either way."""
    limits = policy.water_thresholds(household.water_short_area)
    if household.water_piped:
        return MET, reason("自来水入户（院）", "water is piped into the yard", fact="water_piped")
    measures = (
        (
            "water_trip_minutes",
            household.water_trip_minutes,
            limits.trip_minutes.value,
            Text(
                "取水往返{v:g}分钟（标准不超过{m:g}分钟）",
                "a trip to fetch water takes {v:g} min (at most {m:g})",
            ),
        ),
        (
            "water_distance_h_m",
            household.water_distance_h_m,
            limits.distance_horizontal_m.value,
            Text(
                "取水水平距离{v:g}米（标准不超过{m:g}米）",
                "horizontal distance {v:g} m (at most {m:g})",
            ),
        ),
        (
            "water_distance_v_m",
            household.water_distance_v_m,
            limits.distance_vertical_m.value,
            Text(
                "取水垂直距离{v:g}米（标准不超过{m:g}米）",
                "vertical distance {v:g} m (at most {m:g})",
            ),
        ),
    )
    recorded = [(fact, v, m, t) for fact, v, m, t in measures if v is not None]
    for fact, value, most, text in recorded:
        if value <= most:
            said = text.format(v=value, m=most)
            return MET, reason(f"取水方便：{said.zh}", f"convenient: {said.en}", fact=fact)
    if not recorded:
        fact = "water_piped" if household.water_piped is None else "water_trip_minutes"
        return UNKNOWN, reason(
            "未记录是否自来水入户及取水时间或距离",
            "neither piped supply nor the time or distance to fetch water was recorded",
            fact=fact,
        )
    failed = [t.format(v=v, m=m) for _, v, m, t in recorded]
    return NOT_MET, reason(
        "取水不方便：" + "；".join(s.zh for s in failed),
        "not convenient: " + "; ".join(s.en for s in failed),
        fact=recorded[0][0],
    )
