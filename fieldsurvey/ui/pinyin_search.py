"""Pinyin readings for search as typed: "lx" and "leixing" both find 户类型.

Secretaries type on laptops without a Chinese input method at hand, or faster in Latin letters,
so the household search and the visit editor's question finder match a typed needle against
the text itself, its pinyin initials and its full pinyin without tones or spaces.

Names go character by character through a cache (a roster of 100,000 households draws on a
few thousand characters; segmenting each name would dominate the list's load). Short texts
such as question labels are read whole, so pypinyin's phrase dictionary picks the reading of
characters with more than one (重量 zhòng, 重复 chóng).
"""

from __future__ import annotations

from functools import lru_cache

_CHAR: dict[str, tuple[str, str]] = {}
# Surnames read differently from the character's everyday reading (曾 zēng, not céng); the same
# list as the store's ``SURNAME_INITIALS``, with the whole syllable.
SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "查": "zha",
    "朴": "piao",
    "区": "ou",
    "缪": "miao",
    "覃": "qin",
    "尉": "yu",
    "盖": "ge",
    "乐": "yue",
    "翟": "zhai",
    "秘": "bi",
    "种": "chong",
    "句": "gou",
    "员": "yun",
    "繁": "po",
    "折": "she",
    "沈": "shen",
    "长": "chang",
    "隗": "wei",
    "召": "shao",
    "冼": "xian",
    "教": "jiao",
}


def _char_reading(char: str) -> tuple[str, str]:
    reading = _CHAR.get(char)
    if reading is None:
        if char.isascii() or not char.isalpha():
            reading = (
                char.lower() if char.isalnum() else "",
                char.lower() if char.isalnum() else "",
            )
        else:
            from pypinyin import Style, lazy_pinyin  # 0.4 s of dictionaries: loaded on first use

            full = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
            reading = (full[0][:1].lower(), full[0].lower()) if full else ("", "")
        _CHAR[char] = reading
    return reading


_FULL: dict[str, str] = {}


def name_pinyin(name: str) -> str:
    """The full pinyin of a name, for the household list (its initials are stored already).

    About a microsecond a name once its characters are known: the list reads it for every
    household on each load."""
    if not name:
        return ""
    full = _FULL
    try:
        rest = "".join([full[c] for c in name[1:]])
    except KeyError:
        for c in name:
            if c not in full:
                full[c] = _char_reading(c)[1]
        rest = "".join([full[c] for c in name[1:]])
    first = SURNAMES.get(name[0]) or full.get(name[0]) or _char_reading(name[0])[1]
    return first + rest


def name_readings(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, character by character (cached per character)."""
    pairs = [_char_reading(c) for c in name]
    if name and name[0] in SURNAMES:
        pairs[0] = (SURNAMES[name[0]][0], SURNAMES[name[0]])
    return "".join(p[0] for p in pairs), "".join(p[1] for p in pairs)


@lru_cache(maxsize=4096)
def text_readings(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of a short text read as a whole, punctuation dropped."""
    from pypinyin import Style, lazy_pinyin

    syllables = [
        s.lower()
        for s in lazy_pinyin(
            text, style=Style.NORMAL, errors=lambda chars: [c for c in chars if c.isalnum()]
        )
    ]
    syllables = ["".join(ch for ch in s if ch.isalnum()) for s in syllables]
    syllables = [s for s in syllables if s]
    return "".join(s[0] for s in syllables), "".join(syllables)


def needle(typed: str) -> str:
    """What is searched for: lower case, spaces and apostrophes dropped ("Lei Xing" → "leixing")."""
    return "".join(ch for ch in typed.lower() if not ch.isspace() and ch != "'")


def matches(typed: str, text: str, readings: tuple[str, str]) -> bool:
    """Whether ``typed`` is in ``text`` or in its pinyin initials or full pinyin."""
    n = needle(typed)
    if not n:
        return False
    return typed.strip().lower() in text.lower() or n in readings[0] or n in readings[1]
