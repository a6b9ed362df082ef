"""Photos at the county: received in sealed bundles, kept sealed, shown only to who may see the household.

What the county decides from its own rows, never from the sender's word:

- a photo is taken for a household only if the household is in one of the sender's villages and
  a visit of that household *on the county's side* names the photo (so visits travel first and
  nobody can park arbitrary bytes at the county);
- it is kept once per SHA-256 (``photos``) and linked per household (``household_photos``,
  carrying the household's village); a photo the county already has for a household is never
  asked for again (``missing``), and one it holds for another household the caller may see is
  linked without sending the bytes;
- the bytes are sealed with the column key (AES-256-GCM, the hash as associated data), the
  metadata (capture time, GPS position) in a sealed JSON column, on SQLite and PostgreSQL alike;
- storage is bounded by limits the county sets (``get_limits``/``set_limits``): photos and bytes
  per household, photos and bytes per bundle; a refusal names the limit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.files import size_text
from fieldsurvey.core.photo_refs import photo_hashes, photo_refs
from fieldsurvey.core.text import Text
from fieldsurvey.server.audit import chain as audit
from fieldsurvey.server.auth.identity import Principal, principal_of
from fieldsurvey.server.batches.checks import (
    Refused,
    SenderWords,
    active_user_of,
    envelope_sender,
    refuse,
)
from fieldsurvey.server.db.dialect import insert_ignore
from fieldsurvey.server.db.models import (
    Device,
    HouseholdPhotoRow,
    HouseholdRow,
    Meta,
    PhotoRow,
    VisitRow,
)
from fieldsurvey.server.db.sealed_columns import cipher_of
from fieldsurvey.sync import envelope, photo_bundle
from fieldsurvey.sync.keys import signing_public_from_b64

LIMITS_KEY = "photo_limits"
MIB = 1024 * 1024
MAX_QUERY = 500  # (household, photo) pairs per "missing" question


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    per_household: int = 40
    household_bytes: int = 32 * MIB
    per_bundle: int = 50
    bundle_bytes: int = photo_bundle.MAX_BUNDLE_BYTES

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


BOUNDS = {
    "per_household": (1, 500),
    "household_bytes": (MIB, 1024 * MIB),
    "per_bundle": (1, photo_bundle.MAX_BUNDLE_PHOTOS),
    "bundle_bytes": (photo_bundle.MAX_PHOTO_BYTES, photo_bundle.MAX_BUNDLE_BYTES * 4),
}


def get_limits(session: Session) -> PhotoLimits:
    row = session.get(Meta, LIMITS_KEY)
    base = PhotoLimits().to_dict()
    if row is not None and isinstance(row.value, dict):
        for k, (lo, hi) in BOUNDS.items():
            v = row.value.get(k)
            if isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi:
                base[k] = v
    return PhotoLimits(**base)


def set_limits(
    session: Session, signer: Any, who: Principal, values: dict[str, int]
) -> PhotoLimits:
    """Set the county's photo limits (the route lets only admins here)."""
    current = get_limits(session).to_dict()
    for k, v in values.items():
        lo, hi = BOUNDS[k]
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise refuse(
                "bad_limit",
                f"{_LIMIT_NAMES[k].zh}应在 {_show(k, lo)} 到 {_show(k, hi)} 之间",
                f"{_LIMIT_NAMES[k].en} must be between {_show(k, lo)} and {_show(k, hi)}",
                422,
            )
        current[k] = v
    row = session.get(Meta, LIMITS_KEY)
    if row is None:
        session.add(Meta(key=LIMITS_KEY, value=current))
    else:
        row.value = current
    audit.append(
        session,
        signer,
        actor=who.actor,
        action="photo_limits_set",
        subject="county",
        details=current,
    )
    return PhotoLimits(**current)


_LIMIT_NAMES = {
    "per_household": Text("每户照片数", "photos per household"),
    "household_bytes": Text("每户照片总大小", "photo storage per household"),
    "per_bundle": Text("每个照片包的照片数", "photos per upload"),
    "bundle_bytes": Text("每个照片包的大小", "size of one photo upload"),
}


