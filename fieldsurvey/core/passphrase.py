"""How strong a passphrase is, in words a secretary understands.

The store's Argon2id slows guessing down but cannot save "123456"; the setup assistant and the
command line both refuse weak passphrases with the same rules, stated here once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fieldsurvey.core.text import Text

MIN_LENGTH = 8
COMMON = {
    "password",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyui",
    "11111111",
    "88888888",
    "66666666",
    "abcd1234",
    "iloveyou",
    "woaini1314",
    "a1234567",
    "00000000",
}


@dataclass(frozen=True, slots=True)
class Strength:
    score: int  # 0 (unusable) … 4 (strong)
    problems: tuple[Text, ...]

    @property
    def acceptable(self) -> bool:
        return not self.problems

    @property
    def label(self) -> Text:
        return (
            Text("很弱", "very weak"),
            Text("弱", "weak"),
            Text("一般", "fair"),
            Text("强", "strong"),
            Text("很强", "very strong"),
        )[self.score]


def check_strength(passphrase: str) -> Strength:
    problems: list[Text] = []
    if len(passphrase) < MIN_LENGTH:
        problems.append(
            Text(f"至少需要{MIN_LENGTH}个字符", f"use at least {MIN_LENGTH} characters")
        )
    if passphrase.lower() in COMMON:
        problems.append(
            Text("这是常见密码，很容易被猜到", "this is a common password and easy to guess")
        )
    if passphrase and len(set(passphrase)) <= 2:
        problems.append(Text("字符重复太多", "too many repeated characters"))
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() and ord(c) < 128 for c in passphrase):
        pool += 32
    if any(ord(c) >= 128 for c in passphrase):
        pool += 3000  # Chinese characters: a large alphabet
    bits = len(set(passphrase)) * math.log2(pool) if pool else 0.0
    score = 0 if problems else min(4, 1 + int(bits // 28))
    return Strength(score, tuple(problems))
