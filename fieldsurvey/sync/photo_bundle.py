"""Photo bundles: pictures travelling to the county, sealed and signed like batches.

A bundle is an envelope of kind ``photos`` (``envelope.py``: HPKE to the county, Ed25519 by the
device) whose payload is canonical JSON:

    {"header": {"schema": 1, "bundle_id", "device_id", "user", "county", "created_at", "count"},
     "photos": [{"household_id", "sha256", "meta": {width, height, taken_at, latitude, longitude},
                 "jpeg": <base64>}]}

Bundles go after the batches that carry the visits naming the photos, so a slow link delivers
the visits first; the county takes a photo only for a household the device may touch whose
visit on the county's side names it (``server/photos.py``). A bundle holds at most
``MAX_BUNDLE_BYTES`` of JPEG, so it uploads in a few resumable chunks and a cut costs little.
The base64 inside the zstd-compressed payload costs almost nothing on the wire: zstd's entropy
coder takes the 6-bit alphabet back to ~8 bits per original byte.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from fieldsurvey.core.errors import UserError
from fieldsurvey.core.text import Text

KIND = "photos"
SCHEMA = 1
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # a 1600 px JPEG is ~0.1–0.6 MB; a 4000 px one under 8 MB
MAX_BUNDLE_BYTES = 4 * 1024 * 1024  # JPEG bytes per bundle (a single larger photo goes alone)
MAX_BUNDLE_PHOTOS = 200
_SHA = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,36}$")


class BundleError(UserError):
    def __init__(self, en: str, zh: str) -> None:
        super().__init__(
            Text(f"照片包格式不正确：{zh}", f"the photo bundle is malformed: {en}"),
            code="bad_photo_bundle",
        )


@dataclass(frozen=True, slots=True)
class BundlePhoto:
    household_id: str
    sha256: str
    meta: dict[str, Any]
    jpeg: bytes


@dataclass(frozen=True, slots=True)
class Bundle:
    bundle_id: str
    device_id: str
    user: str
    county: str
    created_at: str
    photos: list[BundlePhoto]


def photo_entry(
    household_id: str, sha256: str, jpeg: bytes | None, meta: dict[str, Any]
) -> dict[str, Any]:
    """``jpeg`` None: the same picture is in this bundle already, for another household (sent once)."""
    keep = {
        k: meta.get(k)
        for k in ("width", "height", "taken_at", "latitude", "longitude")
        if meta.get(k) is not None
    }
    return {
        "household_id": household_id,
        "sha256": sha256,
        "meta": keep,
        "jpeg": None if jpeg is None else base64.b64encode(jpeg).decode("ascii"),
    }


def payload(
    bundle_id: str,
    device_id: str,
    user: str,
    county: str,
    created_at: str,
    photos: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "header": {
            "schema": SCHEMA,
            "bundle_id": bundle_id,
            "device_id": device_id,
            "user": user,
            "county": county,
            "created_at": created_at,
            "count": len(photos),
        },
        "photos": photos,
    }


def _meta(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or len(raw) > 8:
        raise BundleError("a photo's meta is not an object", "照片元数据不是对象")
    out: dict[str, Any] = {}
    for key in ("width", "height"):
        v = raw.get(key)
        if v is not None:
            if not isinstance(v, int) or isinstance(v, bool) or not 0 < v <= 20000:
                raise BundleError(f"{key} out of range", f"{key} 超出范围")
            out[key] = v
    taken = raw.get("taken_at")
    if taken is not None:
        if not isinstance(taken, str) or len(taken) > 32:
            raise BundleError("taken_at is not a time", "taken_at 不是时间")
        out["taken_at"] = taken
    for key, bound in (("latitude", 90), ("longitude", 180)):
        v = raw.get(key)
        if v is not None:
            if not isinstance(v, int | float) or isinstance(v, bool) or not -bound <= v <= bound:
                raise BundleError(f"{key} out of range", f"{key} 超出范围")
            out[key] = float(v)
    return out


def parse(raw: Any) -> Bundle:
    """A decrypted bundle payload, every field checked; each JPEG's hash is recomputed."""
    if not isinstance(raw, dict) or set(raw) != {"header", "photos"}:
        raise BundleError("expected header and photos", "应有 header 和 photos")
    h, items = raw["header"], raw["photos"]
    keys = {"schema", "bundle_id", "device_id", "user", "county", "created_at", "count"}
    if not isinstance(h, dict) or set(h) != keys or h["schema"] != SCHEMA:
        raise BundleError("bad header", "头信息不正确")
    for key in ("bundle_id", "device_id", "user", "county", "created_at"):
        if not isinstance(h[key], str) or not 0 < len(h[key]) <= 128:
            raise BundleError(f"bad {key}", f"{key} 不正确")
    if (
        not isinstance(items, list)
        or not 0 < len(items) <= MAX_BUNDLE_PHOTOS
        or h["count"] != len(items)
    ):
        raise BundleError("the photo count does not match", "照片数与头信息不符")
    photos = []
    for it in items:
        if not isinstance(it, dict) or set(it) != {"household_id", "sha256", "meta", "jpeg"}:
            raise BundleError("bad photo entry", "照片条目不正确")
        if not isinstance(it["household_id"], str) or not _ID.match(it["household_id"]):
            raise BundleError("bad household id", "户标识不正确")
        if not isinstance(it["sha256"], str) or not _SHA.match(it["sha256"]):
            raise BundleError("bad photo hash", "照片校验值不正确")
        if it["jpeg"] is None:  # a picture this bundle carries for another household
            if it["sha256"] not in {p.sha256 for p in photos if p.jpeg}:
                raise BundleError(
                    "a photo without bytes that the bundle does not carry", "照片包中缺少照片内容"
                )
            photos.append(BundlePhoto(it["household_id"], it["sha256"], _meta(it["meta"]), b""))
            continue
        if not isinstance(it["jpeg"], str) or len(it["jpeg"]) > (MAX_PHOTO_BYTES * 4) // 3 + 4:
            raise BundleError("a photo is too large", "照片过大")
        try:
            jpeg = base64.b64decode(it["jpeg"], validate=True)
        except (binascii.Error, ValueError):
            raise BundleError("a photo is not base64", "照片编码不正确") from None
        if not jpeg.startswith(b"\xff\xd8\xff") or hashlib.sha256(jpeg).hexdigest() != it["sha256"]:
            raise BundleError("a photo is not the JPEG its hash names", "照片内容与校验值不符")
        photos.append(BundlePhoto(it["household_id"], it["sha256"], _meta(it["meta"]), jpeg))
    return Bundle(h["bundle_id"], h["device_id"], h["user"], h["county"], h["created_at"], photos)