def _show(key: str, value: int) -> str:
    return size_text(value) if key.endswith("bytes") else str(value)


def limit_text(key: str, value: int) -> Text:
    name = _LIMIT_NAMES[key]
    return Text(
        f"超过县里设定的上限：{name.zh}最多 {_show(key, value)}",
        f"over the county's limit: {name.en} at most {_show(key, value)}",
    )


def _bundle_over(key: str, value: int) -> Refused:
    """The whole bundle refused: it is over a per-bundle limit."""
    return Refused(limit_text(key, value), "photo_limit", 413, limit=key, value=value)


def _photo_over(key: str, value: int) -> dict[str, Any]:
    """One photo's outcome, refused: its household would be over a limit (the rest go on)."""
    t = limit_text(key, value)
    return {
        "outcome": "refused",
        "code": "photo_limit",
        "limit": key,
        "message": {"zh": t.zh, "en": t.en},
    }


# -- sealing the bytes ------------------------------------------------------------------------
def seal_jpeg(session: Session, sha256: str, jpeg: bytes) -> bytes:
    cipher = cipher_of(session.get_bind().dialect)
    return jpeg if cipher.passthrough else cipher.seal_bytes("photos.jpeg", sha256, jpeg)


def open_jpeg(session: Session, sha256: str, sealed: bytes) -> bytes:
    cipher = cipher_of(session.get_bind().dialect)
    return sealed if cipher.passthrough else cipher.open_bytes("photos.jpeg", sha256, sealed)


# -- what the county's visits name ------------------------------------------------------------
def referenced(session: Session, household_id: str) -> set[str]:
    out: set[str] = set()
    for data in session.scalars(select(VisitRow.data).where(VisitRow.household_id == household_id)):
        out.update(photo_hashes((data or {}).get("answers") or {}))
    return out


def _usage(session: Session, household_id: str) -> tuple[int, int]:
    n, size = session.execute(
        select(func.count(), func.coalesce(func.sum(HouseholdPhotoRow.byte_size), 0)).where(
            HouseholdPhotoRow.household_id == household_id
        )
    ).one()
    return int(n), int(size)


def _visible_household(session: Session, who: Principal, household_id: str) -> HouseholdRow | None:
    hh = session.get(HouseholdRow, household_id)
    if hh is None or hh.deleted or not who.may_touch(hh.village_code):
        return None
    return hh


def _link(
    session: Session,
    hh: HouseholdRow,
    sha256: str,
    size: int,
    device_id: str | None,
    bundle_id: str | None,
    now: datetime,
) -> bool:
    return insert_ignore(
        session,
        HouseholdPhotoRow,
        dict(
            household_id=hh.household_id,
            sha256=sha256,
            village_code=hh.village_code,
            byte_size=size,
            device_id=device_id,
            bundle_id=bundle_id,
            added_at=now,
        ),
    )


