"""Who lives in a household: its shape, relationships (GB/T 4761), sexes, birth years and names.

Registered poor households in a mountain county are small and old: elderly people alone or in
couples, nuclear families whose parents work away, three generations under one roof, and
grandparents raising grandchildren left behind. Each shape below is drawn with a weight chosen
so that the mean household size is about 3.4 (Zhenba's registered households, seed 001,
average 3.3 people) and ages stay consistent: spouses within a few years of each other,
children born when their parents were 20–40.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from random import Random

from fieldsurvey.demo.names import NameMaker
from fieldsurvey.demo.tables import Weighted, triangular_ints

MAX_MEMBERS = 8
LOCAL_AREA = "610728"


@dataclass(slots=True)
class Person:
    """A member while the household is being built; becomes a ``Member`` at the end."""

    relation: str
    male: bool
    birth_year: int
    surname: str
    generation: int  # -1 the head's parents, 0 the head's, 1 children, 2 grandchildren
    area: str = LOCAL_AREA  # where the ID number was issued
    away: bool = False  # listed but working away from home
    settled: bool = False  # married (or has children here): an adult, not a student
    present: bool = True
    name: str = ""
    birth_date: date | None = None
    id_number: str = ""
    age: int = 0


SHAPES: Weighted[str] = Weighted(
    [
        ("elderly_alone", 11),
        ("elderly_couple", 12),
        ("nuclear", 28),
        ("nuclear_with_parents", 8),
        ("three_generations", 16),
        ("left_behind", 8),
        ("single_parent", 7),
        ("single_adult", 7),
        ("siblings", 3),
    ]
)
# shapes that can hold a child of compulsory-school age, for households given a dropout
SHAPES_WITH_CHILDREN: Weighted[str] = Weighted(
    [("nuclear", 5), ("three_generations", 3), ("left_behind", 2), ("single_parent", 1)]
)
_SONS = ("22", "23", "24", "25", "26")
_DAUGHTERS = ("32", "33", "34", "35", "36")
_CHILD_COUNTS: Weighted[int] = Weighted([(1, 30), (2, 50), (3, 17), (4, 3)])
# ages of the head, by shape of household
_AGE_ALONE = triangular_ints(62, 93, 76)
_AGE_COUPLE = triangular_ints(60, 89, 70)
_AGE_NUCLEAR = triangular_ints(28, 59, 42)
_AGE_NUCLEAR_WOMAN = triangular_ints(28, 57, 40)
_AGE_GRANDPARENT = triangular_ints(52, 79, 64)
_AGE_LEFT_BEHIND = triangular_ints(56, 81, 66)
_AGE_SINGLE_PARENT = triangular_ints(30, 61, 44)
_AGE_SINGLE = triangular_ints(30, 66, 52)
_AGE_SIBLINGS = triangular_ints(40, 71, 56)
# years the husband is older than his wife: mostly 0–4, a few where she is older
SPOUSE_GAP: Weighted[int] = Weighted(
    [(-2, 1), (-1, 3), (0, 6), (1, 8), (2, 9), (3, 7), (4, 5), (5, 3), (6, 2), (7, 1)]
)


class FamilyBuilder:
    def __init__(self, names: NameMaker, year: int, married_in_areas: Weighted[str]) -> None:
        self.names = names
        self.year = year  # the reference year: ages are counted to it
        self._areas = married_in_areas

    def build(
        self,
        rng: Random,
        surnames: tuple[tuple[str, float], ...],
        school_child: bool = False,
        departed: bool = False,
    ) -> tuple[str, list[Person]]:
        """The shape's name and its people, head first; names are unique within the household.

        With ``school_child`` the family is redrawn until it holds a child aged 12–15 (a
        household chosen to have a dropout needs one). With ``departed`` a former member who
        died or married out is kept at the end, not present (the record keeps its history).
        """
        for _ in range(30):
            shape = (SHAPES_WITH_CHILDREN if school_child else SHAPES).pick(rng)
            people = getattr(self, "_" + shape)(rng, self.names.local_surname(rng, surnames))
            if not school_child or any(12 <= self.year - p.birth_year <= 15 for p in people):
                break
        people = people[:MAX_MEMBERS]
        if departed:
            former = self._departed(rng, people)
            if former is not None:
                people.append(former)
        taken: set[str] = set()
        for p in people:
            p.name = self.names.full_name(rng, p.surname, p.birth_year, p.male, taken)
            taken.add(p.name)
        return shape, people

    # -- the shapes -------------------------------------------------------------------------

    def _elderly_alone(self, rng: Random, surname: str) -> list[Person]:
        male = rng.random() < 0.45
        head = self._head(rng, surname, male, _AGE_ALONE.pick(rng))
        return [head]

    def _elderly_couple(self, rng: Random, surname: str) -> list[Person]:
        head = self._head(rng, surname, True, _AGE_COUPLE.pick(rng))
        return [head, self._wife(rng, head)]

    def _nuclear(self, rng: Random, surname: str) -> list[Person]:
        if rng.random() < 0.9:
            head = self._head(rng, surname, True, _AGE_NUCLEAR.pick(rng))
            spouse = self._wife(rng, head)
            father, mother = head, spouse
        else:  # a woman heads the household (husband disabled, or married in: 上门)
            head = self._head(rng, surname, False, _AGE_NUCLEAR_WOMAN.pick(rng))
            spouse = self._husband(rng, head)
            father, mother = spouse, head
        kids_surname = mother.surname if father is spouse and rng.random() < 0.5 else father.surname
        kids = self._children(rng, father, mother, kids_surname, keep_adults=0.35)
        return [head, spouse, *kids]

    def _nuclear_with_parents(self, rng: Random, surname: str) -> list[Person]:
        people = self._nuclear(rng, surname)
        return people + self._parents(rng, people[0], both=rng.random() < 0.35)

    def _three_generations(self, rng: Random, surname: str) -> list[Person]:
        head = self._head(rng, surname, True, _AGE_GRANDPARENT.pick(rng))
        people = [head]
        grandmother = self._wife(rng, head) if rng.random() < 0.85 else None
        if grandmother:
            people.append(grandmother)
        other = grandmother or Person("10", False, head.birth_year + 3, surname, 0)
        young_year = self._child_year(rng, head, other, self.year - 25)
        if rng.random() < 0.85:  # a married son with his wife and children
            son = Person(
                "22", True, young_year, head.surname, 1, LOCAL_AREA, rng.random() < 0.6, True
            )
            people.append(son)
            wife = self._wife(rng, son, relation="38")
            if rng.random() < 0.8:
                people.append(wife)
            people += self._grandchildren(rng, son, wife, son.surname, ("41", "42"))
        else:  # a daughter whose husband married in (上门女婿)
            daughter = Person(
                "32", False, young_year, head.surname, 1, LOCAL_AREA, rng.random() < 0.4, True
            )
            husband = self._husband(rng, daughter, relation="28")
            people += [daughter, husband]
            kids_surname = daughter.surname if rng.random() < 0.5 else husband.surname
            people += self._grandchildren(rng, husband, daughter, kids_surname, ("43", "44"))
        return people

    def _left_behind(self, rng: Random, surname: str) -> list[Person]:
        male = rng.random() < 0.6
        head = self._head(rng, surname, male, _AGE_LEFT_BEHIND.pick(rng))
        people = [head]
        if male and rng.random() < 0.7:
            people.append(self._wife(rng, head))
        head_age = self.year - head.birth_year
        son_age = max(
            26, min(head_age - rng.randint(22, 34), 42)
        )  # the parents are 20–40 years apart
        son_surname = surname if male else self.names.outside_surname(rng)
        son = Person("22", True, self.year - son_age, son_surname, 1, LOCAL_AREA, True, True)
        mother_surname = self.names.outside_surname(rng)
        mother = Person(
            "38",
            False,
            son.birth_year + rng.randint(0, 4),
            mother_surname,
            1,
            self._area(rng),
            True,
            True,
        )
        if rng.random() < 0.4:
            people.append(son)
            if rng.random() < 0.5:
                people.append(mother)
        people += self._grandchildren(rng, son, mother, son.surname, ("41", "42"), young=True)
        return people

    def _single_parent(self, rng: Random, surname: str) -> list[Person]:
        male = rng.random() < 0.4
        head = self._head(rng, surname, male, _AGE_SINGLE_PARENT.pick(rng))
        other = Person("10", not male, head.birth_year + (-2 if male else 2), surname, 0)
        father, mother = (head, other) if male else (other, head)
        kids = self._children(rng, father, mother, surname, keep_adults=0.2)
        return [head, *kids] if kids else [head, *self._children(rng, father, mother, surname, 1.0)]

    def _single_adult(self, rng: Random, surname: str) -> list[Person]:
        head = self._head(rng, surname, rng.random() < 0.8, _AGE_SINGLE.pick(rng))
        people = [head]
        if rng.random() < 0.45:
            people += self._parents(rng, head, both=rng.random() < 0.2)
        return people

    def _siblings(self, rng: Random, surname: str) -> list[Person]:
        head = self._head(rng, surname, True, _AGE_SIBLINGS.pick(rng))
        male = rng.random() < 0.7
        by = head.birth_year + rng.choice((-6, -4, -3, -2, 2, 3, 4, 6))
        older = by < head.birth_year
        relation = ("71" if older else "73") if male else ("75" if older else "77")
        return [head, Person(relation, male, by, surname, 0)]

    def _departed(self, rng: Random, people: list[Person]) -> Person | None:
        """The late spouse of a widowed head, or a daughter who married out."""
        head = people[0]
        spouse = next((p for p in people if p.relation in ("10", "11", "12")), None)
        if spouse is None:
            if self.year - head.birth_year < 50:
                return None
            former = self._wife(rng, head) if head.male else self._husband(rng, head)
        else:
            father, mother = (head, spouse) if head.male else (spouse, head)
            birth_year = self._child_year(rng, father, mother, self.year - 20)
            if self.year - birth_year < 20:
                return None
            former = Person("30", False, birth_year, father.surname, 1)
        former.present = False
        return former

    # -- building blocks --------------------------------------------------------------------

    def _head(self, rng: Random, surname: str, male: bool, age: int) -> Person:
        return Person("02", male, self.year - age, surname, 0, LOCAL_AREA, False, True)

    def _area(self, rng: Random) -> str:
        return self._areas.pick(rng) if rng.random() < 0.25 else LOCAL_AREA

    def _wife(self, rng: Random, husband: Person, relation: str | None = None) -> Person:
        if relation is None:
            relation = "12" if rng.random() < 0.8 else "10"
        by = husband.birth_year + SPOUSE_GAP.pick(rng)
        return Person(
            relation,
            False,
            by,
            self.names.outside_surname(rng),
            husband.generation,
            self._area(rng),
            False,
            True,
        )

    def _husband(self, rng: Random, wife: Person, relation: str | None = None) -> Person:
        if relation is None:
            relation = "11" if rng.random() < 0.8 else "10"
        by = wife.birth_year - SPOUSE_GAP.pick(rng)
        return Person(
            relation,
            True,
            by,
            self.names.outside_surname(rng),
            wife.generation,
            self._area(rng),
            False,
            True,
        )

    def _birth_years(self, rng: Random, father: Person, mother: Person, count: int) -> list[int]:
        """Birth years of ``count`` children, each with both parents aged 20–40 at the birth."""
        low = max(father.birth_year, mother.birth_year) + 20
        high = min(father.birth_year, mother.birth_year) + 40
        years: list[int] = []
        by = low + rng.randint(0, 8)
        while len(years) < count and by <= min(high, self.year):
            years.append(by)
            by += rng.randint(2, 6)
        return years

    def _children(
        self, rng: Random, father: Person, mother: Person, surname: str, keep_adults: float
    ) -> list[Person]:
        """The couple's children still in the household: the young, and some unmarried adults."""
        years = self._birth_years(rng, father, mother, _CHILD_COUNTS.pick(rng))
        sexes = [rng.random() < 0.52 for _ in years]
        only_child = len(years) == 1
        kids: list[Person] = []
        sons = daughters = 0
        for by, male in zip(years, sexes, strict=True):
            if male:
                relation = "21" if only_child else _SONS[min(sons, 4)]
                sons += 1
            else:
                relation = "31" if only_child else _DAUGHTERS[min(daughters, 4)]
                daughters += 1
            if rng.random() < 0.1:
                relation = "20" if male else "30"
            age = self.year - by
            if age >= 24 and not (male and rng.random() < keep_adults):
                continue  # married out or set up their own household
            kids.append(
                Person(
                    relation,
                    male,
                    by,
                    surname,
                    father.generation + 1,
                    LOCAL_AREA,
                    age >= 18 and rng.random() < 0.6,
                )
            )
        return kids

    def _grandchildren(
        self,
        rng: Random,
        father: Person,
        mother: Person,
        surname: str,
        codes: tuple[str, str],
        young: bool = False,
    ) -> list[Person]:
        count = rng.choice((1, 1, 2, 2, 2, 3))
        years = self._birth_years(rng, father, mother, count)
        if young:  # left-behind children are of school age or younger
            years = [y for y in years if self.year - y <= 16]
            if not years:
                latest = self._child_year(rng, father, mother, self.year - 3)
                years = [max(latest, self.year - 14)] if latest >= self.year - 14 else []
        out = []
        for by in years:
            male = rng.random() < 0.52
            out.append(Person(codes[0] if male else codes[1], male, by, surname, 2))
        return out

    def _child_year(self, rng: Random, father: Person, mother: Person, latest: int) -> int:
        """A child's birth year with both parents aged 20–40 at the birth, not after ``latest``."""
        low = max(father.birth_year, mother.birth_year) + 20
        high = min(father.birth_year, mother.birth_year) + 40
        return min(rng.randint(low, max(low, high)), max(latest, low))

    def _parents(self, rng: Random, head: Person, both: bool) -> list[Person]:
        mother_year = head.birth_year - rng.randint(22, 36)
        father_year = max(mother_year - SPOUSE_GAP.pick(rng), head.birth_year - 40)
        parents: list[Person] = []
        if both or rng.random() < 0.3:
            parents.append(Person("51", True, father_year, head.surname, -1))
        if both or not parents:
            mother = Person("52", False, mother_year, self.names.outside_surname(rng), -1)
            parents.append(mother)
        return [p for p in parents if self.year - p.birth_year <= 97]
