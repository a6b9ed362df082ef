"""The photo import pipeline: orientation, scaling, metadata, and a sentence for every bad file."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from fieldsurvey.core.errors import Cancelled, UserError
from fieldsurvey.media import photos
from tests.support.photo_fixtures import drawn, jpeg_bytes, write_jpeg


def test_a_photo_is_upright_scaled_and_keeps_time_and_place(tmp_path: Path) -> None:
    # Orientation 6: the camera was turned; the stored pixels lie on their side.
    src = write_jpeg(tmp_path / "IMG_0001.jpg", drawn(3000, 2000), orientation=6)
    p = photos.import_photo(src)
    img = Image.open(io.BytesIO(p.jpeg))
    assert img.format == "JPEG"
    assert img.size == (1067, 1600)  # upright: portrait, long edge 1600
    assert (p.meta.width, p.meta.height) == img.size
    # The red mark (top-left of the stored pixels) is top-right once turned 90° clockwise.
    r, g, b = img.convert("RGB").getpixel((img.width - 20, 20))
    assert r > 200 and g < 60 and b < 60
    assert p.meta.taken_at == "2026-05-04T10:11:12"
    assert p.meta.latitude == pytest.approx(32.5368, abs=1e-4)
    assert p.meta.longitude == pytest.approx(107.8955, abs=1e-4)
    # Nothing of the original EXIF (no location) is inside the stored JPEG.
    assert not img.getexif() and b"Exif" not in p.jpeg[:200]
    assert len(p.sha256) == 64
    assert Image.open(io.BytesIO(p.thumbnail)).size == (171, 256)


def test_long_edge_is_configurable_and_small_pictures_are_not_enlarged(tmp_path: Path) -> None:
    big = photos.import_photo(write_jpeg(tmp_path / "a.jpg", drawn(4000, 3000)), long_edge=800)
    assert (big.meta.width, big.meta.height) == (800, 600)
    small = photos.import_photo(
        write_jpeg(tmp_path / "b.jpg", drawn(640, 480), gps=None, taken=None)
    )
    assert (small.meta.width, small.meta.height) == (640, 480)
    assert small.meta.taken_at is None and small.meta.latitude is None


def test_the_same_picture_twice_has_one_address(tmp_path: Path) -> None:
    a = write_jpeg(tmp_path / "a.jpg", drawn(seed=3))
    b = tmp_path / "copy of a.jpg"
    b.write_bytes(a.read_bytes())
    result = photos.import_photos([a, b])
    assert len(result.photos) == 1 and not result.refused
    assert photos.import_photo(a).sha256 == result.photos[0].sha256


def test_png_with_transparency_becomes_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(path)
    p = photos.import_photo(path)
    assert Image.open(io.BytesIO(p.jpeg)).getpixel((5, 5)) == (255, 255, 255)


def _huge_png(path: Path, width: int, height: int) -> None:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


def test_every_bad_file_is_a_sentence_and_the_rest_go_in(tmp_path: Path) -> None:
    good1 = write_jpeg(tmp_path / "good1.jpg", drawn(seed=1))
    text = tmp_path / "notes.jpg"
    text.write_text("这不是图片", encoding="utf-8")
    truncated = tmp_path / "half.jpg"
    truncated.write_bytes(jpeg_bytes(drawn(seed=2))[:30_000])
    bomb = tmp_path / "100mp.png"
    _huge_png(bomb, 10_000, 10_000)  # 100 megapixels
    vanished = tmp_path / "gone.jpg"  # listed, then removed before the import reaches it
    good2 = write_jpeg(tmp_path / "good2.jpg", drawn(seed=4))
    heic = tmp_path / "phone.heic"
    heic.write_bytes(b"\0\0\0\x18ftypheic" + b"\0" * 64)  # a HEIC header with nothing after it
    result = photos.import_photos([good1, text, truncated, bomb, vanished, good2, heic])
    assert len(result.photos) == 2
    reasons = {r.name: r.reason for r in result.refused}
    assert set(reasons) == {"notes.jpg", "half.jpg", "100mp.png", "gone.jpg", "phone.heic"}
    assert (
        "不是可识别的图片" in reasons["notes.jpg"].zh and "not a picture" in reasons["notes.jpg"].en
    )
    assert (
        "不完整或已损坏" in reasons["half.jpg"].zh
        and "incomplete or damaged" in reasons["half.jpg"].en
    )
    assert "百万像素" in reasons["100mp.png"].zh and "megapixels" in reasons["100mp.png"].en
    assert "不存在" in reasons["gone.jpg"].zh and "gone" in reasons["gone.jpg"].en
    for r in result.refused:  # one sentence each, no traceback or driver text
        assert "Traceback" not in r.reason.en and "\n" not in r.reason.en


def test_a_real_100_megapixel_jpeg_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    Image.new("L", (10_000, 10_000)).save(path, "JPEG", quality=10)
    with pytest.raises(UserError) as e:
        photos.import_photo(path)
    assert e.value.code == "photo_too_many_pixels"


def test_heic_is_read_when_pillow_heif_is_installed(tmp_path: Path) -> None:
    if not photos.HEIC_SUPPORTED:
        err = photos.heic_refusal("x.heic")
        assert "JPEG" in err.text.zh and "JPEG" in err.text.en
        return
    import pillow_heif

    path = tmp_path / "phone.heic"
    heif = pillow_heif.from_pillow(drawn(1200, 900))
    heif.save(path, quality=80)
    p = photos.import_photo(path)
    assert (p.meta.width, p.meta.height) == (1200, 900)


def test_a_batch_can_be_cancelled_and_reports_progress(tmp_path: Path) -> None:
    files = [write_jpeg(tmp_path / f"{i}.jpg", drawn(800, 600, seed=i)) for i in range(3)]
    seen: list[tuple[int, int]] = []
    photos.import_photos(files, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    with pytest.raises(Cancelled):
        photos.import_photos(
            files, cancelled=lambda: len(seen) > 3, progress=lambda d, t: seen.append((d, t))
        )
