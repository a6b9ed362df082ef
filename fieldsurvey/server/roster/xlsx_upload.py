"""The county's Excel roster: staged upload, reading the sheet, and the column mapping.

County systems export one row per person with the household's columns repeated (户编号,
户主姓名, 证件号码, 与户主关系, 行政区划代码 …), but header names and column order differ from
one export to the next. So the import goes in steps: staff upload the file (in chunks, like a
batch, since requests are limited to 1 MiB), the server reads the header and suggests which
column holds which field, staff confirm or correct that mapping, the server checks every row
(``roster_check.py``), and only a file without rejected rows is imported, in one transaction.

Files are kept under ``<data dir>/roster_uploads/`` with mode 0600 until imported or discarded,
sealed (``sealed_files.py``: each uploaded chunk one AES-GCM record; a roster holds every ID
number of the county), and read by decrypting them into memory (at most ``MAX_FILE``) and
handing openpyxl the bytes in read-only mode (rows stream; the workbook is never held whole).
A plain staged file an earlier version left is sealed when the server starts (``sweep``).
Before openpyxl opens one, ``core.xlsx_guard`` checks it against ``LIMITS`` (zip bombs, huge
shared strings, padded rows: docs/security.md, "Exports, imports and resource limits"); a declared
sheet size beyond the row and column bounds is not trusted, and at most ``MAX_COLUMNS`` columns of a
row are read.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import MIB, size_text
from fieldsurvey.core.roster import FIELD_BY_KEY, FIELDS, blank, suggest_mapping, text
from fieldsurvey.core.roster_limits import MAX_FILE, WORKBOOK
from fieldsurvey.core.text import Text
from fieldsurvey.core.xlsx_guard import WorkbookLimits, check_workbook
from fieldsurvey.server.db import sealed_files
from fieldsurvey.server.db.engine import ServerDir

MAX_ROWS = (
    200_000  # the check holds every row (about 3 KB each when all are rejected): ~600 MB at most
)
MAX_COLUMNS = 1024  # a roster has a few dozen; the mapping may name columns up to 1000
SAMPLE_ROWS = 5
LIMITS = WorkbookLimits(
    file=MAX_FILE, sheet=256 * MIB, part=32 * MIB, total=512 * MIB, rows=MAX_ROWS + 1
)
STAGED = Text("暂存的花名册文件", "staged roster file")
PURPOSE = "roster-upload"
CHUNK_SEALED = (
    1024 * 1024
)  # a plain staged file is sealed in records of this size (an upload chunk's)


class StatusError(UserError):
    """A user error with its own HTTP status and extra fields in the answer (a report, an offset)."""

    def __init__(self, text: Text, code: str, status: int, **extra: Any) -> None:
        super().__init__(text, code=code)
        self.status = status
        self.extra = extra


def check_mapping(mapping: dict[str, int], columns: int) -> None:
    unknown = [k for k in mapping if k not in FIELD_BY_KEY]
    if unknown:
        raise UserError(
            Text("映射中有未知字段", "the mapping names unknown fields"), code="bad_mapping"
        )
    if any(not 0 <= i < columns for i in mapping.values()) or len(set(mapping.values())) != len(
        mapping
    ):
        raise UserError(
            Text("映射的列号无效或重复", "the mapping's column numbers are invalid or repeated"),
            code="bad_mapping",
        )
    missing = [f for f in FIELDS if f.required and f.key not in mapping]
    if "division_code" not in mapping and "village" not in mapping:
        missing.append(FIELD_BY_KEY["division_code"])
    if "name" not in mapping and "head_name" not in mapping:
        missing.append(FIELD_BY_KEY["name"])
    if missing:
        raise UserError(
            Text(
                "缺少必需的列：" + "、".join(f.zh for f in missing),
                "required columns are not mapped: " + ", ".join(f.en for f in missing),
            ),
            code="mapping_incomplete",
        )


# -- staged uploads --------------------------------------------------------------------------
MAX_OPEN = 3  # uploads a user may hold at once (not yet imported or discarded)
USER_BUDGET = 2 * MAX_FILE  # bytes announced by one user's open uploads
EXPIRES = 24 * 3600  # seconds without a chunk or a step before an upload is removed
_lock = threading.Lock()


class RosterUploads:
    """Uploaded workbooks, one file per upload id, owned by the user who started it.

    A user holds at most ``MAX_OPEN`` uploads, announcing at most ``USER_BUDGET`` bytes between
    them (announcing reserves the space), and an upload untouched for ``EXPIRES`` (a day: no
    chunk, preview, check or import) is removed with its file — swept at every new upload and at
    server start, or found expired when its owner asks for it.
    """

    def __init__(self, sd: ServerDir) -> None:
        self.folder = sd.path / "roster_uploads"
        self.sd = sd

    @property
    def key(self) -> bytes:
        return self.sd.secrets.files_key

    def _paths(self, upload_id: str) -> tuple[Path, Path]:
        if not re.fullmatch(r"[0-9a-f]{32}", upload_id):
            raise UserError(Text("没有这个上传", "no such upload"), code="not_found")
        return self.folder / f"{upload_id}.sealed", self.folder / f"{upload_id}.json"

    @staticmethod
    def _expired(*paths: Path) -> bool:
        times = [p.stat().st_mtime for p in paths if p.exists()]
        return bool(times) and time.time() - max(times) > EXPIRES

    def sweep(self) -> int:
        """Remove every upload untouched for longer than ``EXPIRES``; returns how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for meta in self.folder.glob("*.json"):
            data, plain = (
                meta.with_suffix(".sealed"),
                meta.with_suffix(".xlsx"),
            )  # .xlsx: an earlier version's, plain
            if self._expired(data, plain, meta):
                data.unlink(missing_ok=True)
                plain.unlink(missing_ok=True)
                meta.unlink(missing_ok=True)
                removed += 1
        for data in [
            *self.folder.glob("*.sealed"),
            *self.folder.glob("*.xlsx"),
        ]:  # a file whose description was lost
            if not data.with_suffix(".json").exists() and self._expired(data):
                data.unlink(missing_ok=True)
        return removed

    def _open_of(self, username: str) -> list[int]:
        """Announced sizes of the user's open uploads."""
        sizes = []
        for meta in self.folder.glob("*.json"):
            try:
                info = json.loads(meta.read_text("utf-8"))
                if info["user"] == username:
                    sizes.append(int(info["size"]))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sizes

    def start(self, username: str, size: int, sha256: str, filename: str) -> str:
        if size > MAX_FILE:
            raise UserError(
                Text("文件太大（最大64MB）", "the file is too large (64 MB at most)"),
                code="too_large",
            )
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _lock:
            self.sweep()
            open_sizes = self._open_of(username)
            if len(open_sizes) >= MAX_OPEN:
                raise StatusError(
                    Text(
                        f"您已有{len(open_sizes)}个未导入的花名册上传，请先导入或放弃它们（一天后自动作废）",
                        f"you already have {len(open_sizes)} roster uploads not imported; import or discard "
                        "them first (they expire after a day)",
                    ),
                    "too_many_uploads",
                    409,
                )
            if sum(open_sizes) + size > USER_BUDGET:
                raise StatusError(
                    Text(
                        f"您未导入的花名册上传将超过 {size_text(USER_BUDGET)} 的限额，请先导入或放弃已有的上传",
                        f"your roster uploads not imported would exceed your {size_text(USER_BUDGET)} "
                        "allowance; import or discard those already started",
                    ),
                    "upload_budget",
                    413,
                )
            upload_id = uuid.uuid4().hex
            data, meta = self._paths(upload_id)
            sealed_files.create(data)
            meta.write_text(
                json.dumps(
                    {"user": username, "size": size, "sha256": sha256, "filename": filename[:200]}
                ),
                "utf-8",
            )
            os.chmod(meta, 0o600)
        return upload_id

    def meta(self, upload_id: str, username: str) -> dict[str, Any]:
        data, meta = self._paths(upload_id)
        if self._expired(data, meta):
            data.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
        try:
            info = json.loads(meta.read_text("utf-8"))
        except FileNotFoundError as e:
            raise UserError(
                Text(
                    "没有这个上传（或已超过一天未用而作废）",
                    "no such upload (or it expired, unused for a day)",
                ),
                code="not_found",
            ) from e
        if info["user"] != username:
            raise UserError(Text("没有这个上传", "no such upload"), code="not_found")
        try:
            info["offset"] = sealed_files.scan(data)[
                1
            ]  # the plaintext bytes received, from the sealed file itself
        except (OSError, sealed_files.SealedFileDamaged) as e:
            raise sealed_files.SealedFileDamaged(STAGED) from e
        return dict(info)

    def append(self, upload_id: str, username: str, offset: int, chunk: bytes) -> int:
        with _lock:  # one append at a time: each is the next sealed record
            info = self.meta(upload_id, username)
            if offset != info["offset"]:
                raise StatusError(
                    Text("上传位置不对", "wrong upload offset"),
                    "wrong_offset",
                    409,
                    offset=info["offset"],
                )
            if offset + len(chunk) > info["size"]:
                raise UserError(
                    Text("上传内容超过声明的大小", "more bytes than announced"), code="too_large"
                )
            if not chunk:
                return offset
            data, _ = self._paths(upload_id)
            return sealed_files.append(
                data, self.key, PURPOSE, chunk, final=offset + len(chunk) == info["size"]
            )

    def content(self, upload_id: str, username: str) -> bytes:
        """The complete file, decrypted into memory, checked against the announced size and hash.

        A staged file that does not open (altered on disk, cut short) is refused with a sentence."""
        info = self.meta(upload_id, username)
        data, meta = self._paths(upload_id)
        if info["offset"] != info["size"]:
            raise UserError(
                Text("文件尚未上传完", "the file is not completely uploaded"), code="incomplete"
            )
        plain = sealed_files.read_all(data, self.key, PURPOSE, STAGED, limit=MAX_FILE)
        if len(plain) != info["size"] or hashlib.sha256(plain).hexdigest() != info["sha256"]:
            raise UserError(
                Text(
                    "文件校验不符，请重新上传",
                    "the file does not match its checksum; upload it again",
                ),
                code="bad_checksum",
            )
        os.utime(meta)  # in use (preview, check, import): the day starts again
        return plain

    def discard(self, upload_id: str, username: str) -> None:
        self.meta(upload_id, username)
        for p in self._paths(upload_id):
            p.unlink(missing_ok=True)

    def seal_plain(self) -> int:
        """Seal the plain staged files an earlier version left (``<id>.xlsx`` → ``<id>.sealed``); returns how many.

        Run when the server starts and by ``server encrypt``. The sealed file is written under a
        temporary name and renamed into place before the plain one is deleted, so a cut leaves
        the plain file to be sealed next time; a plain file without its description (unusable)
        is deleted. A partial upload stays partial: its last record is not marked final, and
        the rest of it can still be sent."""
        if not self.folder.is_dir():
            return 0
        sealed = 0
        for left in self.folder.glob(
            "*.sealing"
        ):  # a sealing cut short: the plain file is still there
            left.unlink(missing_ok=True)
        for plain in self.folder.glob("*.xlsx"):
            meta, target = plain.with_suffix(".json"), plain.with_suffix(".sealed")
            try:
                size = int(json.loads(meta.read_text("utf-8"))["size"])
            except (OSError, ValueError, KeyError, TypeError):
                plain.unlink(missing_ok=True)
                continue
            if not target.exists():
                times = plain.stat()
                partial = plain.with_suffix(".sealing")
                sealed_files.create(partial)
                done = 0
                with open(plain, "rb") as f:
                    for block in iter(lambda: f.read(CHUNK_SEALED), b""):
                        done = sealed_files.append(
                            partial, self.key, PURPOSE, block, final=done + len(block) == size
                        )
                os.utime(
                    partial, (times.st_atime, times.st_mtime)
                )  # its day to expire does not start again
                os.replace(partial, target)
            plain.unlink()
            sealed += 1
        return sealed


