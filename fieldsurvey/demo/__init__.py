"""A synthetic demo county: 镇巴县 (610728) with invented townships, villages and households.

Everything here is made up and reproducible from a seed; nothing describes a real person.
Use it to try the app, to train secretaries, and as realistic test data:

    county = generate_county(seed=1, households=600)
    for household in iter_households(county, 600, seed=1):
        ...

``iter_households`` streams: it holds one village at a time, so any count fits in memory.
"""

from fieldsurvey.demo.county import DEMO_COUNTY_CODE, DemoCounty, VillageProfile, generate_county
from fieldsurvey.demo.generator import allocate, iter_households
from fieldsurvey.demo.shares import DEFAULT_SHARES, DemoShares

__all__ = [
    "DEFAULT_SHARES",
    "DEMO_COUNTY_CODE",
    "DemoCounty",
    "DemoShares",
    "VillageProfile",
    "allocate",
    "generate_county",
    "iter_households",
]