# -- device: what to send ---------------------------------------------------------------------
def missing(session: Session, who: Principal, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Which (household, photo) pairs the county lacks; pairs it can serve from a photo it holds
    for another household the caller may see are linked here, without the bytes."""
    if len(pairs) > MAX_QUERY:
        raise refuse(
            "too_many",
            f"一次最多询问 {MAX_QUERY} 张照片",
            f"ask about at most {MAX_QUERY} photos at once",
            413,
        )
    limits = get_limits(session)
    now = datetime.now(UTC)
    lacking: list[list[str]] = []
    linked = 0
    for hid, sha in pairs:
        if session.get(HouseholdPhotoRow, (hid, sha)) is not None:
            continue
        hh = _visible_household(session, who, hid)
        if hh is not None:
            other = session.scalars(
                select(HouseholdPhotoRow).where(HouseholdPhotoRow.sha256 == sha)
            ).all()
            if any(who.may_touch(o.village_code) for o in other) and sha in referenced(
                session, hid
            ):
                n, size = _usage(session, hid)
                if n < limits.per_household and size + other[0].byte_size <= limits.household_bytes:
                    linked += int(
                        _link(session, hh, sha, other[0].byte_size, who.device_id, None, now)
                    )
                    continue
        lacking.append([hid, sha])
    return {"missing": lacking, "linked": linked, "limits": limits.to_dict()}


# -- device: receiving a bundle ----------------------------------------------------------------
BUNDLE_WORDS = SenderWords("照片包", "bundle")


def open_bundle(
    session: Session, keys: Any, county: str, data: bytes, expected_device: str | None
) -> tuple[photo_bundle.Bundle, Device, Principal]:
    env = envelope.parse(data)
    if env.kind != photo_bundle.KIND:
        raise refuse("not_photos", "这不是照片包", "this is not a photo bundle", 400)
    device = envelope_sender(session, env, county, expected_device, BUNDLE_WORDS)
    raw = env.open(signing_public_from_b64(device.signing_key), keys.encryption)
    bundle = photo_bundle.parse(raw)
    user = active_user_of(session, device)
    if (
        bundle.bundle_id != env.id
        or bundle.device_id != device.device_id
        or bundle.county != county
    ):
        raise refuse(
            "header_mismatch",
            "照片包内外头信息不一致",
            "the bundle header does not match its envelope",
        )
    if bundle.user != user.username:
        raise refuse(
            "wrong_user",
            "照片包的用户与设备登记的用户不符",
            "the bundle's user is not the device's user",
            403,
        )
    return bundle, device, principal_of(session, user, device.device_id)


NOT_YOURS = Text(
    "该户不在您负责的村，或县里没有这一户",
    "the household is not in your villages, or the county does not have it",
)
UNREFERENCED = Text(
    "县里没有提到这张照片的走访记录（请先同步走访）",
    "no visit at the county names this photo (sync the visit first)",
)


def ingest_photos(
    sd: Any, data: bytes, *, via: str, expected_device: str | None = None
) -> dict[str, Any]:
    """Check a bundle whole, then keep each photo the county may take; per-photo outcomes.

    A bundle refused whole (forged, another county's, over a limit) is an audit entry too."""
    try:
        return _ingest_photos(sd, data, via=via, expected_device=expected_device)
    except UserError as e:
        with sd.transaction() as session:
            audit.append(
                session,
                sd.keys.signing,
                actor=f"device:{expected_device}" if expected_device else f"file:{via}",
                action="photos_refused",
                subject=str(len(data)),
                details={"via": via, "code": e.code},
            )
        if isinstance(e, Refused):
            raise
        raise Refused(e.text, e.code, 422) from e


def _ingest_photos(
    sd: Any, data: bytes, *, via: str, expected_device: str | None = None
) -> dict[str, Any]:
    from fieldsurvey.server.batches.ingest import county_code

    county = county_code(sd)
    now = datetime.now(UTC)
    with sd.transaction() as session:
        bundle, device, who = open_bundle(session, sd.keys, county, data, expected_device)
        limits = get_limits(session)
        total = sum(len(p.jpeg) for p in bundle.photos)
        carried = {p.sha256: p.jpeg for p in bundle.photos if p.jpeg}
        if len(bundle.photos) > limits.per_bundle:
            raise _bundle_over("per_bundle", limits.per_bundle)
        if total > limits.bundle_bytes and len(bundle.photos) > 1:
            raise _bundle_over("bundle_bytes", limits.bundle_bytes)
        outcomes: list[dict[str, Any]] = []
        refs: dict[str, set[str]] = {}
        for p in bundle.photos:
            out: dict[str, Any] = {"household_id": p.household_id, "sha256": p.sha256}
            hh = _visible_household(session, who, p.household_id)
            if hh is None:
                out |= {
                    "outcome": "refused",
                    "code": "not_yours",
                    "message": {"zh": NOT_YOURS.zh, "en": NOT_YOURS.en},
                }
            elif session.get(HouseholdPhotoRow, (p.household_id, p.sha256)) is not None:
                out["outcome"] = "already"
            else:
                if p.household_id not in refs:
                    refs[p.household_id] = referenced(session, p.household_id)
                n, size = _usage(session, p.household_id)
                if p.sha256 not in refs[p.household_id]:
                    out |= {
                        "outcome": "refused",
                        "code": "unreferenced",
                        "message": {"zh": UNREFERENCED.zh, "en": UNREFERENCED.en},
                    }
                elif n + 1 > limits.per_household:
                    out |= _photo_over("per_household", limits.per_household)
                elif size + len(carried[p.sha256]) > limits.household_bytes:
                    out |= _photo_over("household_bytes", limits.household_bytes)
                else:
                    jpeg = carried[p.sha256]
                    if session.get(PhotoRow, p.sha256) is None:
                        session.add(
                            PhotoRow(
                                sha256=p.sha256,
                                byte_size=len(jpeg),
                                jpeg=seal_jpeg(session, p.sha256, jpeg),
                                meta={"sha256": p.sha256, **p.meta},
                                received_at=now,
                            )
                        )
                        session.flush()
                    _link(session, hh, p.sha256, len(jpeg), device.device_id, bundle.bundle_id, now)
                    out["outcome"] = "stored"
            outcomes.append(out)
        counts = {
            k: sum(1 for o in outcomes if o["outcome"] == k)
            for k in ("stored", "already", "refused")
        }
        audit.append(
            session,
            sd.keys.signing,
            actor=who.actor,
            action="photos_received",
            subject=bundle.bundle_id,
            details={"via": via, "bytes": total, **counts},
        )
    return {"bundle_id": bundle.bundle_id, "counts": counts, "outcomes": outcomes}


# -- staff: seeing them ------------------------------------------------------------------------
def household_photos(session: Session, who: Principal, household_id: str) -> list[dict[str, Any]]:
    """The photos of a household the caller may see, as its visits name them (newest visit first)."""
    hh = _visible_household(session, who, household_id)
    if hh is None:
        return []
    held = {
        r.sha256: r
        for r in session.scalars(
            select(HouseholdPhotoRow).where(HouseholdPhotoRow.household_id == household_id)
        )
    }
    if not held:
        return []
    metas = {
        r.sha256: r.meta
        for r in session.scalars(select(PhotoRow).where(PhotoRow.sha256.in_(list(held))))
    }
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    visits = session.execute(
        select(
            VisitRow.visit_id,
            VisitRow.visit_date,
            VisitRow.form_id,
            VisitRow.form_version,
            VisitRow.data,
        )
        .where(VisitRow.household_id == household_id)
        .order_by(VisitRow.visit_date.desc())
    ).all()
    for v in visits:
        for ref in photo_refs(((v.data or {}).get("answers")) or {}):
            if ref.sha256 in held and (v.visit_id, ref.sha256) not in seen:
                seen.add((v.visit_id, ref.sha256))
                meta = dict(metas.get(ref.sha256) or {})
                meta.pop("sha256", None)
                out.append(
                    {
                        "sha256": ref.sha256,
                        "visit_id": v.visit_id,
                        "visit_date": v.visit_date.isoformat(),
                        "form_id": v.form_id,
                        "form_version": v.form_version,
                        "field": ref.field,
                        "caption": ref.caption,
                        "byte_size": held[ref.sha256].byte_size,
                        **meta,
                    }
                )
    return out


def photo_jpeg(session: Session, who: Principal, household_id: str, sha256: str) -> bytes | None:
    """The JPEG, if the caller may see the household and the county holds it for that household."""
    if _visible_household(session, who, household_id) is None:
        return None
    if session.get(HouseholdPhotoRow, (household_id, sha256)) is None:
        return None
    row = session.get(PhotoRow, sha256)
    return None if row is None else open_jpeg(session, sha256, row.jpeg)
