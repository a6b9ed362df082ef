"""The random source of the generator: ``random.Random`` with cheaper small draws.

The standard ``randint`` and ``choice`` go through ``randrange``'s argument checks and
rejection sampling, about three times the cost of one ``random()``; the generator makes dozens
of such draws per household. Scaling one ``random()`` is biased by less than one part in 2**50
for the small ranges used here and stays deterministic for a seed.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class DemoRandom(Random):
    """Same stream as ``random.Random`` for a seed; only ``randint`` and ``choice`` differ."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]
