"""Resumable chunked uploads: a batch arrives in pieces and survives a cut connection.

Each upload is keyed by (device, batch id) and kept under ``uploads/<device>/`` in the data
directory: ``<batch>.part`` grows chunk by chunk and ``<batch>.json`` holds the announced size and
SHA-256. The client asks for the current offset and continues from there; a chunk at the wrong
offset is refused (409) with the right one, so two racing retries cannot interleave bytes. Once
complete and matching its hash, the bytes go to ingest and the files are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text
from fieldsurvey.sync.envelope import MAX_BODY

MAX_CHUNK = 1024 * 1024
MAX_UPLOAD = MAX_BODY + 64 * 1024
_SAFE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_lock = threading.Lock()


class UploadError(UserError):
    def __init__(self, text: Text, code: str, status: int, **extra: Any) -> None:
        super().__init__(text, code=code)
        self.status = status
        self.extra = extra


class Uploads:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _paths(self, device_id: str, batch_id: str) -> tuple[Path, Path]:
        if not _SAFE.match(device_id) or not _SAFE.match(batch_id) or batch_id.startswith("."):
            raise UploadError(Text("批次编号格式不对", "the batch id is malformed"), "bad_batch_id", 400)
        d = self.root / device_id
        return d / f"{batch_id}.part", d / f"{batch_id}.json"

    def start(self, device_id: str, batch_id: str, size: int, sha256: str) -> int:
        if not 0 < size <= MAX_UPLOAD:
            raise UploadError(Text("批次大小超出限制", "the batch size is out of bounds"), "too_large", 413)
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise UploadError(Text("校验值格式不对", "the sha256 is malformed"), "bad_sha256", 400)
        part, meta = self._paths(device_id, batch_id)
        with _lock:
            if meta.exists():
                info = json.loads(meta.read_text())
                if info["size"] == size and info["sha256"] == sha256:
                    return part.stat().st_size if part.exists() else 0
                # a new attempt with other content replaces the unfinished one
            part.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            meta.write_text(json.dumps({"size": size, "sha256": sha256}))
            part.write_bytes(b"")
            os.chmod(part, 0o600)
        return 0

    def status(self, device_id: str, batch_id: str) -> dict[str, int]:
        part, meta = self._paths(device_id, batch_id)
        if not meta.exists():
            raise UploadError(Text("没有这个上传", "no such upload"), "no_upload", 404)
        info = json.loads(meta.read_text())
        return {"offset": part.stat().st_size if part.exists() else 0, "size": int(info["size"])}

    def append(self, device_id: str, batch_id: str, offset: int, chunk: bytes) -> int:
        if len(chunk) > MAX_CHUNK:
            raise UploadError(Text("分块过大", "the chunk is too large"), "chunk_too_large", 413)
        part, _meta = self._paths(device_id, batch_id)
        with _lock:
            st = self.status(device_id, batch_id)
            if offset != st["offset"]:
                raise UploadError(Text("分块位置不对", "the chunk offset is wrong"), "wrong_offset", 409, offset=st["offset"])
            if offset + len(chunk) > st["size"]:
                raise UploadError(Text("数据超出声明的大小", "more bytes than announced"), "too_many_bytes", 400)
            with open(part, "ab") as f:
                f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            return offset + len(chunk)

    def complete(self, device_id: str, batch_id: str) -> bytes:
        part, meta = self._paths(device_id, batch_id)
        st = self.status(device_id, batch_id)
        if st["offset"] != st["size"]:
            raise UploadError(Text("上传尚未完成", "the upload is not complete"), "incomplete", 409, offset=st["offset"])
        data = part.read_bytes()
        if hashlib.sha256(data).hexdigest() != json.loads(meta.read_text())["sha256"]:
            self.discard(device_id, batch_id)
            raise UploadError(Text("上传的数据与校验值不符,请重新上传", "the uploaded bytes do not match their hash; upload again"), "hash_mismatch", 422)
        return data

    def discard(self, device_id: str, batch_id: str) -> None:
        part, meta = self._paths(device_id, batch_id)
        for p in (part, meta):
            p.unlink(missing_ok=True)
