"""The error codes the county server answers with: one catalogue, shared by server and clients.

Every error body is ``{"error": code, "message": {"zh": …, "en": …}}`` (plus, for some, the
fields named in docs/sync-protocol.md: ``record`` and ``kind`` of a refused record, ``offset`` of
a chunk at the wrong place, ``retry_after`` of a wait). ``ErrorCode`` members are ``str``, so a
member compares equal to the code on the wire and serialises as it; clients branch on members
(``e.code == ErrorCode.NO_UPLOAD``), never on string literals a typo would silently miss.
``tests/api/test_api_errors.py`` reads the server's sources and fails on a code raised there that is
not listed here. Some codes reach only the county's command line (data directory and passphrase
problems), never HTTP; they share the catalogue because they share the raising code.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ErrorCode(StrEnum):
    ACCOUNT_DISABLED = "account_disabled"
    ALREADY_RESOLVED = "already_resolved"
    AUDIT_BROKEN = "audit_broken"
    AUDIT_HEAD_FORGED = "audit_head_forged"
    AUDIT_HEAD_OTHER_COUNTY = "audit_head_other_county"
    BAD_AUDIT_HEAD = "bad_audit_head"
    BAD_BASE64 = "bad_base64"
    BAD_BATCH_ID = "bad_batch_id"
    BAD_BATCH_SCHEMA = "bad_batch_schema"
    BAD_CHECKPOINT = "bad_checkpoint"
    BAD_CHECKSUM = "bad_checksum"
    BAD_CIPHERTEXT = "bad_ciphertext"
    BAD_COMPRESSION = "bad_compression"
    BAD_COUNTS = "bad_counts"
    BAD_COUNTY = "bad_county"
    BAD_CURSOR = "bad_cursor"
    BAD_DB_URL = "bad_db_url"
    BAD_DIMENSION = "bad_dimension"
    BAD_ENROLL_CODE = "bad_enroll_code"
    BAD_FLAG = "bad_flag"
    BAD_FRAME = "bad_frame"
    BAD_HEADER = "bad_header"
    BAD_KEY_LENGTH = "bad_key_length"
    BAD_KEYS = "bad_keys"
    BAD_KIND = "bad_kind"
    BAD_LIMIT = "bad_limit"
    BAD_LOGIN = "bad_login"
    BAD_MAPPING = "bad_mapping"
    BAD_PAYLOAD_JSON = "bad_payload_json"
    BAD_PHOTO_BUNDLE = "bad_photo_bundle"
    BAD_RECORD = "bad_record"
    BAD_REQUEST_SIGNATURE = "bad_request_signature"
    BAD_ROLE = "bad_role"
    BAD_ROSTER = "bad_roster"
    BAD_SHA256 = "bad_sha256"
    BAD_SCOPE = "bad_scope"
    BAD_SESSION_ID = "bad_session_id"
    BAD_SHEET = "bad_sheet"
    BAD_SIGNATURE = "bad_signature"
    BAD_STATUS = "bad_status"
    BAD_TIMESTAMP = "bad_timestamp"
    BAD_USERNAME = "bad_username"
    BAD_VALUE = "bad_value"
    BAD_VILLAGE = "bad_village"
    BAD_WORKBOOK = "bad_workbook"
    BATCH_ID_REUSED = "batch_id_reused"
    CHECKPOINT_TOO_LARGE = "checkpoint_too_large"
    CHUNK_TOO_LARGE = "chunk_too_large"
    CLOCK_SKEW = "clock_skew"
    DAMAGED_DB = "damaged_db"
    DB_BUSY = "db_busy"
    DEVICE_REVOKED = "device_revoked"
    DUPLICATE_CREATE = "duplicate_create"
    DUPLICATE_PERSON = "duplicate_person"
    ENCRYPT_FAILED = "encrypt_failed"
    FORM_VERSIONS = "form_versions"
    HASH_MISMATCH = "hash_mismatch"
    HEADER_MISMATCH = "header_mismatch"
    HOUSEHOLD_EXISTS = "household_exists"
    HOUSEHOLD_NO_EXISTS = "household_no_exists"
    INCOMPLETE = "incomplete"
    INVALID_RECORD = "invalid_record"
    INVALID_REQUEST = "invalid_request"
    KEYS_EXIST = "keys_exist"
    KEYS_MISSING = "keys_missing"
    LAST_ADMIN = "last_admin"
    MAPPING_INCOMPLETE = "mapping_incomplete"
    NO_COLUMN_KEY = "no_column_key"
    NO_HEADER = "no_header"
    NO_PASSPHRASE = "no_passphrase"
    NO_SERVER_DIR = "no_server_dir"
    NO_SUCH_DEVICE = "no_such_device"
    NO_SUCH_SESSION = "no_such_session"
    NO_SUCH_USER = "no_such_user"
    NO_UPLOAD = "no_upload"
    NOT_A_BATCH = "not_a_batch"
    NOT_A_FILE = "not_a_file"
    NOT_AN_ENVELOPE = "not_an_envelope"
    NOT_FOUND = "not_found"
    NOT_LOGGED_IN = "not_logged_in"
    NOT_PHOTOS = "not_photos"
    PASSPHRASE_FILE_INSIDE = "passphrase_file_inside"
    PASSPHRASE_FILE_TOO_LARGE = "passphrase_file_too_large"
    PASSPHRASE_FILE_UNREADABLE = "passphrase_file_unreadable"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PHOTO_LIMIT = "photo_limit"
    RECORD_EXISTS = "record_exists"
    RECORD_MISMATCH = "record_mismatch"
    RETRY = "retry"
    ROSTER_REJECTED = "roster_rejected"
    SEALED_DATA_DAMAGED = "sealed_data_damaged"
    SEALED_FILE_DAMAGED = "sealed_file_damaged"
    SERVER_EXISTS = "server_exists"
    SERVER_NOT_ENCRYPTED = "server_not_encrypted"
    SESSION_EXPIRED = "session_expired"
    SOURCE_REQUIRED = "source_required"
    TOO_LARGE = "too_large"
    TOO_MANY = "too_many"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TOO_MANY_BYTES = "too_many_bytes"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_UPLOADS = "too_many_uploads"
    UNKNOWN_DEVICE = "unknown_device"
    UNKNOWN_FORM = "unknown_form"
    UNKNOWN_HOUSEHOLD = "unknown_household"
    UNKNOWN_RECORD = "unknown_record"
    UNSEALED_DATA = "unsealed_data"
    UNSIGNED = "unsigned"
    UNSUPPORTED_AUDIT_HEAD = "unsupported_audit_head"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UPLOAD_BUDGET = "upload_budget"
    USER_EXISTS = "user_exists"
    VILLAGE_NOT_ASSIGNED = "village_not_assigned"
    VISIT_CHANGED = "visit_changed"
    VISIT_NOT_FINAL = "visit_not_final"
    WEAK_PASSPHRASE = "weak_passphrase"
    WEAK_PASSWORD = "weak_password"
    WRONG_COUNTY = "wrong_county"
    WRONG_OFFSET = "wrong_offset"
    WRONG_PASSPHRASE = "wrong_passphrase"
    WRONG_SENDER = "wrong_sender"
    WRONG_USER = "wrong_user"


class ErrorMessage(BaseModel):
    zh: str
    en: str


class ErrorBody(BaseModel):
    """What every 4xx answer holds; the extra fields of some errors are allowed beside these."""

    model_config = ConfigDict(extra="allow")

    error: ErrorCode
    message: ErrorMessage
