"""Draw FieldSurvey's icon: a white house with a check mark on a green rounded square.

One geometry, written as SVG (for the desktop entry's scalable icon) and drawn with Pillow at
16–256 px (hicolor PNGs, and the Windows .ico). Small sizes are drawn on the pixel grid without
the check mark, so the house stays a crisp silhouette at 16 px instead of a grey smudge.
Run after changing the design: ``python scripts/make_icon.py`` (writes packaging/icons/).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "packaging" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
GREEN = "#1E7B4F"
WHITE = "#FFFFFF"
# In a 256-unit box.
HOUSE = [(128, 36), (228, 128), (198, 128), (198, 216), (58, 216), (58, 128), (28, 128)]
CHECK = [(90, 170), (118, 196), (170, 142)]
CHECK_WIDTH = 20
# Hand-placed pixels for the smallest sizes: (size) -> (radius, house polygon).
SMALL = {
    16: (3, [(7, 2), (8, 2), (14, 8), (12, 8), (12, 13), (3, 13), (3, 8), (1, 8)]),
    24: (4, [(11, 3), (12, 3), (21, 12), (18, 12), (18, 20), (5, 20), (5, 12), (2, 12)]),
}


def svg() -> str:
    house = " ".join(f"{x},{y}" for x, y in HOUSE)
    check = " ".join(f"{x},{y}" for x, y in CHECK)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">\n'
        "  <title>FieldSurvey 入户走访</title>\n"
        f'  <rect x="8" y="8" width="240" height="240" rx="48" fill="{GREEN}"/>\n'
        f'  <polygon points="{house}" fill="{WHITE}"/>\n'
        f'  <polyline points="{check}" fill="none" stroke="{GREEN}" stroke-width="{CHECK_WIDTH}" '
        'stroke-linecap="round" stroke-linejoin="round"/>\n'
        "</svg>\n"
    )


def draw(size: int) -> Image.Image:
    if size in SMALL:
        radius, house = SMALL[size]
        img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        d = ImageDraw.Draw(img)
        d.rounded_rectangle((0, 0, size - 1, size - 1), radius=radius, fill=GREEN)
        d.polygon(house, fill=WHITE)
        return img
    scale = 4 * size / 256  # drawn 4x larger, then reduced: smooth edges
    big = Image.new("RGBA", (4 * size, 4 * size), (0, 0, 0, 0))
    d = ImageDraw.Draw(big)
    d.rounded_rectangle(tuple(v * scale for v in (8, 8, 247, 247)), radius=48 * scale, fill=GREEN)
    d.polygon([(x * scale, y * scale) for x, y in HOUSE], fill=WHITE)
    points = [(x * scale, y * scale) for x, y in CHECK]
    width = round(CHECK_WIDTH * scale)
    d.line(points, fill=GREEN, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        d.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=GREEN)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fieldsurvey.svg").write_text(svg(), encoding="utf-8")
    images = {size: draw(size) for size in SIZES}
    for size, img in images.items():
        img.save(OUT / f"fieldsurvey-{size}.png", optimize=True)
    images[256].save(
        OUT / "fieldsurvey.ico",
        sizes=[(s, s) for s in SIZES if s <= 256],
        append_images=[images[s] for s in SIZES if s < 256],
    )
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
