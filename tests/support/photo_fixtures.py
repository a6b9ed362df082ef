"""Synthetic photos for the tests: drawn with Pillow, with the EXIF a phone writes."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw


def drawn(width: int = 2400, height: int = 1800, seed: int = 0) -> Image.Image:
    img = Image.new("RGB", (width, height), (120 + seed % 100, 170, 220))
    d = ImageDraw.Draw(img)
    d.rectangle((width // 4, height // 2, 3 * width // 4, height - 10), fill=(180, 120, 80))
    d.polygon(
        [(width // 5, height // 2), (width // 2, height // 5), (4 * width // 5, height // 2)],
        fill=(150, 40, 30),
    )
    d.rectangle((0, 0, width // 10, height // 10), fill=(255, 0, 0))  # a red mark top-left
    return img


def exif_bytes(
    *,
    orientation: int = 1,
    taken: str | None = "2026:05:04 10:11:12",
    gps: tuple[float, float] | None = (32.5368, 107.8955),
) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:

        def dms(v: float) -> tuple[Fraction, Fraction, Fraction]:
            d = int(v)
            m = int((v - d) * 60)
            s = round(((v - d) * 60 - m) * 60 * 100)
            return (Fraction(d), Fraction(m), Fraction(s, 100))

        g = exif.get_ifd(0x8825)
        g[1] = "N" if gps[0] >= 0 else "S"
        g[2] = dms(abs(gps[0]))
        g[3] = "E" if gps[1] >= 0 else "W"
        g[4] = dms(abs(gps[1]))
    return exif.tobytes()


def jpeg_bytes(img: Image.Image | None = None, *, quality: int = 90, **exif: object) -> bytes:
    img = img or drawn()
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, exif=exif_bytes(**exif))  # type: ignore[arg-type]
    return out.getvalue()


def write_jpeg(path: Path, img: Image.Image | None = None, **exif: object) -> Path:
    path.write_bytes(jpeg_bytes(img, **exif))
    return path