# -- reading ---------------------------------------------------------------------------------
def open_sheet(source: Path | bytes, sheet: str | None) -> tuple[Any, Any, list[str]]:
    """(workbook, worksheet, sheet names) of a workbook (a file, or its bytes) within ``LIMITS``;
    the caller closes the workbook."""
    from openpyxl import load_workbook

    check_workbook(source, LIMITS, WORKBOOK)
    try:
        wb = load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            read_only=True,
            data_only=True,
            keep_links=False,
        )
    except Exception as e:
        raise UserError(
            Text("不是有效的 Excel（.xlsx）文件", "not a valid Excel (.xlsx) file"),
            code="bad_workbook",
        ) from e
    names = list(wb.sheetnames)
    if sheet is not None and sheet not in names:
        wb.close()
        raise UserError(
            Text("工作簿中没有这个工作表", "the workbook has no such sheet"), code="bad_sheet"
        )
    ws = wb[sheet] if sheet else wb.worksheets[0]
    if not hasattr(ws, "reset_dimensions"):  # a chart sheet has no cells
        wb.close()
        raise UserError(Text("这个工作表没有单元格", "that sheet has no cells"), code="bad_sheet")
    if (ws.max_row or 0) > MAX_ROWS + 1 or (ws.max_column or 0) > MAX_COLUMNS:
        ws.reset_dimensions()  # openpyxl would pad every row (and add empty ones) up to what it declares
    return wb, ws, names


