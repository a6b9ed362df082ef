"""Photo benchmark: import speed against Pillow's own work, store growth, a slow link.

    python bench/photo_bench.py [--photos 100] [--upload-photos 50] [--kbit 256] [--long-edge 1600]

1. Import: ``--photos`` camera-size JPEGs (4032 × 3024, 12 MP, made here: a drawn scene with
   sensor-like noise, EXIF capture time and GPS, a quarter of them turned by EXIF orientation 6)
   go through the app's import (``media/photos.py``: bounded read, bomb guard, EXIF, orientation,
   scale to the long edge, JPEG, thumbnail, SHA-256) and into the encrypted store
   (``store.photos.add``: one SQLCipher transaction each). Baseline in the same run: Pillow's own
   decode + resize + encode of the same files (``Image.open``, ``thumbnail`` to the long edge —
   which uses libjpeg's draft scaling too — and ``save`` as JPEG at the same quality). The two
   alternate file by file so that other load on the machine weighs on both; medians of the
   per-file times are compared. Target ≤ 1.3×. Also shown: the leanest Pillow can do (draft
   scaling to the target, one resize, encode; no EXIF, orientation, thumbnail, hash or store).
2. Store growth: the store's files (database and WAL after a checkpoint) before and after those
   photos, divided by their number, against the JPEGs' own mean size.
3. Slow link: ``--upload-photos`` of those imported photos on finalized visits, sent by the real
   sync client's photo step (ask what the county lacks, seal bundles, resumable chunked upload)
   to a real server process through a TCP proxy on 127.0.0.1 limited to ``--kbit`` kbit/s in each
   direction, against the line time of the bytes sent (bytes × 8 ÷ rate). Target ≤ 1.2×.

Everything is synthetic and stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync_bench import ThrottledProxy, county_with_device, free_port
from fieldsurvey.commands.demo_server import start_server
from fieldsurvey.core.photo_refs import item
from fieldsurvey.core.records import household_to_dict, visit_to_dict
from fieldsurvey.core.visit import FINALIZED, Visit
from fieldsurvey.demo.generator import generate_county, iter_households
from fieldsurvey.media import photos as media
from fieldsurvey.server.roster.json_import import FORMAT, import_roster
from fieldsurvey.store import Store
from fieldsurvey.sync.batch import batch_payload, seal_batch
from fieldsurvey.sync.photo_upload import PhotoSender
from fieldsurvey.sync.transport import RetryPolicy, Transport

CAMERA = (4032, 3024)
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 19456, "lanes": 1}


def camera_jpeg(seed: int, noise: float = 18.0) -> bytes:
    """A 12 MP picture that compresses like a phone's: a scene, then sensor noise."""
    rng = random.Random(seed)
    w, h = CAMERA
    img = Image.new("RGB", CAMERA, (140 + rng.randint(0, 60), 180 + rng.randint(0, 40), 220))
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(-500, w), rng.randint(h // 3, h)
        d.ellipse(
            (x, y, x + rng.randint(800, 2000), y + rng.randint(400, 1200)),
            fill=(rng.randint(60, 140), rng.randint(100, 170), rng.randint(50, 110)),
        )
    d.rectangle((w // 4, h // 2, 3 * w // 4, h - 200), fill=(rng.randint(150, 220), 150, 110))
    d.polygon(
        [(w // 5, h // 2), (w // 2, h // 5), (4 * w // 5, h // 2)],
        fill=(rng.randint(90, 160), 40, 30),
    )
    grain = Image.effect_noise(CAMERA, noise).convert("RGB")
    img = Image.blend(img, grain, 0.12)
    exif = Image.Exif()
    exif[0x0112] = 6 if seed % 4 == 0 else 1
    exif.get_ifd(0x8769)[0x9003] = f"2026:05:{1 + seed % 28:02d} 10:{seed % 60:02d}:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (Fraction(32), Fraction(32), Fraction(1234, 100))
    gps[3], gps[4] = "E", (Fraction(107), Fraction(53), Fraction(4321, 100))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def baseline(path: Path, edge: int) -> bytes:
    img = Image.open(path)
    img.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=media.JPEG_QUALITY)
    return out.getvalue()


def lean(path: Path, edge: int) -> bytes:
    """The least Pillow can do: libjpeg's draft scaling to the target, one resize, encode."""
    img = Image.open(path)
    w, h = img.size
    scale = edge / max(w, h)
    target = (round(w * scale), round(h * scale))
    img.draft("RGB", target)
    img = img.resize(target, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=media.JPEG_QUALITY)
    return out.getvalue()


def store_size(d: Path) -> int:
    return sum(p.stat().st_size for p in d.iterdir() if p.name.startswith("store.db"))


def bench_import(
    tmp: Path, n: int, edge: int
) -> tuple[dict[str, float], list[media.ImportedPhoto], Store]:
    folder = tmp / "camera"
    folder.mkdir()
    t0 = time.perf_counter()
    files = []
    for i in range(n):
        p = folder / f"IMG_{i:04d}.jpg"
        p.write_bytes(camera_jpeg(i))
        files.append(p)
    made_s = time.perf_counter() - t0
    store, _ = Store.create(tmp / "store", "photo-bench-passphrase-1", kdf=FAST_KDF)
    store.checkpoint()
    before = store_size(tmp / "store")
    ours, base, leanest, kept = [], [], [], []
    for i, path in enumerate(files):
        order = [(0, 1, 2), (1, 2, 0), (2, 0, 1)][i % 3]  # rotate who goes first
        for which in order:
            t = time.perf_counter()
            if which == 0:
                photo = media.import_photo(path, long_edge=edge)
                store.photos.add(photo)
                ours.append(time.perf_counter() - t)
                kept.append(photo)
            elif which == 1:
                baseline(path, edge)
                base.append(time.perf_counter() - t)
            else:
                lean(path, edge)
                leanest.append(time.perf_counter() - t)
    store.checkpoint()
    after = store_size(tmp / "store")
    jpeg_mean = statistics.mean(len(p.jpeg) for p in kept)
    camera_mean = statistics.mean(p.stat().st_size for p in files)
    return (
        {
            "photos": n,
            "camera_mb": camera_mean / 1e6,
            "made_s": made_s,
            "ours_ms": statistics.median(ours) * 1000,
            "base_ms": statistics.median(base) * 1000,
            "ratio": statistics.median(ours) / statistics.median(base),
            "lean_ms": statistics.median(leanest) * 1000,
            "lean_ratio": statistics.median(ours) / statistics.median(leanest),
            "ours_total_s": sum(ours),
            "base_total_s": sum(base),
            "growth_kb": (after - before) / n / 1024,
            "jpeg_kb": jpeg_mean / 1024,
            "overhead": (after - before) / n / jpeg_mean,
        },
        kept,
        store,
    )


def bench_link(
    tmp: Path, store: Store, photos: list[media.ImportedPhoto], n: int, kbit: float
) -> dict[str, float]:

    county = generate_county(seed=18, households=n)
    households = list(iter_households(county, n, seed=18))
    villages = sorted({str(h.division_code) for h in households})
    sd, identity = county_with_device(tmp / "county", None, villages)
    import_roster(
        sd,
        "bench",
        {
            "format": FORMAT,
            "version": 1,
            "county": villages[0][:6],
            "households": [household_to_dict(h) for h in households],
        },
    )
    sd.close()
    store.divisions.add_many(county.divisions)
    store.households.add_many(households)
    records = []
    for i, (h, p) in enumerate(zip(households, photos[:n], strict=False)):
        v = Visit(
            h.household_id,
            date(2026, 5, 1) + timedelta(days=i % 20),
            "驻村第一书记",
            "household_visit",
            "2",
            {"house_photos": [item(p.sha256)]},
            status=FINALIZED,
            findings="照片基准",
        )
        store.visits.add_history([v])
        d = visit_to_dict(v)
        for k in ("cursor", "review_status", "review_comment"):
            d.pop(k, None)
        records.append({"kind": "visit", "visit": d})
    # the visits reach the county first, at full speed (photos of unknown visits are refused)
    data = seal_batch(identity, batch_payload(identity, records, base_cursor=None))
    port = free_port()
    proc = start_server(tmp / "county", port)  # the demo's starter: waits until it answers
    try:
        direct = Transport(
            f"http://127.0.0.1:{port}", identity=identity, policy=RetryPolicy(timeout=120)
        )
        from fieldsurvey.sync.envelope import parse

        assert direct.upload(parse(data).id, data)["status"] == "merged"
        direct.close()
        proxy = ThrottledProxy(port, kbit * 1000 / 8)
        t = Transport(
            f"http://127.0.0.1:{proxy.port}", identity=identity, policy=RetryPolicy(timeout=120)
        )
        t0 = time.perf_counter()
        report = PhotoSender(store, identity, t).send()
        elapsed = time.perf_counter() - t0
        t.close()
        proxy.close()
    finally:
        proc.terminate()
        proc.wait(10)
    assert report.stored == min(n, len(photos)) and not report.refused, report
    ideal = report.bytes_sent * 8 / (kbit * 1000)
    jpeg = sum(len(p.jpeg) for p in photos[:n])
    return {
        "photos": report.stored,
        "bytes": report.bytes_sent,
        "jpeg_bytes": jpeg,
        "bundles": report.bundles,
        "upload_s": elapsed,
        "ideal_s": ideal,
        "ratio": elapsed / ideal,
        "wire_over_jpeg": report.bytes_sent / jpeg,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=100)
    ap.add_argument("--upload-photos", type=int, default=50)
    ap.add_argument("--kbit", type=float, default=256.0)
    ap.add_argument("--long-edge", type=int, default=media.DEFAULT_LONG_EDGE)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        imp, photos, store = bench_import(tmp, args.photos, args.long_edge)
        print(
            f"import: {imp['photos']} camera JPEGs ({CAMERA[0]}x{CAMERA[1]}, mean {imp['camera_mb']:.1f} MB) → "
            f"{args.long_edge} px: ours {imp['ours_ms']:.0f} ms/photo (pipeline + encrypted store), "
            f"Pillow decode+resize+encode {imp['base_ms']:.0f} ms/photo: {imp['ratio']:.2f}x (target <= 1.3x); "
            f"totals {imp['ours_total_s']:.1f} s vs {imp['base_total_s']:.1f} s; against the leanest Pillow "
            "(draft + one resize + encode, no EXIF, thumbnail, hash or store) "
            f"{imp['lean_ms']:.0f} ms/photo: {imp['lean_ratio']:.2f}x"
        )
        print(
            f"store growth: {imp['growth_kb']:.0f} KB per photo for JPEGs of {imp['jpeg_kb']:.0f} KB mean "
            f"({imp['overhead']:.2f}x the JPEG: thumbnail and pages)"
        )
        if args.upload_photos:
            link = bench_link(tmp, store, photos, args.upload_photos, args.kbit)
            print(
                f"link: {link['photos']} photos, {link['bytes'] / 1e6:.2f} MB sealed in {link['bundles']} bundles "
                f"({link['wire_over_jpeg']:.3f}x the JPEG bytes) over {args.kbit:g} kbit/s: upload "
                f"{link['upload_s']:.1f} s, "
                f"line time {link['ideal_s']:.1f} s: {link['ratio']:.2f}x (target <= 1.2x)"
            )
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
