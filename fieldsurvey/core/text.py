"""Bilingual text: every message a user can see exists in Chinese and English.

The UI picks one language; the command line prints both on one line so a message is readable
whatever the terminal's locale.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh

    def both(self) -> str:
        return f"{self.zh} ({self.en})"

    def format(self, **values: object) -> Text:
        return Text(self.zh.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return self.both()
