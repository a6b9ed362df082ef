"""Line breaks for form labels: at word boundaries, never one character alone on a line.

Qt wraps Chinese between any two characters, so a label a little too long for its column ends
with a lone "户" or "）" on the second line, and a long English word is cut where it hits the
edge. ``wrap_text`` chooses the breaks itself: first only at word boundaries (spaces, after a
comma or a closing bracket, before an opening bracket); when that needs more lines than the text
must have, it breaks between characters but balances the lines, so each is about as long as the
others. Breaks keep to the usual rules: no line starts with closing punctuation or ends with an
opening bracket, and no Latin word or number is cut unless it is longer than a line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QFontMetrics

OPENING = "（(《“‘[【「"
CLOSING = "，、；：。！？）)》”’]】」,.;:!?"
SLACK_PX = 2  # the label draws with the same metrics; a little room keeps rounding from re-wrapping


def _word_breaks(text: str) -> list[int]:
    """Positions i where a line may start at ``text[i]`` at a word boundary."""
    out = []
    for i in range(1, len(text)):
        before, here = text[i - 1], text[i]
        if here in CLOSING or before in OPENING:
            continue
        if before == " " or before in CLOSING or here in OPENING:
            out.append(i)
    return out


def _char_breaks(text: str) -> list[int]:
    """Every position a line may start at, Latin words and numbers kept whole."""
    out = []
    for i in range(1, len(text)):
        before, here = text[i - 1], text[i]
        if here in CLOSING or before in OPENING or here == " ":
            continue
        if before.isascii() and before.isalnum() and here.isascii() and here.isalnum():
            continue
        out.append(i)
    return out


def _greedy(text: str, breaks: Sequence[int], fits: Callable[[str], bool]) -> list[str] | None:
    """Fill each line as far as it goes using only ``breaks``; None when a piece cannot fit."""
    lines: list[str] = []
    start = 0
    points = [b for b in breaks if 0 < b < len(text)] + [len(text)]
    last_fit: int | None = None
    i = 0
    while i < len(points):
        end = points[i]
        if fits(text[start:end].strip()):
            last_fit = end
            i += 1
            continue
        if last_fit is None or last_fit == start:
            return None
        lines.append(text[start:last_fit].strip())
        start, last_fit = last_fit, None
    lines.append(text[start:].strip())
    return [line for line in lines if line]


def wrap_text(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` with newlines where a label ``width`` pixels wide should break it."""
    if "\n" in text or width <= 0:
        return text

    def fits_in(w: int) -> Callable[[str], bool]:
        return lambda s: metrics.horizontalAdvance(s) <= w

    usable = width - SLACK_PX
    if fits_in(usable)(text):
        return text
    chars = _char_breaks(text)
    least = _greedy(text, chars, fits_in(usable))
    if least is None:  # a Latin word longer than the line: let Qt cut it
        return text
    n = len(least)
    words = _greedy(text, _word_breaks(text), fits_in(usable))
    if words is not None and len(words) == n and min(len(w) for w in words) > 1:
        return "\n".join(words)
    lo, hi = usable // n, usable  # the narrowest width that still needs only n lines
    best = least
    while lo < hi:
        mid = (lo + hi) // 2
        lines = _greedy(text, chars, fits_in(mid))
        if lines is not None and len(lines) == n:
            best, hi = lines, mid
        else:
            lo = mid + 1
    return "\n".join(best)
