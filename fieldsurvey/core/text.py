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
    # Further languages a form's labels may have (an imported XLSForm's French, Tibetan …), as
    # (language code, text) pairs; program messages have none.
    more: tuple[tuple[str, str], ...] = ()

    def get(self, lang: str) -> str:
        """The text in ``lang``: zh/en, a further language the text has, else English."""
        if lang.startswith("zh"):
            return self.zh
        if lang.startswith("en"):
            return self.en
        return next((text for code, text in self.more if code == lang), self.en)

    def both(self) -> str:
        return f"{self.zh} ({self.en})"

    def format(self, **values: object) -> Text:
        return Text(self.zh.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return self.both()
