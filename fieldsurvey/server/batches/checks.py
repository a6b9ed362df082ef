"""Everything a batch must pass before a single row is written.

Signature, known and non-revoked device, the right county, schema and counts, form versions,
the villages the device may touch, and the validity of every record. Each failure is a
``Refused`` with an HTTP status and a bilingual reason naming the record by position and the
field by name — never a value, which may be personal data.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.core.codes import code_list
from fieldsurvey.core.errors import UserError
from fieldsurvey.core.household import Member
from fieldsurvey.core.records import from_dict, household_from_dict
from fieldsurvey.core.text import Text
from fieldsurvey.core.validation import (
    HOUSEHOLD_CODED,
    MEMBER_CODED,
    errors_only,
    validate_household,
    validate_member,
)
from fieldsurvey.core.visit import FINALIZED
from fieldsurvey.forms.diagnostics import FormDefinitionError
from fieldsurvey.forms.library import FormLibrary
from fieldsurvey.server import drain
from fieldsurvey.server.auth.identity import Principal, principal_of
from fieldsurvey.server.batches.ownership import RecordRefused, check_ownership
from fieldsurvey.server.db.models import Device, HouseholdRow, User, VisitRow
from fieldsurvey.sync import envelope
from fieldsurvey.sync.keys import KeyPair, signing_public_from_b64
from fieldsurvey.sync.recordtypes import (
    LOCKED_FIELDS,
    RECORD_TYPES,
    field_problems,
    full_problems,
    required_fields,
    whole_record_problems,
)
from fieldsurvey.sync.schema import (
    BatchPayload,
    HouseholdCreate,
    MemberChangeRecord,
    RecordCreate,
    RecordUpdate,
    VisitRecord,
    counts_of,
    parse_batch,
)

CODED = {"household": HOUSEHOLD_CODED, "member": MEMBER_CODED}


REVIEW_FIELDS = ("review_status", "review_comment", "cursor", "updated_at")


def visit_text(visit: dict[str, Any]) -> str:
    """What a finalized visit says, as JSON text; the county's review fields are not part of it.

    Sorted-key JSON from the standard library's C encoder (not the canonical writer): its hash is
    a server-internal fingerprint compared only with itself, and ingest stores this same text as
    the visit's JSON column, so a visit is serialised once.
    """
    return json.dumps(
        {k: v for k, v in visit.items() if k not in REVIEW_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=str,
    )


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Refused(UserError):
    """A batch that changes nothing; ``status`` is the HTTP status the API answers with.

    ``extra`` goes into the error body beside the message: for a refusal of one record, its
    position (from 1) and kind, so the laptop and the county's inbox can point at it.
    """

    def __init__(self, text: Text, code: str, status: int = 422, **extra: Any) -> None:
        super().__init__(text, code=code)
        self.status = status
        self.extra = extra


# The batch record kinds (sync/schema.py) as the refusal sentence names them to people.
RECORD_KINDS = {
    "household.create": Text("新建农户", "new household"),
    "record.create": Text("新增记录", "new record"),
    "record.update": Text("修改", "change"),
    "record.delete": Text("删除", "removal"),
    "visit": Text("走访", "visit"),
    "member_change": Text("人员变更", "member change"),
    # record types, for a whole record's fields
    "household": Text("农户", "household"),
    "member": Text("家庭成员", "member"),
    "helper": Text("帮扶责任人", "assigned helper"),
    "measure": Text("帮扶措施", "assistance measure"),
    "income": Text("收入", "income"),
}


def kind_label(kind: str) -> Text:
    return RECORD_KINDS.get(kind, Text(kind, kind))


def refused_record(e: RecordRefused) -> Refused:
    """One record that may not be applied, as the refusal of its whole batch."""
    n = e.i + 1
    k = kind_label(e.kind)
    return Refused(
        Text(f"第{n}条记录（{k.zh}）：{e.why.zh}", f"record {n} ({k.en}): {e.why.en}"),
        e.code,
        e.status,
        record=n,
        kind=e.kind,
    )


def refuse(code: str, zh: str, en: str, status: int = 422) -> Refused:
    return Refused(Text(zh, en), code, status)


@dataclass
class CheckedBatch:
    """A batch that passed every check, with what the apply step needs."""

    envelope: envelope.Envelope
    payload: BatchPayload
    content_sha256: str
    device: Device
    principal: Principal
    households: dict[str, HouseholdRow]  # existing households the batch touches
    village_of: dict[str, str]  # household id → village code (existing or created here)
    size: int
    visit_hashes: dict[str, str] = field(default_factory=dict)
    visit_texts: dict[str, str] = field(default_factory=dict)  # visit id → ``visit_text``
    resent: set[str] = field(default_factory=set)  # household creates that resend this user's own
    drained: set[str] = field(
        default_factory=set
    )  # removed villages this batch delivered updates to (drain.py)


def active_user_of(session: Session, device: Device) -> User:
    """The sending device's user; a disabled (or vanished) account is refused, batch or bundle alike.

    Over HTTP ``auth.identity.device_for_request`` refuses such a device already; a batch or photo
    bundle carried on a USB stick reaches the checks without a request, so they ask again here.
    """
    user = session.get(User, device.user_id)
    if user is None or user.disabled:
        raise refuse(
            "account_disabled", "该设备的账号已停用", "the account of this device is disabled", 403
        )
    return user


def open_batch(
    session: Session, keys: KeyPair, county: str, data: bytes, expected_device: str | None
) -> tuple[envelope.Envelope, Any, Device, str, bytes]:
    """Frame, sender and signature checks, then decryption; the payload, its plaintext hash and bytes.

    The hash is of the decrypted bytes, so a resend of the same sealed batch (or a re-seal of the
    same canonical payload) is recognised although every sealing encrypts differently."""
    env = envelope.parse(data)
    if env.kind != "batch":
        raise refuse(
            "not_a_batch", "这是更新文件，不是上传批次", "this is an update file, not a batch", 400
        )
    device = envelope_sender(session, env, county, expected_device, BATCH_WORDS)
    payload, plain = env.open_with_plaintext(
        signing_public_from_b64(device.signing_key), keys.encryption
    )
    return env, payload, device, hashlib.sha256(plain).hexdigest(), plain


@dataclass(frozen=True)
class SenderWords:
    """How a refusal names what was sent (批次 / batch, 照片包 / photo bundle)."""

    zh: str
    en: str


BATCH_WORDS = SenderWords("批次", "batch")


def envelope_sender(
    session: Session,
    env: envelope.Envelope,
    county: str,
    expected_device: str | None,
    words: SenderWords,
) -> Device:
    """The enrolled, unrevoked device that sent ``env`` to this county, before anything is opened.

    One place for every envelope a device sends (batches, photo bundles): the sender named on the
    frame must be the device the request is signed by, the recipient this county, the device known
    and not revoked. A new kind of upload gets the same checks by calling this, not by copying them.
    An unknown sender is 401 (who sent it is not known), as for a signed request; a revoked one 403."""
    zh, en = words.zh, words.en
    if expected_device is not None and env.sender != expected_device:
        raise refuse(
            "wrong_sender", f"{zh}不是本设备生成的", f"the {en} was made by another device", 403
        )
    if env.recipient != county:
        raise refuse(
            "wrong_county", f"{zh}不是发给本县的", f"the {en} is addressed to another county", 422
        )
    device = session.get(Device, env.sender)
    if device is None:
        raise refuse(
            "unknown_device",
            f"{zh}来自未注册的设备",
            f"the {en} comes from a device that is not enrolled",
            401,
        )
    if device.revoked_at is not None:
        raise refuse(
            "device_revoked",
            f"该设备已被注销，{zh}被拒收",
            f"the device has been revoked; the {en} is refused",
            403,
        )
    return device


def check_batch(
    session: Session, keys: KeyPair, county: str, data: bytes, expected_device: str | None = None
) -> CheckedBatch:
    env, raw, device, sha, plain = open_batch(session, keys, county, data, expected_device)
    batch = parse_batch(raw)
    h = batch.header
    user = active_user_of(session, device)
    if h.batch_id != env.id or h.device_id != device.device_id or h.county != county:
        raise refuse(
            "header_mismatch",
            "批次内外头信息不一致",
            "the batch header does not match its envelope",
        )
    if h.user != user.username:
        raise refuse(
            "wrong_user",
            "批次的用户与设备登记的用户不符",
            "the batch's user is not the device's user",
            403,
        )
    if h.counts != counts_of(batch.records):
        raise refuse(
            "bad_counts",
            "批次记录数与头信息不符（数据不完整）",
            "the record counts do not match the header (incomplete batch)",
        )
    _check_forms(batch)
    principal = principal_of(session, user, device.device_id)
    principal = replace(principal, draining=drain.draining(session, principal, datetime.now(UTC)))
    checked = CheckedBatch(env, batch, sha, device, principal, {}, {}, len(data))
    _check_villages(session, checked, county)
    _check_records(session, checked, whole_record_problems(plain))
    return checked


def _check_forms(batch: BatchPayload) -> None:
    used: dict[str, set[str]] = {}
    for r in batch.records:
        if isinstance(r, VisitRecord):
            used.setdefault(str(r.visit.get("form_id")), set()).add(
                str(r.visit.get("form_version"))
            )
    declared = {k: set(v) for k, v in batch.header.form_versions.items()}
    if any(not versions <= declared.get(form, set()) for form, versions in used.items()):
        raise refuse(
            "form_versions",
            "走访使用的表单版本未在批次头中声明",
            "a visit uses a form version the header does not declare",
        )
    for form, versions in sorted(used.items()):
        for version in sorted(versions):
            if not known_form(form, version):
                raise refuse(
                    "unknown_form",
                    f"县里没有表单 {form} 的 {version} 版，请先更新县级服务器的表单",
                    f"the county does not know form {form} version {version}; update the server's forms first",
                )


@cache
def known_form(form_id: str, version: str) -> bool:
    """Whether the county's form library has this exact version (current or archived)."""
    if (
        not re.fullmatch(r"[a-z0-9_]{1,64}", form_id)
        or not re.fullmatch(r"[A-Za-z0-9_.\-]{1,32}", version)
        or ".." in version
    ):
        return False  # never let a name from a batch walk the file system
    try:
        FormLibrary().definition(form_id, version)
    except FormDefinitionError:
        return False
    return True


