"""Sealed columns: personal records stored as AES-256-GCM ciphertext on SQLite and PostgreSQL alike.

The JSON column of every personal record (households, members, helpers, measures, incomes, visits,
member changes, conflict values) holds ``{"$sealed": 1, "rid": …, "ct": …}``: the record's JSON
encrypted with the column key, a random 96-bit nonce each time, and as associated data the table,
the column and the record's own id (``rid``), so a ciphertext cannot be passed off as another
column's or another record's. Members also carry ``id_index``, HMAC-SHA256 of the ID number under
a separate key: exact lookup and duplicate checks by ID number without decrypting anything, and
without the dictionary attack a plain hash of an 18-digit number would allow.

The types below do this in the SQLAlchemy layer, so the code above them reads and writes plain
dicts. The keys come from the engine: ``attach`` puts a ``ColumnCipher`` on the engine's dialect,
which every bind and result processor receives. An engine without one refuses to read or write a
sealed column rather than store plaintext. A JSON path on a sealed column (``data["x"]``) would
only see ciphertext, so it raises at once; filter on the typed columns or the index instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, Engine, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

SEALED = "$sealed"
FORMAT = 1
_ATTR = "fieldsurvey_column_cipher"


class SealError(UserError):
    """A sealed value that does not open: altered in the database, or another county's key."""

    status = 500


def _aad(where: str, rid: str) -> bytes:
    return f"fieldsurvey-sealed/{FORMAT}/{where}/{rid}".encode()


def _damaged(where: str) -> SealError:
    """A sealed value that does not open: a JSON box or a photo's bytes, the same refusal."""
    zh = f"数据库的 {where} 中有无法解密的数据（被改动过，或不是本县的密钥）"
    en = f"data in {where} cannot be decrypted (altered in the database, or not this county's key)"
    return SealError(Text(zh, en), code="sealed_data_damaged")


def normalise_id_number(value: str) -> str:
    return str(value).strip().upper()


class ColumnCipher:
    """AES-256-GCM for sealed values and HMAC-SHA256 for the ID number index, each with its own key."""

    passthrough = False

    def __init__(self, column_key: bytes, index_key: bytes) -> None:
        if len(column_key) != 32 or len(index_key) != 32:
            raise ValueError("column and index keys are 32 bytes")
        self._aead = AESGCM(column_key)
        self._index_key = index_key

    def seal(self, where: str, rid: str, plaintext: bytes) -> dict[str, Any]:
        nonce = os.urandom(12)
        ct = self._aead.encrypt(nonce, plaintext, _aad(where, rid))
        return {SEALED: FORMAT, "rid": rid, "ct": base64.b64encode(nonce + ct).decode("ascii")}

    def open(self, where: str, box: Any) -> bytes:
        if not isinstance(box, dict) or box.get(SEALED) != FORMAT:
            raise SealError(
                Text(
                    f"数据库的 {where} 中有未加密的数据",
                    f"the database holds unencrypted data in {where}",
                ),
                code="unsealed_data",
            )
        try:
            raw = base64.b64decode(box["ct"], validate=True)
            return self._aead.decrypt(raw[:12], raw[12:], _aad(where, str(box.get("rid", ""))))
        except (InvalidTag, KeyError, TypeError, ValueError, binascii.Error):
            raise _damaged(where) from None

    def seal_bytes(self, where: str, rid: str, data: bytes) -> bytes:
        """Binary values (photos): nonce ‖ ciphertext, the same key and associated data as above."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, _aad(where, rid))

    def open_bytes(self, where: str, rid: str, sealed: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], _aad(where, rid))
        except (InvalidTag, ValueError):
            raise _damaged(where) from None

    def index(self, id_number: str) -> str:
        return hmac.new(
            self._index_key, normalise_id_number(id_number).encode("utf-8"), hashlib.sha256
        ).hexdigest()


class PlainColumns(ColumnCipher):
    """No column encryption: only the benchmark's same-run baseline uses it, never a county's data."""

    passthrough = True

    def __init__(self) -> None:
        pass

    def index(self, id_number: str) -> str:
        return normalise_id_number(id_number)


def attach(engine: Engine, cipher: ColumnCipher) -> None:
    setattr(engine.dialect, _ATTR, cipher)


def cipher_of(dialect: Dialect) -> ColumnCipher:
    cipher = getattr(dialect, _ATTR, None)
    if cipher is None:
        raise SealError(
            Text(
                "数据库连接没有列加密密钥，拒绝读写个人信息",
                "this database connection has no column key, so personal data is neither read nor written",
            ),
            code="no_column_key",
        )
    return cipher  # type: ignore[no-any-return]


def seal_text(dialect: Dialect, where: str, rid: str, text: str) -> str:
    """JSON text (already serialised, e.g. a visit's hashed text) → the sealed column's JSON text."""
    cipher = cipher_of(dialect)
    if cipher.passthrough:
        return text
    return json.dumps(cipher.seal(where, rid, text.encode("utf-8")))


def seal_value(cipher: ColumnCipher, where: str, rid: str, value: Any) -> Any:
    """A JSON-ready value as the sealed column stores it (also what the migration writes)."""
    if value is None or cipher.passthrough:
        return value
    return cipher.seal(
        where, rid, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    )


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SEALED) == FORMAT


class _NoJsonPaths(TypeDecorator.Comparator[Any]):
    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        if (
            op is operators.getitem
            or op is operators.json_getitem_op
            or op is operators.json_path_getitem_op
        ):
            raise TypeError(
                "a sealed column holds ciphertext: filter on a typed column or the ID number index, not a JSON path"
            )
        return super().operate(op, *other, **kwargs)


class SealedJson(TypeDecorator[Any]):
    """A JSON column whose values are stored sealed; ``id_fields`` name where the record's id is."""

    impl = JSON
    cache_ok = True
    comparator_factory = _NoJsonPaths

    def __init__(self, where: str, id_fields: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.where = where
        self.id_fields = id_fields

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def rid(self, value: Any) -> str:
        if isinstance(value, dict):
            for name in self.id_fields:
                if value.get(name) is not None:
                    return str(value[name])
        return ""

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return seal_value(cipher_of(dialect), self.where, self.rid(value), value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        cipher = cipher_of(dialect)
        if cipher.passthrough:
            return value
        return json.loads(cipher.open(self.where, value))


class BlindIndex(TypeDecorator[str]):
    """Written and compared as the ID number itself, stored as its keyed HMAC (64 hex digits)."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or not str(value).strip():
            return None
        return cipher_of(dialect).index(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return value  # type: ignore[no-any-return]
