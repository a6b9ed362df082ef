"""Drawn pictures for the demo county: houses and water tanks, never people.

The demo should show photos at once (on the household page, in visits, on the ledger cover), so
a few households' latest visits get pictures drawn here with Pillow: the house from the front
(户貌), the house, before and after renovation where one is recorded, and the water source. Each
is a JPEG carrying the visit's date as its EXIF capture time, then goes through the same import
pipeline as a secretary's photo (``media/photos.py``). Deterministic for a seed.
"""

from __future__ import annotations

import io
import random
from datetime import date

from PIL import Image, ImageDraw

from fieldsurvey.core.household import Household
from fieldsurvey.core.photo_refs import item
from fieldsurvey.media.photos import ImportedPhoto, process_bytes

SIZE = (1600, 1200)
WALLS = [(196, 160, 120), (214, 200, 170), (170, 120, 90), (225, 222, 210)]
ROOFS = [(120, 40, 30), (70, 70, 80), (150, 70, 40), (60, 90, 110)]


def _jpeg(img: Image.Image, taken: date, minute: int) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = f"{taken:%Y:%m:%d} 10:{minute:02d}:00"
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def _scene(rng: random.Random) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    w, h = SIZE
    img = Image.new("RGB", SIZE, (150 + rng.randint(0, 40), 190 + rng.randint(0, 30), 230))
    d = ImageDraw.Draw(img)
    for _ in range(3):  # hills
        x = rng.randint(-200, w)
        d.ellipse(
            (x, int(h * 0.45), x + rng.randint(500, 900), int(h * 0.9)),
            fill=(90, 140 + rng.randint(0, 40), 80),
        )
    d.rectangle((0, int(h * 0.72), w, h), fill=(110, 150, 80))  # ground
    return img, d


def house(seed: int, *, unsafe: bool = False, fresh: bool = False) -> Image.Image:
    rng = random.Random(f"house-{seed}")
    img, d = _scene(rng)
    w, h = SIZE
    wall = (235, 232, 222) if fresh else rng.choice(WALLS)
    roof = (170, 50, 40) if fresh else rng.choice(ROOFS)
    left, right, top, base = int(w * 0.25), int(w * 0.75), int(h * 0.42), int(h * 0.8)
    d.rectangle((left, top, right, base), fill=wall, outline=(80, 60, 50), width=4)
    tilt = rng.randint(30, 60) if unsafe else 0
    d.polygon([(left - 60, top + tilt), (w // 2, int(h * 0.2)), (right + 60, top)], fill=roof)
    d.rectangle((w // 2 - 70, base - 230, w // 2 + 70, base), fill=(110, 70, 40))  # door
    for x in (left + 60, right - 200):  # windows
        d.rectangle(
            (x, top + 80, x + 140, top + 200), fill=(170, 210, 235), outline=(80, 60, 50), width=6
        )
    if unsafe:  # cracks and a prop
        for _ in range(4):
            x, y = rng.randint(left + 20, right - 20), rng.randint(top + 20, base - 40)
            pts = [(x, y)]
            for _step in range(5):
                x, y = x + rng.randint(-25, 25), y + rng.randint(15, 40)
                pts.append((x, y))
            d.line(pts, fill=(40, 30, 25), width=5)
        d.line((right + 10, base, right - 80, top + 40), fill=(120, 90, 50), width=16)
    return img


def water_tank(seed: int) -> Image.Image:
    rng = random.Random(f"tank-{seed}")
    img, d = _scene(rng)
    w, h = SIZE
    cx, top, base = w // 2, int(h * 0.35), int(h * 0.8)
    d.rectangle(
        (cx - 260, top, cx + 260, base), fill=(150, 155, 160), outline=(90, 90, 95), width=6
    )
    d.ellipse(
        (cx - 260, top - 60, cx + 260, top + 60),
        fill=(175, 180, 185),
        outline=(90, 90, 95),
        width=6,
    )
    for y in range(top + 80, base, 90):  # bands
        d.line((cx - 260, y, cx + 260, y), fill=(120, 125, 130), width=5)
    d.line(
        (cx + 260, base - 60, cx + 420, base - 60), fill=(70, 110, 160), width=18
    )  # pipe and tap
    d.rectangle((cx + 410, base - 80, cx + 440, base - 20), fill=(60, 60, 65))
    return img


def photos_for(
    h: Household, visit_date: date, seed: int
) -> tuple[dict[str, list[dict[str, str]]], list[ImportedPhoto]]:
    """Answers for the photo fields of ``h``'s visit, and the pictures they name."""
    rng = random.Random(f"photos-{seed}-{h.household_id}")
    taken = rng.randint(0, 50)
    unsafe = h.housing_grade in ("C", "D")
    answers: dict[str, list[dict[str, str]]] = {}
    made: list[ImportedPhoto] = []

    def add(field: str, img: Image.Image, caption: str | None = None) -> None:
        p = process_bytes(_jpeg(img, visit_date, taken + len(made)), f"{field}.jpg")
        made.append(p)
        answers.setdefault(field, []).append(item(p.sha256, caption))

    house_seed = rng.randint(0, 10_000)
    if h.housing_grade != "none":
        add("household_view_photos", house(house_seed, unsafe=unsafe))
        add(
            "house_photos",
            house(house_seed + 1, unsafe=unsafe),
            "房屋正面" if not unsafe else "墙体裂缝",
        )
    if h.renovation_status in ("planned", "in_progress", "completed"):
        add("renovation_before_photos", house(house_seed + 2, unsafe=True), "改造前")
    if h.renovation_status == "completed":
        add("renovation_after_photos", house(house_seed + 3, fresh=True), "改造后")
    add("water_source_photos", water_tank(rng.randint(0, 10_000)))
    return answers, made