def _check_villages(session: Session, checked: CheckedBatch, county: str) -> None:
    """Every record against the villages of the device's user, by the record's own row (``ownership``)."""
    try:
        owners = check_ownership(session, checked.payload, checked.principal, county)
    except RecordRefused as e:
        raise refused_record(e) from None
    checked.households.update(owners.households)
    checked.village_of.update(owners.village_of)
    checked.resent.update(owners.resent)
    checked.drained.update(owners.drained)


def _fail_fields(i: int, record_type: str, names: list[str]) -> Refused:
    where = ", ".join(names[:5])
    k = kind_label(record_type)
    return refuse(
        "bad_record",
        f"第{i + 1}条记录（{k.zh}）的字段无效：{'、'.join(names[:5])}",
        f"record {i + 1} ({k.en}): invalid fields: {where}",
    )


def _check_full(
    i: int, record_type: str, record: dict[str, Any], typed: dict[int, list[str]] | None = None
) -> None:
    """Types, required fields and ids of a whole record (a household with its parts) in one pass.

    ``typed``: the type problems of the batch's whole records, found in one pass over its text
    (``whole_record_problems``); without it the record is type-checked alone.
    """
    bad = full_problems(record_type, record) if typed is None else typed.get(i)
    if bad:
        raise _fail_fields(i, record_type, bad)
    if any(record.get(f) == "" for f in required_fields(record_type)):
        raise _fail_fields(
            i, record_type, [f for f in required_fields(record_type) if record.get(f) == ""]
        )