def _width(ws: Any) -> int:
    return min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS)


def _blank_row(values: tuple[Any, ...]) -> bool:
    return values.count(None) == len(values) or all(
        blank(v) for v in values
    )  # the count is C-speed


def iter_rows(ws: Any) -> Any:
    """(spreadsheet row number, values) for each row after the header; blank rows skipped."""
    for n, values in enumerate(
        ws.iter_rows(min_row=2, max_col=_width(ws), values_only=True), start=2
    ):
        if n > MAX_ROWS + 1:
            raise UserError(
                Text(f"行数过多（最多{MAX_ROWS}行）", f"too many rows (at most {MAX_ROWS})"),
                code="too_many_rows",
            )
        if not _blank_row(values):
            yield n, list(values)


def preview(source: Path | bytes, sheet: str | None) -> dict[str, Any]:
    """Sheets, the header, the suggested mapping and a few rows, for the mapping step."""
    wb, ws, names = open_sheet(source, sheet)
    try:
        rows = ws.iter_rows(max_col=_width(ws), values_only=True)
        header = [text(v) for v in next(rows, ())]
        while (
            header and not header[-1]
        ):  # a sheet without a declared size comes padded to MAX_COLUMNS
            header.pop()
        sample = []
        for values in rows:
            if len(sample) >= SAMPLE_ROWS:
                break
            if not _blank_row(values):
                cells = [text(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                sample.append(cells)
    finally:
        wb.close()
    if not any(header):
        raise UserError(
            Text("第一行应为表头", "the first row must be the header"), code="no_header"
        )
    return {
        "sheets": names,
        "sheet": ws.title,
        "headers": header,
        "suggested": suggest_mapping(header),
        "sample": sample,
        "fields": [{"key": f.key, "zh": f.zh, "en": f.en, "required": f.required} for f in FIELDS],
    }
