"""The XLSForm vocabulary the importer understands, as pyxform's survey dict spells it."""

from __future__ import annotations

import re

from fieldsurvey.core.files import MIB
from fieldsurvey.core.text import Text

# Bounds of what the importer reads (docs/security.md, "Exports, imports and resource limits").
MAX_FILE = 16 * MIB  # a large XLSForm, choice lists included, is well under 1 MB
MAX_NESTING = 32  # groups and repeats inside each other; real forms use a handful
XLSFORM = Text("XLSForm 文件", "XLSForm file")

# pyxform's normalised type → the project's field type.
TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
    "datetime": "datetime",
    "geopoint": "geopoint",
    "gps": "geopoint",
    "date time": "datetime",
    "get today": "today",
    "uri:deviceid": "deviceid",
    "uri:username": "username",
    "phone number": "text",  # with pyxform's digits-only constraint and hint (below)
    "range": "range",
    "rank": "rank",
    "trigger": "acknowledge",  # the same control (an acknowledge is a trigger in the XForm)
    "start": "start",
    "end": "end",
    "today": "today",
    "deviceid": "deviceid",
    "username": "username",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "note": "note",
    "calculate": "calculate",
    "acknowledge": "acknowledge",
    "hidden": "hidden",
    "image": "photo",
    "photo": "photo",
    "group": "group",
    "repeat": "repeat",
}

# Metadata only a phone has (its number, SIM, the audit log); listed as ignored. start, end,
# today, deviceid and username are carried over and filled from the visit and the laptop.
PHONE_ONLY = {
    "phonenumber": Text("电话号码或 SIM 卡", "phone number or SIM"),
    "get phone number": Text("电话号码或 SIM 卡", "phone number or SIM"),
    "uri:phonenumber": Text("电话号码或 SIM 卡", "phone number or SIM"),
    "uri:simserial": Text("电话号码或 SIM 卡", "phone number or SIM"),
    "uri:subscriberid": Text("电话号码或 SIM 卡", "phone number or SIM"),
    "uri:email": Text("设备账号邮箱", "device account e-mail"),
    "simserial": Text("电话号码或 SIM 卡", "phone number or SIM"),
    "subscriberid": Text("电话号码或 SIM 卡", "phone number or SIM"),
    "email": Text("设备账号邮箱", "device account e-mail"),
    "audit": Text("ODK Collect 的操作日志", "ODK Collect audit log"),
}
IGNORED_TYPES = frozenset(PHONE_ONLY)

# A data file beside the workbook (select_one_from_file, pulldata): at most this large.
MAX_DATA_FILE = 4 * 1024 * 1024
DATA_FILE = Text("表单数据文件", "form data file")

# What pyxform's question type dictionary adds to a type beyond its bind type, where the row
# does not say otherwise: the 'phone number' type is text of digits only.
TYPE_DEFAULTS = {
    "phone number": {
        "constraint": "regex(., '^\\d*$')",
        "hint": {"zh": "Enter numbers only.", "en": "Enter numbers only."},
    },
}

# An image question's kind, guessed from its name or label when the workbook has no
# ``fieldsurvey::kind`` column (first match wins; "visit" otherwise). The import says so.
PHOTO_KIND_WORDS = (
    ("document", ("document", "certificate", "card", "id_", "证", "证件", "证明", "文件", "材料")),
    ("water_source", ("water", "well", "tank", "水")),
    ("house_interior", ("interior", "inside", "indoor", "室内", "屋内")),
    (
        "house_exterior",
        ("house", "housing", "home", "roof", "building", "住房", "房屋", "危房", "外观"),
    ),
    ("household", ("family", "household", "户貌", "全家", "家庭")),
)
# image appearances that are not photos (a drawing pad, a signature) are refused.
NOT_PHOTO_APPEARANCES = frozenset({"draw", "signature"})


def photo_kind(name: str, label: str) -> str:
    text = f"{name} {label}".lower()
    for kind, words in PHOTO_KIND_WORDS:
        if any(w in text for w in words):
            return kind
    return "visit"


# bind entries holding an expression → the project's attribute.
BIND_EXPRESSIONS = {
    "relevant": "relevant",
    "constraint": "constraint",
    "calculate": "calculation",
}


def language_of(name: str) -> str | None:
    """'zh', 'en' or 'default' for an XLSForm language name like 'Chinese (zh)'; None else."""
    lowered = name.lower()
    if lowered == "default":
        return "default"
    if "(zh" in lowered or "chinese" in lowered or "中文" in name:
        return "zh"
    if "(en" in lowered or "english" in lowered:
        return "en"
    return None


def language_code(name: str) -> str:
    """A code for a further XLSForm language: 'French (fr)' → 'fr'; a name without one gets
    'mis-' (ISO 639's 'uncoded') and its letters, e.g. 'Tibetan' → 'mis-tibetan'."""
    m = re.search(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\)\s*$", name)
    if m:
        return m.group(1).lower().replace("_", "-")
    letters = "".join(ch for ch in name.lower() if "a" <= ch <= "z" or ch.isdigit())[:8]
    return f"mis-{letters or 'lang'}" if len(letters) >= 2 else "mis-lang"


def truthy_cell(value: object) -> bool:
    return str(value).strip().lower() in ("yes", "true", "true()", "1")


# Keys of a survey row (pyxform's normalised names) that the importer reads or checks; any other
# column is one pyxform does not carry into the XForm either, so ODK ignores it too (listed).
SURVEY_KEYS = frozenset(
    {
        "type", "name", "label", "hint", "bind", "control", "instance", "media", "default",
        "choice_filter", "parameters", "trigger", "guidance_hint", "__row", "fieldsurvey",
    }
)  # fmt: skip

# body:: columns that change only how a question is drawn.
LAYOUT_CONTROLS = frozenset({"rows", "autoplay"})

# Functions that compute here what they were meant to, where JavaRosa computes something else:
# the import says so at every field that calls one.
DIFFERENCES = {
    "today": Text(
        "today() 取走访日期(整次走访不变);ODK Collect 取计算时设备的日期",
        "today() is the visit date here (fixed for the visit); ODK Collect takes the device's"
        " date at the moment it computes",
    ),
    "now": Text(
        "now() 取打开走访时的时刻(走访打开期间不变);ODK Collect 每次重新计算时读取时钟",
        "now() is the moment the visit was opened here (fixed while it is open); ODK Collect"
        " reads the clock each time the calculation recomputes",
    ),
    "format-names": Text(
        "format-date 的 %a/%b 在此写英文(Mon、Jan);ODK Collect 按手机语言书写",
        "format-date's %a and %b are English here (Mon, Jan); ODK Collect writes them in the"
        " phone's language",
    ),
    "dynamic_default": Text(
        "引用其他题目的默认值在该题首次显示（相关条件成立）时按当时的答案计算；ODK Collect 在打开表单"
        "（或新增一条重复组）时计算一次",
        "a default that refers to other questions is computed here when the question is first shown"
        " (its relevance holds), from the answers at that moment; ODK Collect computes it once when"
        " the form is opened (or a repeat is added)",
    ),
    "max": Text(
        "max() 在全部为负数时取其中最大者;ODK Collect(JavaRosa)此时得 4.9E-324",
        "max() of only negative numbers is the largest of them here; ODK Collect (JavaRosa)"
        " gives 4.9E-324 then",
    ),
}
