"""Image benchmark: ``make bench-images`` (``.venv/bin/python bench/bench_images.py``). Prints figures; asserts nothing.

Picks the imaging library by a measurement: Pillow (what ``images/`` uses) against
pyvips/libvips when ``import pyvips`` works (Debian's libvips42 and PyPI's pyvips).
It draws two photo-like JPEGs (q90) in a temp dir, 24 MP (6000 × 4000) and 50 MP
(8660 × 5773), and for each library and photo, in a fresh subprocess, measures:

1. ingest: decode, turn upright, normalise, encode the master (Pillow: the app's own
   ``image_decode`` and ``_encode_master``; pyvips: the same steps, JPEG q92 4:4:4);
2. renditions: every spec ``specs_for`` gives that picture (Pillow: the app's ``render``
   on the master, opened once; pyvips: ``thumbnail_buffer`` of the master, ``crop`` to
   the same box around the focal point, WebP q80 / JPEG q82);

with wall and CPU seconds, renditions per second and peak RSS (VmHWM, reset between the
steps, so each has its own). Then the bytes of ``16x9-640.webp`` of the 24 MP photo (the
lead image a 360 px phone at 2x downloads; target <= 60 KB = 60,000 bytes) and the peak
for the 50 MP upload (target < 500 MB). Real photos given as arguments are measured too:
``.venv/bin/python bench/bench_images.py photo.jpg …``. No database: Django is set up
(DEBUG=1, SQLite) only so that ``images.*`` imports.
"""

import io
import json
import logging
import math
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw

pyvips = None
if sys.argv[1:3] != ["--child", "Pillow"]:  # libvips stays out of the Pillow child's memory
    try:
        import pyvips
    except (ImportError, OSError):  # the package, or libvips itself, is missing
        pass

BASE_DIR = Path(__file__).resolve().parent.parent
PHOTOS = {"24 MP": (6000, 4000), "50 MP": (8660, 5773)}
LEAD_SPEC, LEAD_TARGET, PEAK_TARGET_MB = "16x9-640.webp", 60_000, 500


