"""Words for the codes the server answers with, in the window's language.

Domain codes (status, household type, dimensions, flags, fields) come from the bilingual tables
of ``core``; the few county-mode words that are UI strings (batch results, review states, roles)
go through Qt's translation like every other string of the window.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication

from fieldsurvey.core.assessment_result import DIMENSION_LABELS, FLAG_LABELS
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import FIELD_LABELS, HOUSEHOLD_CODED, MEMBER_CODED
from fieldsurvey.ui.i18n import code_label, lang, t


def dimension(code: str) -> str:
    label = DIMENSION_LABELS.get(code)
    return t(label) if label else code


def flag(code: str) -> str:
    label = FLAG_LABELS.get(code)
    return t(label) if label else code


MORE_FIELD_LABELS = {
    "phone": Text("联系电话", "phone"),
    "address": Text("住址", "address"),
    "group": Text("村民小组", "village group"),
    "hamlet": Text("自然村", "hamlet"),
    "food_secure": Text("不愁吃", "food secure"),
    "clothing_secure": Text("不愁穿", "clothing secure"),
    "water_quantity_lpd": Text("人均日供水量", "water per person per day"),
    "water_quality_ok": Text("水质达标", "water quality"),
    "water_piped": Text("自来水入户", "piped water"),
    "present": Text("在户", "present"),
    "exit_year": Text("脱贫年度", "exit year"),
    "risk_cleared": Text("风险已消除", "risk cleared"),
    "resident_medical_insurance": Text("城乡居民医保", "resident medical insurance"),
}


def field(name: str) -> str:
    label = FIELD_LABELS.get(name) or MORE_FIELD_LABELS.get(name)
    return t(label) if label else name


def status(code: str | None) -> str:
    return code_label("status", code)


def household_type(code: str | None) -> str:
    return code_label("household_type", code)


def role(code: str) -> str:
    return {
        "admin": QCoreApplication.translate("CountyLabels", "administrator"),
        "county_staff": QCoreApplication.translate("CountyLabels", "county staff"),
        "secretary": QCoreApplication.translate("CountyLabels", "first secretary"),
    }.get(code, code)


def batch_result(code: str) -> str:
    return {
        "merged": QCoreApplication.translate("CountyLabels", "merged"),
        "has_conflicts": QCoreApplication.translate("CountyLabels", "has conflicts"),
        "refused": QCoreApplication.translate("CountyLabels", "refused"),
    }.get(code, code)


def review(code: str | None) -> str:
    return {
        "has_issues": QCoreApplication.translate("CountyLabels", "has issues"),
        "ok": QCoreApplication.translate("CountyLabels", "checked, no issues"),
        None: QCoreApplication.translate("CountyLabels", "not reviewed"),
    }.get(code, code or "")


def record_type(code: str) -> str:
    return {
        "household": QCoreApplication.translate("CountyLabels", "household"),
        "member": QCoreApplication.translate("CountyLabels", "member"),
        "helper": QCoreApplication.translate("CountyLabels", "assigned helper"),
        "measure": QCoreApplication.translate("CountyLabels", "assistance measure"),
        "income": QCoreApplication.translate("CountyLabels", "income"),
        "visit": QCoreApplication.translate("CountyLabels", "visit"),
        "member_change": QCoreApplication.translate("CountyLabels", "member change"),
    }.get(code, code)


def record_kind(code: str) -> str:
    """A batch record's kind (sync/schema.py) as people name it."""
    return {
        "household.create": QCoreApplication.translate("CountyLabels", "new households"),
        "record.create": QCoreApplication.translate("CountyLabels", "new records"),
        "record.update": QCoreApplication.translate("CountyLabels", "changes"),
        "record.delete": QCoreApplication.translate("CountyLabels", "removals"),
        "visit": QCoreApplication.translate("CountyLabels", "visits"),
        "member_change": QCoreApplication.translate("CountyLabels", "member changes"),
    }.get(code, code)


def outcome(code: str) -> str:
    return {
        "applied": QCoreApplication.translate("CountyLabels", "applied"),
        "unchanged": QCoreApplication.translate("CountyLabels", "already so"),
        "conflict": QCoreApplication.translate("CountyLabels", "conflict"),
        "created": QCoreApplication.translate("CountyLabels", "added"),
        "deleted": QCoreApplication.translate("CountyLabels", "removed"),
    }.get(code, code)


def conflict_kind(code: str) -> str:
    return {
        "field": QCoreApplication.translate("CountyLabels", "both changed the field"),
        "deleted": QCoreApplication.translate("CountyLabels", "edited after the county removed it"),
        "delete": QCoreApplication.translate("CountyLabels", "removed after the county changed it"),
        "duplicate_no": QCoreApplication.translate("CountyLabels", "household number already used"),
    }.get(code, code)


def value(field_name: str, v: Any) -> str:
    """A record value as people read it: code labels, yes/no, dates as written, "(empty)"."""
    if v is None or v == "" or v == []:
        return QCoreApplication.translate("CountyLabels", "(empty)")
    if isinstance(v, bool):
        return (
            QCoreApplication.translate("CountyLabels", "yes")
            if v
            else QCoreApplication.translate("CountyLabels", "no")
        )
    list_name = HOUSEHOLD_CODED.get(field_name) or MEMBER_CODED.get(field_name)
    if list_name and isinstance(v, str):
        label = code_label(list_name, v)
        return label or v  # the label only: a code key is no word for a person
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def text_of(message: Any) -> str:
    """A bilingual message the server sent (a model with ``zh`` and ``en``, or such a dict), in the
    current language."""
    if not message:
        return ""
    zh, en = (
        (message.get("zh"), message.get("en"))
        if isinstance(message, dict)
        else (message.zh, message.en)
    )
    return str((en if lang() == "en" else zh) or zh or "")
