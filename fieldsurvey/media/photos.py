"""The photo import pipeline: a file a user chose becomes a bounded, re-encoded JPEG.

Every picture that enters FieldSurvey goes through ``import_photo``: the file is read with a size
bound (``core/files.py``), decoded by Pillow with its decompression-bomb guard on (a warning is
an error here, and the pixel bound is ours), turned upright by its EXIF orientation, scaled so its
long edge is at most ``long_edge`` (1600 px by default), and re-encoded as a baseline JPEG without
any EXIF block. The capture time and, where the file has it, the GPS position are read from the
EXIF first and kept as metadata beside the picture, never inside the JPEG we store (so a photo
shared out of the app carries no location by accident). The output is deterministic for one
Pillow version, so the same original imported twice gives the same bytes and the same SHA-256,
which the store uses as the picture's address.

HEIC (what iPhones and many Android phones write) is decoded through pillow-heif when it is
installed; without it a HEIC file is refused with a sentence saying how to convert it.

``import_photos`` takes a batch: each file that cannot be taken is one bilingual sentence in
``refused`` while the rest go in. It reports progress and can be cancelled between files.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, SupportsFloat

from PIL import Image, ImageOps, UnidentifiedImageError

from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.core.files import MIB, read_limited
from fieldsurvey.core.text import Text

try:  # HEIC from phones, where the well-kept reader is installed
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - depends on the machine
    HEIC_SUPPORTED = False

DEFAULT_LONG_EDGE = 1600
THUMB_EDGE = 256
JPEG_QUALITY = 85
# A file larger than this is not a photo a phone or a camera writes (a 50 MP phone JPEG is
# ~15 MB, a HEIC less). Read whole into memory only under this bound.
MAX_FILE_BYTES = 40 * MIB
# 64 megapixels: every phone's full-resolution mode up to 8000 x 8000; a 100 MP picture (or a
# small file claiming huge dimensions, a decompression bomb) is refused before it is decoded.
MAX_PIXELS = 64_000_000
# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; we turn the warning into a
# refusal too, so our bound is the one that holds.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_DATETIME_DIGITIZED = 0x9004
_DATETIME = 0x0132
_HEIC_SUFFIXES = (".heic", ".heif", ".hif")

PHOTO_WHAT = Text("照片", "photo")


@dataclass(frozen=True, slots=True)
class PhotoMeta:
    """What is known about a picture besides its pixels (kept beside it, shown beside it)."""

    width: int
    height: int
    taken_at: str | None = None  # ISO 8601 local time from the camera (EXIF has no zone)
    latitude: float | None = None
    longitude: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "width": self.width,
            "height": self.height,
            "taken_at": self.taken_at,
            "latitude": self.latitude,
            "longitude": self.longitude,
        }

    @classmethod
    def from_json(cls, data: dict) -> PhotoMeta:
        def num(v: object) -> float | None:
            return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

        taken = data.get("taken_at")
        return cls(
            width=int(data.get("width") or 0),
            height=int(data.get("height") or 0),
            taken_at=taken if isinstance(taken, str) and len(taken) <= 32 else None,
            latitude=num(data.get("latitude")),
            longitude=num(data.get("longitude")),
        )


@dataclass(frozen=True, slots=True)
class ImportedPhoto:
    """A picture ready for the store: its JPEG, its address, a thumbnail and its metadata."""

    sha256: str
    jpeg: bytes
    thumbnail: bytes
    meta: PhotoMeta


@dataclass(frozen=True, slots=True)
class Refusal:
    """A file that was not taken, and why (one sentence, no personal data but the file name)."""

    name: str
    reason: Text


@dataclass(slots=True)
class ImportResult:
    photos: list[ImportedPhoto] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _refuse(name: str, zh: str, en: str, code: str) -> UserError:
    return UserError(Text(f"{name}:{zh}", f"{name}: {en}"), code=code)


def heic_refusal(name: str) -> UserError:
    return _refuse(
        name,
        "无法读取 HEIC 照片。请在手机上把相机格式设为“兼容性最佳”（JPEG），"
        "或用手机相册“导出/分享为 JPEG”后再添加",
        "HEIC photos cannot be read here. Set the phone's camera format to "
        '"Most Compatible" (JPEG), or export/share the picture as JPEG, then add it again',
        "photo_heic",
    )


def _rational(value: SupportsFloat) -> float:
    return float(value)  # IFDRational and ints both convert


def _dms(values: Any, ref: object) -> float | None:
    """Degrees from EXIF's (degrees, minutes, seconds); None when the tag holds anything else."""
    try:
        d, m, s = (_rational(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip().upper() in ("S", "W"):
        deg = -deg
    return round(deg, 6)


def _taken_at(exif: Image.Exif) -> str | None:
    sub = exif.get_ifd(_EXIF_IFD)
    for raw in (sub.get(_DATETIME_ORIGINAL), sub.get(_DATETIME_DIGITIZED), exif.get(_DATETIME)):
        if isinstance(raw, bytes):
            raw = raw.decode("ascii", "replace")
        if not isinstance(raw, str):
            continue
        try:
            return datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S").isoformat()
        except ValueError:
            continue
    return None


def _location(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(_GPS_IFD)
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat, lon = _dms(gps.get(2), gps.get(1)), _dms(gps.get(4), gps.get(3))
    if (
        lat is None
        or lon is None
        or not (-90 <= lat <= 90 and -180 <= lon <= 180)
        or (lat == 0 and lon == 0)
    ):
        return None, None
    return lat, lon


def _fit(width: int, height: int, edge: int) -> tuple[int, int]:
    longest = max(width, height)
    if longest <= edge:
        return width, height
    scale = edge / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def make_thumbnail(img: Image.Image, edge: int = THUMB_EDGE) -> bytes:
    thumb = img.copy()
    thumb.thumbnail((edge, edge), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()


def process_bytes(data: bytes, name: str, *, long_edge: int = DEFAULT_LONG_EDGE) -> ImportedPhoto:
    """Decode, orient, scale and re-encode one picture's bytes; raise ``UserError`` if it cannot."""
    if long_edge < 64 or long_edge > 8000:
        raise ValueError("long_edge out of range")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img: Image.Image = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            fmt = img.format or ""
            exif = img.getexif()
            orientation = exif.get(0x0112, 1)
            taken_at = _taken_at(exif)
            lat, lon = _location(exif)
            # Upright size first, so the scale libjpeg decodes at (draft) is chosen from it.
            upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
            target = _fit(*upright, long_edge)
            if fmt == "JPEG":
                draft_size = (target[1], target[0]) if upright != (width, height) else target
                img.draft("RGB", draft_size)
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "L"):
                if img.mode in ("RGBA", "LA", "PA") or (
                    img.mode == "P" and "transparency" in img.info
                ):
                    rgba = img.convert("RGBA")
                    img = Image.new("RGB", rgba.size, (255, 255, 255))
                    img.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    img = img.convert("RGB")
            if img.size != target:
                img = img.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
            jpeg = _encode(img)
            thumb = make_thumbnail(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            name,
            f"图片过大（超过 {MAX_PIXELS // 1_000_000} 百万像素），不予导入；请先缩小后再添加",
            f"the picture is too large (over {MAX_PIXELS // 1_000_000} megapixels) and was not imported; "
            "shrink it first",
            "photo_too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        if name.lower().endswith(_HEIC_SUFFIXES) and not HEIC_SUPPORTED:
            raise heic_refusal(name) from None
        raise _refuse(
            name,
            "不是可识别的图片文件（支持 JPEG、PNG、HEIC 等）",
            "is not a picture FieldSurvey can read (JPEG, PNG, HEIC …)",
            "photo_not_image",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise _refuse(
            name,
            "图片文件不完整或已损坏（可能没有复制完），请重新复制后再添加",
            "the picture file is incomplete or damaged (perhaps not fully copied); copy it again",
            "photo_damaged",
        ) from None
    meta = PhotoMeta(
        width=img.size[0], height=img.size[1], taken_at=taken_at, latitude=lat, longitude=lon
    )
    return ImportedPhoto(
        sha256=hashlib.sha256(jpeg).hexdigest(), jpeg=jpeg, thumbnail=thumb, meta=meta
    )


def import_photo(path: Path | str, *, long_edge: int = DEFAULT_LONG_EDGE) -> ImportedPhoto:
    """One file → one ``ImportedPhoto``, or a ``UserError`` naming the file (never a traceback)."""
    path = Path(path)
    try:
        data = read_limited(path, MAX_FILE_BYTES, PHOTO_WHAT)
    except UserError as e:
        if e.code == "no_such_file":
            raise _refuse(
                path.name,
                "文件已不存在（是否在导入时被移走或拔出了手机/U盘?）",
                "the file is gone (moved, or the phone or USB stick unplugged during the import?)",
                "photo_vanished",
            ) from None
        raise
    return process_bytes(data, path.name, long_edge=long_edge)


def import_photos(
    paths: Sequence[Path | str] | Iterable[Path | str],
    *,
    long_edge: int = DEFAULT_LONG_EDGE,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import a batch: each refused file is a sentence in ``refused``; the rest go in.

    ``progress(done, total)`` is called after each file; ``cancelled()`` is checked before each,
    and a cancelled import raises ``Cancelled`` (the caller keeps nothing of it).
    """
    items = list(paths)
    result = ImportResult()
    seen: set[str] = set()
    for i, path in enumerate(items):
        if cancelled is not None and cancelled():
            raise Cancelled()
        try:
            photo = import_photo(path, long_edge=long_edge)
        except UserError as e:
            result.refused.append(Refusal(Path(path).name, e.text))
        else:
            if photo.sha256 not in seen:
                seen.add(photo.sha256)
                result.photos.append(photo)
        if progress is not None:
            progress(i + 1, len(items))
    return result


def open_jpeg(data: bytes) -> Image.Image:
    """A stored JPEG as a Pillow image (for the ledger and the demo); the bomb guard applies."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        img = Image.open(io.BytesIO(data))
        img.load()
    return img