def make_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """Photo-like content (soft light and shapes, sharp lines, 1/f texture), about as heavy as a camera's JPEG q90."""
    rng = random.Random(seed)
    w, h = size
    small = PILImage.merge("RGB", [PILImage.linear_gradient("L").rotate(a) for a in (20, 110, 200)]).resize((w // 8, h // 8))
    draw = ImageDraw.Draw(small)
    for _ in range(60):  # drawn small and scaled up: soft, out-of-focus edges
        x, y, r = rng.randrange(w // 8), rng.randrange(h // 8), rng.randrange(10, h // 24)
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x - r, y - r, x + r, y + r), fill=fill)
    picture = small.resize(size, PILImage.Resampling.BICUBIC)
    draw = ImageDraw.Draw(picture)
    for _ in range(400):  # in focus: lines and edges at full resolution
        x, y = rng.randrange(w), rng.randrange(h)
        fill = tuple(rng.randrange(256) for _ in range(3))
        draw.line((x, y, x + rng.randrange(-400, 400), y + rng.randrange(-400, 400)), fill=fill, width=rng.randrange(1, 6))
    texture = None  # the same noise in every octave: the 1/f spectrum of natural scenes (grain, fabric, foliage, clouds)
    for octave, scale in enumerate((1, 2, 4, 8, 16, 32, 64)):
        layer = PILImage.effect_noise((w // scale, h // scale), 50).resize(size, PILImage.Resampling.BICUBIC)
        texture = layer if texture is None else PILImage.blend(texture, layer, 1 / (octave + 1))
    picture = ImageChops.add(picture, PILImage.merge("RGB", [texture] * 3), offset=-128)
    picture.save(path, "JPEG", quality=90)


def rss_mb(field: str) -> float:
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux 4.0+)
    except OSError:
        pass  # then the renditions' peak includes the ingest's


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pillow_ingest(data: bytes) -> tuple[bytes, tuple[int, int]]:
    from images.ingest import _encode_master, image_decode

    picture = image_decode(data)
    return _encode_master(picture)[0], picture.size


def pillow_render(master: bytes, image):
    from images.renditions import _decode_size, render, specs_for

    picture = PILImage.open(io.BytesIO(master))  # as renditions_make does: decoded once, only as large as needed
    picture.draft(picture.mode, _decode_size(image, specs_for(image)))
    picture.load()
    return lambda spec, focus: render(picture, spec, focus=focus)[0]


def vips_strip() -> dict:
    return {"keep": "none"} if pyvips.at_least_libvips(8, 15) else {"strip": True}


def vips_ingest(data: bytes) -> tuple[bytes, tuple[int, int]]:
    picture = pyvips.Image.new_from_buffer(data, "", access="sequential").autorot()
    if picture.interpretation not in ("srgb", "b-w"):
        picture = picture.colourspace("srgb")
    if picture.format != "uchar":
        picture = picture.cast("uchar")
    return picture.jpegsave_buffer(Q=92, subsample_mode="off", **vips_strip()), (picture.width, picture.height)


def vips_render(master: bytes, image):
    from images.renditions import QUALITY, SHAPES, crop_box

    header = pyvips.Image.new_from_buffer(master, "")
    width, height = header.width, header.height

    def render(spec, focus) -> bytes:
        left, top, box_w, box_h = crop_box(width, height, SHAPES[spec.shape], focus)
        if spec.shape == "social":  # the sizes images.renditions.render makes
            target = (1200, 630) if box_w >= 1200 else (box_w, max(1, round(box_w * 630 / 1200)))
        else:
            target = (min(spec.width, box_w), max(1, round(box_h * min(spec.width, box_w) / box_w)))
        scale = target[0] / box_w  # shrink the whole master (shrink-on-load), then cut the box out of it
        picture = pyvips.Image.thumbnail_buffer(master, math.ceil(width * scale), height=10_000_000, size="down")
        if (picture.width, picture.height) != target:
            tw, th = target[0], min(target[1], picture.height)
            x = min(max(round(left * scale), 0), picture.width - tw)
            y = min(max(round(top * scale), 0), picture.height - th)
            picture = picture.crop(x, y, tw, th)
        if spec.format == "webp":
            return picture.webpsave_buffer(Q=QUALITY["webp"], effort=4, **vips_strip())
        return picture.jpegsave_buffer(Q=QUALITY["jpeg"], optimize_coding=True, interlace=True, **vips_strip())

    return render


def child(library: str, path: Path) -> None:
    """One library, one photo, in a process of its own: print a JSON line of figures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from images.models import Image
    from images.renditions import specs_for

    ingest, renderer = (pillow_ingest, pillow_render) if library == "Pillow" else (vips_ingest, vips_render)
    if library == "pyvips":
        pyvips.cache_set_max(0)  # no operation cache: the WebP and JPEG of a spec each do their own resize, as in Pillow
        logging.getLogger("pyvips").setLevel(logging.WARNING)  # DEBUG=1 logs libvips' INFO lines
    data = path.read_bytes()
    baseline = rss_mb("VmRSS")
    reset_peak()
    start, cpu = time.perf_counter(), cpu_s()
    master, (width, height) = ingest(data)
    ingest_s, ingest_peak = time.perf_counter() - start, rss_mb("VmHWM")
    reset_peak()
    image = Image(width=width, height=height)  # unsaved, never stored: specs_for reads its size and focal point
    start, made = time.perf_counter(), {}
    render = renderer(master, image)
    for spec in specs_for(image):
        spec_start = time.perf_counter()
        made[spec.name] = (len(render(spec, (image.focal_x, image.focal_y))), time.perf_counter() - spec_start)
    renditions_s, renditions_peak = time.perf_counter() - start, rss_mb("VmHWM")
    slowest = max(made, key=lambda name: made[name][1])
    figures = {"ingest_s": ingest_s, "renditions_s": renditions_s, "count": len(made), "cpu_s": cpu_s() - cpu}
    figures |= {"baseline_mb": baseline, "ingest_mb": ingest_peak, "renditions_mb": renditions_peak}
    figures |= {"bytes": {name: size for name, (size, _) in made.items()}, "slowest": f"{slowest} {made[slowest][1]:.2f}s"}
    print(json.dumps(figures))


def figures_row(r: dict) -> list[str]:
    seconds = [f"{r['ingest_s']:.2f}", f"{r['renditions_s']:.2f} ({r['count']})", f"{r['count'] / r['renditions_s']:.1f}"]
    peaks = [f"{r['ingest_mb']:.0f}", f"{r['renditions_mb']:.0f}", f"{max(r['ingest_mb'], r['renditions_mb']):.0f}"]
    return [*seconds, f"{r['cpu_s']:.2f}", *peaks, r["slowest"]]


def main(args: list[str]) -> None:
    libraries = ["Pillow", "pyvips"] if pyvips else ["Pillow"]
    print(f"Pillow {PILImage.__version__}", end=", ")
    if pyvips:
        print(f"pyvips {pyvips.__version__} (libvips {'.'.join(str(pyvips.version(i)) for i in range(3))})", end=", ")
    print(f"{os.cpu_count()} CPUs" + ("" if pyvips else "\npyvips: not installed"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        photos = {}
        for seed, (label, (w, h)) in enumerate(PHOTOS.items()):
            photos[label], start = Path(tmp) / f"{label.replace(' ', '')}.jpg", time.perf_counter()
            make_photo(photos[label], (w, h), seed)
            took, mb = time.perf_counter() - start, photos[label].stat().st_size / 1e6
            print(f"{label}: {w} × {h} JPEG q90, {mb:.1f} MB (drawn in {took:.1f}s)")
        photos |= {Path(arg).name: Path(arg) for arg in args}  # real photos, if given
        for label, path in photos.items():
            for library in libraries:
                run = subprocess.run([sys.executable, __file__, "--child", library, str(path)], capture_output=True, text=True)
                if run.returncode:
                    print(f"{library} {label}: failed\n{run.stderr}")
                    continue
                results[library, label] = json.loads(run.stdout.strip().splitlines()[-1])
    head = "library|photo|ingest s|renditions s|renditions/s|cpu s|ingest MB|rend. MB|peak MB|slowest".split("|")
    rows = [[library, label, *figures_row(r)] for (library, label), r in results.items()]
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    print()
    for row in (head, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    baselines = ", ".join(f"{r['baseline_mb']:.0f}" for r in results.values())
    print(f"(peak = the child's VmHWM; before the work it held {baselines} MB: Python, Django, the upload's bytes)\n")
    for library in libraries:
        if lead := results.get((library, "24 MP"), {}).get("bytes", {}).get(LEAD_SPEC):
            mark = "met" if lead <= LEAD_TARGET else "missed"
            print(f"{library}: {LEAD_SPEC} of the 24 MP photo (360 px phone at 2x): {lead:,} bytes, target <= 60 KB {mark}")
        if big := results.get((library, "50 MP")):
            peak = max(big["ingest_mb"], big["renditions_mb"])
            mark = "met" if peak < PEAK_TARGET_MB else "missed"
            print(f"{library}: peak for the 50 MP upload: {peak:.0f} MB, target < {PEAK_TARGET_MB} MB {mark}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main(sys.argv[1:])