def _first_error(i: int, problems: list[Any]) -> Refused:
    msg = errors_only(problems)[0].message()
    return refuse("invalid_record", f"第{i + 1}条记录：{msg.zh}", f"record {i + 1}: {msg.en}")


def _check_records(
    session: Session, checked: CheckedBatch, typed: dict[int, list[str]] | None
) -> None:
    visit_ids: list[str] = []
    for i, r in enumerate(checked.payload.records):
        if isinstance(r, HouseholdCreate):
            _check_full(i, "household", r.household, typed)
            problems = validate_household(household_from_dict(r.household))
            if errors_only(problems):
                raise _first_error(i, problems)
        elif isinstance(r, RecordCreate):
            _check_full(i, r.record_type, r.record)
            if r.record_type == "member" and errors_only(
                validate_member(from_dict(Member, r.record))
            ):
                raise _first_error(i, validate_member(from_dict(Member, r.record)))
        elif isinstance(r, RecordUpdate):
            allowed = set(RECORD_TYPES[r.record_type].fields)
            names = [c.field for c in r.changes]
            bad = [n for n in names if n not in allowed or (r.record_type, n) in LOCKED_FIELDS]
            bad += field_problems(
                r.record_type, {c.field: c.value for c in r.changes if c.field in allowed}
            )
            coded = CODED.get(r.record_type, {})
            bad += [
                c.field
                for c in r.changes
                if c.field in coded
                and c.value is not None
                and c.value not in code_list(coded[c.field])
            ]
            if len(set(names)) != len(names):
                bad.append("duplicate field")
            if bad:
                raise _fail_fields(i, r.record_type, sorted(set(bad)))
        elif isinstance(r, VisitRecord):
            _check_full(i, "visit", r.visit, typed)
            if r.visit.get("status") != FINALIZED:
                raise refuse(
                    "visit_not_final",
                    f"第{i + 1}条记录：只能上传已提交的走访",
                    f"record {i + 1}: only finalized visits are uploaded",
                )
            visit_ids.append(str(r.visit["visit_id"]))
            text = checked.visit_texts[visit_ids[-1]] = visit_text(r.visit)
            checked.visit_hashes[visit_ids[-1]] = text_hash(text)
        elif isinstance(r, MemberChangeRecord):
            _check_full(i, "member_change", r.change, typed)
    if visit_ids:
        existing = session.execute(
            select(VisitRow.visit_id, VisitRow.content_sha256).where(
                VisitRow.visit_id.in_(visit_ids)
            )
        )
        for visit_id, sha in existing:
            if sha != checked.visit_hashes[visit_id]:
                raise refuse(
                    "visit_changed",
                    "已提交的走访不能再修改（内容与县里的不同）",
                    "a finalized visit cannot change (its content differs from the county's copy)",
                    409,
                )
