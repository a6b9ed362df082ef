"""Resumable chunked uploads: a batch arrives in pieces and survives a cut connection.

Each upload is keyed by (device, batch id) and kept under ``uploads/<device>/`` in the data
directory: ``<batch>.part`` grows chunk by chunk and ``<batch>.json`` holds the announced size and
SHA-256. The client asks for the current offset and continues from there; a chunk at the wrong
offset is refused (409) with the right one, so two racing retries cannot interleave bytes. Once
complete and matching its hash, the bytes go to ingest and the files are removed.

An enrolled device cannot fill the county's disk with uploads it never finishes: it may hold at
most ``MAX_OPEN`` unfinished uploads, whose announced sizes count against ``DEVICE_BUDGET``
(announcing reserves the space, so appending cannot exceed it), and an upload untouched for
``EXPIRES`` seconds (a day) is removed — by the next announcement of any device, at server start,
or when its own device asks for it (then 404 ``no_upload``: the client starts it again). A
committed upload is removed at once; a commit of it that comes again gets the batch's stored
answer (``ingest.answer_again``), not ``no_upload``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import size_text
from fieldsurvey.core.text import Text
from fieldsurvey.sync.envelope import MAX_BODY

MAX_CHUNK = 1024 * 1024
MAX_UPLOAD = MAX_BODY + 64 * 1024
MAX_OPEN = 4  # unfinished uploads per device (the client sends one batch at a time)
DEVICE_BUDGET = 2 * MAX_UPLOAD  # bytes announced by one device's unfinished uploads
EXPIRES = 24 * 3600  # seconds without a chunk or a question before an unfinished upload is removed
_SAFE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_lock = threading.Lock()


class UploadError(UserError):
    def __init__(self, text: Text, code: str, status: int, **extra: Any) -> None:
        super().__init__(text, code=code)
        self.status = status
        self.extra = extra


def _last_activity(*paths: Path) -> float | None:
    """The newest modification time among ``paths`` (None when none exists)."""
    times = []
    for p in paths:
        try:
            times.append(p.stat().st_mtime)
        except FileNotFoundError:
            continue
    return max(times) if times else None


class Uploads:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _paths(self, device_id: str, batch_id: str) -> tuple[Path, Path]:
        if not _SAFE.match(device_id) or not _SAFE.match(batch_id) or batch_id.startswith("."):
            raise UploadError(
                Text("批次编号格式不对", "the batch id is malformed"), "bad_batch_id", 400
            )
        d = self.root / device_id
        return d / f"{batch_id}.part", d / f"{batch_id}.json"

    def _expired(self, part: Path, meta: Path) -> bool:
        last = _last_activity(part, meta)
        return last is not None and time.time() - last > EXPIRES

    def sweep(self) -> int:
        """Remove every unfinished upload untouched for longer than ``EXPIRES``; returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for meta in folder.glob("*.json"):
                part = meta.with_suffix(".part")
                if self._expired(part, meta):
                    for p in (part, meta):
                        p.unlink(missing_ok=True)
                    removed += 1
            for part in folder.glob("*.part"):  # a part whose announcement was lost
                if not part.with_suffix(".json").exists() and self._expired(part, part):
                    part.unlink(missing_ok=True)
        return removed

    def _open_uploads(self, device_id: str) -> dict[str, int]:
        """batch id → announced size of each unfinished upload of the device."""
        out: dict[str, int] = {}
        folder = self.root / device_id
        if not folder.is_dir():
            return out
        for meta in folder.glob("*.json"):
            try:
                out[meta.stem] = int(json.loads(meta.read_text())["size"])
            except (OSError, ValueError, KeyError, TypeError):
                out[meta.stem] = MAX_UPLOAD  # unreadable: counted at the most it may hold
        return out

    def start(self, device_id: str, batch_id: str, size: int, sha256: str) -> int:
        if not 0 < size <= MAX_UPLOAD:
            raise UploadError(
                Text("批次大小超出限制", "the batch size is out of bounds"), "too_large", 413
            )
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise UploadError(Text("校验值格式不对", "the sha256 is malformed"), "bad_sha256", 400)
        part, meta = self._paths(device_id, batch_id)
        with _lock:
            self.sweep()
            if meta.exists():
                info = json.loads(meta.read_text())
                if info["size"] == size and info["sha256"] == sha256:
                    os.utime(meta)  # resumed: the day starts again
                    return part.stat().st_size if part.exists() else 0
                # a new attempt with other content replaces the unfinished one
            others = {b: n for b, n in self._open_uploads(device_id).items() if b != batch_id}
            if len(others) >= MAX_OPEN:
                raise UploadError(
                    Text(
                        f"这台设备已有{len(others)}个未完成的上传，请先完成它们，或等一天后它们自动作废",
                        f"this device already has {len(others)} unfinished uploads; finish them, "
                        "or they expire after a day",
                    ),
                    "too_many_uploads",
                    409,
                )
            if sum(others.values()) + size > DEVICE_BUDGET:
                raise UploadError(
                    Text(
                        f"这台设备未完成的上传将超过 {size_text(DEVICE_BUDGET)} 的限额，请先完成已开始的上传",
                        f"this device's unfinished uploads would exceed its {size_text(DEVICE_BUDGET)} "
                        "allowance; finish the uploads already started",
                    ),
                    "upload_budget",
                    413,
                )
            part.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            meta.write_text(json.dumps({"size": size, "sha256": sha256}))
            part.write_bytes(b"")
            os.chmod(part, 0o600)
        return 0

    def status(self, device_id: str, batch_id: str) -> dict[str, int]:
        part, meta = self._paths(device_id, batch_id)
        if meta.exists() and self._expired(part, meta):
            self.discard(device_id, batch_id)
        if not meta.exists():
            raise UploadError(
                Text(
                    "没有这个上传（或已超过一天未完成而作废）",
                    "no such upload (or it expired, unfinished after a day)",
                ),
                "no_upload",
                404,
            )
        info = json.loads(meta.read_text())
        return {"offset": part.stat().st_size if part.exists() else 0, "size": int(info["size"])}

    def append(self, device_id: str, batch_id: str, offset: int, chunk: bytes) -> int:
        if len(chunk) > MAX_CHUNK:
            raise UploadError(Text("分块过大", "the chunk is too large"), "chunk_too_large", 413)
        part, _meta = self._paths(device_id, batch_id)
        with _lock:
            st = self.status(device_id, batch_id)
            if offset != st["offset"]:
                raise UploadError(
                    Text("分块位置不对", "the chunk offset is wrong"),
                    "wrong_offset",
                    409,
                    offset=st["offset"],
                )
            if offset + len(chunk) > st["size"]:
                raise UploadError(
                    Text("数据超出声明的大小", "more bytes than announced"), "too_many_bytes", 400
                )
            with open(part, "ab") as f:
                f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            return offset + len(chunk)

    def complete(self, device_id: str, batch_id: str) -> bytes:
        part, meta = self._paths(device_id, batch_id)
        st = self.status(device_id, batch_id)
        if st["offset"] != st["size"]:
            raise UploadError(
                Text("上传尚未完成", "the upload is not complete"),
                "incomplete",
                409,
                offset=st["offset"],
            )
        data = part.read_bytes()
        if hashlib.sha256(data).hexdigest() != json.loads(meta.read_text())["sha256"]:
            self.discard(device_id, batch_id)
            raise UploadError(
                Text(
                    "上传的数据与校验值不符，请重新上传",
                    "the uploaded bytes do not match their hash; upload again",
                ),
                "hash_mismatch",
                422,
            )
        return data

    def discard(self, device_id: str, batch_id: str) -> None:
        part, meta = self._paths(device_id, batch_id)
        for p in (part, meta):
            p.unlink(missing_ok=True)
