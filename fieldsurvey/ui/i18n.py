"""Which language the window speaks, and switching it while the app runs.

UI strings are written in English in the source and translated through Qt (``.ts`` sources and
compiled ``.qm`` under ``resources/i18n/``); zh_CN is the default. Domain texts (code lists,
assessment reasons, errors) are bilingual ``Text`` values in the data and are picked here by the
same language, so both kinds always agree.

Widgets follow a switch by handling ``QEvent.LanguageChange`` (Qt sends it to every widget when
a translator is installed or removed) and re-setting their texts in a ``retranslate`` method.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.resources import resource_path
from fieldsurvey.core.text import Text

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
# the same names as menu items, each with its own Alt+letter (the menu reads the same in both)
LANGUAGE_MENU_NAMES = {"zh_CN": "中文(&Z)", "en": "&English"}

_state: dict[str, object] = {"language": DEFAULT_LANGUAGE, "translators": []}


def qm_path(language: str) -> Path:
    return resource_path("i18n", f"fieldsurvey_{language}.qm")


def set_language(language: str) -> None:
    """Install the translators for ``language`` (removing the previous ones).

    Qt posts a LanguageChange event to every widget, so open windows retranslate themselves.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs a QApplication")
    for old in _state["translators"]:  # type: ignore[attr-defined]
        app.removeTranslator(old)
    translators: list[QTranslator] = []
    if language != "en":
        ours = QTranslator(app)
        if ours.load(str(qm_path(language))):
            translators.append(ours)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_own = QTranslator(app)
        if qt_own.load(f"qtbase_{language}", qt_dir):
            translators.append(qt_own)  # standard buttons (OK, Cancel) and dialogs
    for t in translators:
        app.installTranslator(t)
    _state["translators"] = translators
    _state["language"] = language
    QLocale.setDefault(
        QLocale(QLocale.Language.Chinese if language == "zh_CN" else QLocale.Language.English)
    )
    # Qt posts LanguageChange; deliver it now so every window has switched when this returns.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def language() -> str:
    return str(_state["language"])


def lang() -> str:
    """The short code ``Text.get`` takes: "zh" or "en"."""
    return "en" if language() == "en" else "zh"


def t(text: Text) -> str:
    """A bilingual domain text in the current language."""
    return text.get(lang())


def code_label(list_name: str, code: str | None) -> str:
    """A code list label (relationship, status, …) in the current language; "" for none."""
    return code_list(list_name).label(code, lang()) if code else ""
