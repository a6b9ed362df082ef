"""Chinese punctuation in Chinese text: where an ASCII , : ; ( ) sits in a Chinese sentence.

Chinese typesetting uses the full-width marks (，：；（）); an ASCII comma between two characters
looks cramped and half-finished on a Chinese screen or page. ``problems`` finds such marks: a
comma, colon or semicolon right after a Chinese character (or a placeholder following one) and
before more text, and a pair of parentheses next to or holding Chinese. Qt's mnemonic form
``(&F)`` is the convention in Chinese menus and stays ASCII; so do numbers (``1,000``), times
(``10:30``), placeholders' format specs and Latin-only asides.

``fix`` applies the same rule, for the one-off conversion and for new strings.
"""

from __future__ import annotations

import re

CJK_CHARS = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2026\u2014\u00b7\u3001"
CJK = re.compile(f"[{CJK_CHARS}]")
HAS_CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER_END = re.compile(r"(?:\{[^{}]*\}|%\d)$")
PLACEHOLDER_START = re.compile(r"^(?:\{[^{}]*\}|%\d)")
FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}


def _left_is_chinese(text: str, i: int) -> bool:
    before = text[:i].rstrip(" ")
    if not before:
        return False
    if CJK.match(before[-1]):
        return True
    m = PLACEHOLDER_END.search(before)
    return bool(m) and bool(CJK.search(before[max(0, m.start() - 1) : m.start()]))


def _right_is_text(text: str, i: int) -> bool:
    after = text[i + 1 :].lstrip(" ")
    return bool(after) and (
        bool(CJK.match(after[0])) or bool(PLACEHOLDER_START.match(after)) or after[0].isalnum()
    )


def _braces(text: str) -> list[bool]:
    """Which characters are inside an f-string or format placeholder ``{…}``."""
    inside, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        inside.append(depth > 0)
        if ch == "}" and depth:
            depth -= 1
    return inside


def _paren_pairs(text: str, inside: list[bool]) -> list[tuple[int, int]]:
    pairs, stack = [], []
    for i, ch in enumerate(text):
        if inside[i]:
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs.append((stack.pop(), i))
    return pairs


def is_chinese(text: str) -> bool:
    """More Chinese characters than Latin letters: a Chinese sentence, not English naming a Chinese term."""
    plain = re.sub(r"\{[^{}]*\}|%\d|\(&.\)", "", text)
    return len(HAS_CJK.findall(plain)) > len(re.findall(r"[A-Za-z]", plain))


def positions(text: str) -> list[int]:
    """Indexes of the ASCII marks that should be full-width."""
    if not HAS_CJK.search(text) or not is_chinese(text):
        return []
    inside = _braces(text)
    found: list[int] = []
    for i, ch in enumerate(text):
        if inside[i] or ch not in ",:;":
            continue
        if (
            ch in ",;"
            and i
            and text[i - 1].isdigit()
            and i + 1 < len(text)
            and text[i + 1].isdigit()
        ):
            continue  # 1,000
        if (
            ch == ":"
            and i
            and text[i - 1].isdigit()
            and i + 1 < len(text)
            and text[i + 1].isdigit()
        ):
            continue  # 10:30
        if _left_is_chinese(text, i) and (_right_is_text(text, i) or ch == ":"):
            found.append(i)
    for start, end in _paren_pairs(text, inside):
        content = text[start + 1 : end]
        if re.fullmatch(r"&.", content):
            continue  # a menu mnemonic, (&F)
        if HAS_CJK.search(content) or _left_is_chinese(text, start):
            found += [start, end]
    return sorted(found)


def problems(text: str) -> list[str]:
    return [text[max(0, i - 6) : i + 7] for i in positions(text)]


def fix(text: str) -> str:
    for _ in range(3):  # a mark after one just made full-width is found on the next round
        chars = list(text)
        for i in positions(text):
            chars[i] = FULL[chars[i]]
        out = "".join(chars)
        if out == text:
            return text
        text = re.sub(r" *([，：；（）]) *", r"\1", out)
    return text
