"""The demo county shows photos at once: drawn houses and water tanks on some households."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image

from fieldsurvey.commands.demo import prepare
from fieldsurvey.commands.demo_fill import PHOTO_HOUSEHOLDS
from tests.support.common import FAST_KDF


def test_demo_households_have_drawn_photos_kept_encrypted(tmp_path: Path) -> None:
    store, _ = prepare(
        tmp_path / "demo",
        "demo-photo-passphrase-3",
        40,
        5,
        progress=lambda _m: None,
        kdf=FAST_KDF,
        history_limit=20,
        parallel=False,
    )
    with store:
        households = list(store.households.iter_households())[:PHOTO_HOUSEHOLDS]
        with_photos = [h for h in households if store.photos.for_household(h.household_id)]
        assert len(with_photos) == PHOTO_HOUSEHOLDS
        listed = store.photos.for_household(with_photos[0].household_id)
        fields = {p.field for p in listed}
        assert "water_source_photos" in fields and all(p.finalized for p in listed)
        first = listed[0]
        img = Image.open(io.BytesIO(store.photos.jpeg(first.info.sha256)))
        assert img.format == "JPEG" and max(img.size) == 1600
        assert (
            first.info.taken_at is not None and first.info.taken_at[:10] == first.visit_date
        )  # taken on the visit
        unsafe = [h for h in households if h.housing_grade in ("C", "D")]
        for h in unsafe:
            assert any(
                p.field == "house_photos" and p.caption == "墙体裂缝"
                for p in store.photos.for_household(h.household_id)
            )
        store.checkpoint()
    # markers chance cannot put in ciphertext: ff d8 ff alone turned up in an encrypted store once
    for root, _dirs, names in os.walk(tmp_path / "demo"):
        for name in names:
            raw = (Path(root) / name).read_bytes()
            assert (
                b"JFIF\x00\x01" not in raw
                and b"Exif\x00\x00" not in raw
                and b"\xff\xd8\xff\xe0\x00\x10JFIF" not in raw
            )
