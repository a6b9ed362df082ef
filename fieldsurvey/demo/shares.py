"""How often the demo county's households have each kind of problem.

A demo that only holds perfect households shows nothing of what the tool is for, and one where
every household fails looks absurd. The defaults give each problem to roughly 1–4 % of
households, the order of magnitude that county verification campaigns report for exited
households (错退 and 漏评 targets under 2 %, relapse targets under 0.5 %, seed documents 001 and
004); they are parameters so a trainer can make a village with many problems on purpose.

Each share is the probability that a household is *made* to have the problem, drawn
independently per household. Realised shares differ slightly: a dropout needs a child of
compulsory-school age (the generator builds one such family for a household chosen to have a
dropout), and natural causes add a few cases on top (a disabled child exempted from school is
not a dropout; an elderly person living alone may fall under the income line by chance).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text


@dataclass(frozen=True, slots=True)
class DemoShares:
    """Shares of households (0–1) given each problem or trait."""

    dropout: float = 0.012  # a child of 6–15 out of school, with a dropout reason
    uninsured: float = 0.015  # a member without basic medical insurance
    unsafe_house: float = 0.012  # house graded C or D, or no house of their own
    unsafe_water: float = 0.015  # too little water, long outages, far to fetch or bad quality
    under_line: float = 0.04  # net income per capita under the monitoring line (about 6,000)
    sharp_fall: float = 0.03  # latest year's income 30–60 % below the year before
    big_expense: float = 0.02  # a sudden expense (accident, disaster, funeral) in the latest year
    relocated: float = 0.12  # moved under 易地扶贫搬迁 (Zhenba relocated a large share)
    departed_member: float = 0.04  # a former member kept in the record (died or married out)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not 0.0 <= value <= 1.0:
                raise UserError(
                    Text(
                        f"比例 {f.name} 应在0–1之间",
                        f"the share '{f.name}' must be between 0 and 1",
                    ),
                    code="bad_demo_share",
                )


DEFAULT_SHARES = DemoShares()
