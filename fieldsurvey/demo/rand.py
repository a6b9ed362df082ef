"""The random source of the generator: ``random.Random`` with cheaper small draws.

The standard ``randint`` and ``choice`` go through ``randrange``'s argument checks and
rejection sampling, which costs more than the rest of drawing a member. Scaling one
``random()`` is biased by less than one part in 2**50 for the small ranges used here, stays
deterministic for a seed, and makes the generator several times faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import sqrt
from random import Random
from typing import TypeVar

T = TypeVar("T")


class DemoRandom(Random):
    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def triangular(self, low: float = 0.0, high: float = 1.0, mode: float | None = None) -> float:
        u = self.random()
        c = 0.5 if mode is None or high == low else (mode - low) / (high - low)
        if u > c:
            u, c, low, high = 1.0 - u, 1.0 - c, high, low
        return low + (high - low) * sqrt(u * c)
