"""The data files an XLSForm reads beside its workbook, carried into the imported form.

``select_one_from_file villages.csv`` (or ``.xml``) and ``pulldata('prices', …)`` name files
that ODK Collect finds among the form's media. The importer reads each from the workbook's
folder within bounds (``MAX_DATA_FILE`` bytes, the table limits of ``loader.py``) and writes it
into the form file as a table (``tables:``), so every version of the form carries exactly the
data it was made with, and a copy of the form is complete on its own.

A CSV is read as ODK reads one: UTF-8 (a byte-order mark is allowed), a header row, every cell
text. ``label::English (en)`` style headers become ``label::en``/``label::zh``. An XML list is
ODK's external-choices format (``<root><item><name>…</name><label>…</label></item></root>``),
read with defusedxml so an entity bomb or an external entity cannot be expanded.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import read_limited
from fieldsurvey.core.text import Text
from fieldsurvey.forms.form_parts import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from fieldsurvey.forms.xlsform_map import DATA_FILE, MAX_DATA_FILE, language_code, language_of


class DataFileError(Exception):
    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def read_table(folder: Path, file_name: str) -> dict[str, Any]:
    """The file as a form table ``{file, columns, rows}``; raises ``DataFileError``."""
    if any(c in file_name for c in "/\\:") or file_name.startswith("."):  # stays in the folder
        raise DataFileError(
            Text(f"文件名 {file_name} 无效", f"the file name {file_name} is not a plain name")
        )
    path = folder / file_name
    if not path.is_file():
        raise DataFileError(
            Text(
                f"工作簿旁没有文件 {file_name}(ODK 表单的媒体文件应放在工作簿同一文件夹)",
                f"the file {file_name} is not beside the workbook (put the form's media files"
                " in the workbook's folder)",
            )
        )
    try:
        data = read_limited(path, MAX_DATA_FILE, DATA_FILE)
    except UserError as e:
        raise DataFileError(e.text) from None
    if file_name.lower().endswith(".xml"):
        columns, rows, raw = _xml(data, file_name)
    else:
        columns, rows, raw = _csv(data, file_name)
    if len(rows) > MAX_TABLE_ROWS or len(columns) > MAX_TABLE_COLUMNS:
        raise DataFileError(
            Text(
                f"{file_name} 过大(至多{MAX_TABLE_ROWS}行、{MAX_TABLE_COLUMNS}列)",
                f"{file_name} is too large (at most {MAX_TABLE_ROWS} rows, {MAX_TABLE_COLUMNS} columns)",
            )
        )
    return {"file": file_name, "columns": columns, "rows": rows, "languages": languages_of(raw)}


def _column(header: str) -> str:
    """``label::English (en)`` → ``label::en``, ``label::Français (fr)`` → ``label::fr`` (the
    codes ``xlsform_map.language_code`` gives the survey's languages); others as written."""
    if "::" in header:
        base, lang = header.split("::", 1)
        code = language_of(lang)
        if code in ("zh", "en"):
            return f"{base}::{code}"
        if code is None:
            return f"{base}::{language_code(lang)}"
    return header


def languages_of(header: list[str]) -> dict[str, str]:
    """The further label languages of a data file's header: code → name as written."""
    out: dict[str, str] = {}
    for h in header:
        if "::" in h:
            lang = h.split("::", 1)[1].strip()
            if language_of(lang) is None:
                out[language_code(lang)] = lang
    return out


def _csv(data: bytes, file_name: str) -> tuple[list[str], list[list[str]], list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(
            Text(f"{file_name} 不是 UTF-8 编码", f"{file_name} is not UTF-8 text")
        ) from None
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise DataFileError(
            Text(f"{file_name} 无法读作 CSV:{e}", f"{file_name} cannot be read as CSV: {e}")
        ) from None
    if not table or not any(h.strip() for h in table[0]):
        raise DataFileError(Text(f"{file_name} 没有标题行", f"{file_name} has no header row"))
    columns = [_column(h.strip()) for h in table[0]]
    rows = [[*r[: len(columns)], *[""] * (len(columns) - len(r))] for r in table[1:] if any(r)]
    return columns, rows, [h.strip() for h in table[0]]


def _xml(data: bytes, file_name: str) -> tuple[list[str], list[list[str]], list[str]]:
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError, ValueError) as e:
        raise DataFileError(
            Text(f"{file_name} 无法读作 XML:{e}", f"{file_name} cannot be read as XML: {e}")
        ) from None
    items = [el for el in root if len(el)]
    columns: list[str] = []
    for item in items:
        for child in item:
            if child.tag not in columns:
                columns.append(str(child.tag))
    if "name" not in columns:
        raise DataFileError(
            Text(f"{file_name} 的 item 没有 name", f"the items of {file_name} have no name")
        )
    rows = [[(item.findtext(c) or "").strip() for c in columns] for item in items]
    return [_column(c) for c in columns], rows, columns
