"""The README's screenshots, made again from the demo data: ``python -m monitor.screenshots``.

Renders one region report and the validity notebook of the latest demo wave into a temporary
folder (:func:`monitor.render.publish.render`, exactly as ``make reports`` does), photographs the top of
each HTML page with a headless Chromium (Debian: ``apt-get install -y chromium``), and writes
small PNGs (palette colours, a fixed width, under :data:`MAX_BYTES` each) to ``data/screenshots/``,
so that they can be committed and refreshed whenever a report changes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .core.config import DATA_DIR, DEMO_DATA

__all__ = ["SCREENSHOTS_DIR", "MAX_BYTES", "ScreenshotError", "find_browser", "capture", "shrink", "make_screenshots", "main"]

SCREENSHOTS_DIR = DATA_DIR / "screenshots"
#: Upper bound for one committed screenshot, in bytes.
MAX_BYTES = 200_000
#: Browser window (CSS pixels) and the width the PNG is scaled to.
WINDOW = (1100, 1850)
WIDTH = 880
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ScreenshotError(RuntimeError):
    """No browser, or the browser did not produce a picture; one line for the user."""


def find_browser() -> str:
    """The path of a Chromium-type browser on ``PATH``; :class:`ScreenshotError` if there is none."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ScreenshotError("no Chromium found on PATH (Debian/Ubuntu: apt-get install -y chromium)")


def capture(html: Path, png: Path, browser: str | None = None, window: tuple[int, int] = WINDOW) -> Path:
    """Photograph the top ``window`` of a local HTML page with headless Chromium into ``png``.

    A throw-away browser profile is used, so nothing of the user's own browser is read or changed;
    the report pages are self-contained (nothing is fetched from the network).
    """
    browser = browser or find_browser()
    with tempfile.TemporaryDirectory(prefix="monitor-chromium-") as profile:
        command = [browser, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                   f"--user-data-dir={profile}", f"--window-size={window[0]},{window[1]}",
                   f"--screenshot={png}", html.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not png.is_file():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ScreenshotError(f"{browser} could not photograph {html}: {last}")
    return png


def shrink(png: Path, width: int = WIDTH, max_bytes: int = MAX_BYTES) -> int:
    """Scale ``png`` to ``width`` pixels and store it with a palette, as few colours as it needs
    to stay under ``max_bytes``; returns the size in bytes."""
    from PIL import Image

    with Image.open(png) as image:
        picture = image.convert("RGB")
    picture = picture.resize((width, round(picture.height * width / picture.width)), Image.Resampling.LANCZOS)
    for colours in (128, 64, 32, 16):
        picture.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(png, optimize=True)
        size = png.stat().st_size
        if size <= max_bytes:
            return size
    raise ScreenshotError(f"{png}: {size:,} bytes even with 16 colours; more than {max_bytes:,} allowed")


def make_screenshots(out_dir: Path = SCREENSHOTS_DIR, region: str | None = None,
                     data_path: Path = DEMO_DATA) -> dict[str, Path]:
    """Render a region report and the validity notebook, and photograph both into ``out_dir``.

    Returns ``{"region_report": path, "validity": path}``.
    """
    from .render.plan import peek_regions
    from .render.publish import render

    browser = find_browser()  # before the render, which takes a while
    region = region or (peek_regions(data_path) or [None])[0]
    if region is None:
        raise ScreenshotError(f"{data_path}: no region found to photograph")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="monitor-screenshots-") as tmp:
        results = render(data_path=str(data_path), regions=[region], include=("validity", "regions"),
                         out_dir=Path(tmp), progress=False, formats=("html",))
        failed = [f"{r.title}: {r.error}" for r in results if not r.ok]
        if failed:
            raise ScreenshotError("rendering failed: " + "; ".join(failed))
        pages = {("validity" if r.kind == "validity" else "region_report"): results.folder / r.outputs["html"]
                 for r in results}
        written = {}
        for name, html in pages.items():
            png = out_dir / f"{name}.png"
            shrink(capture(html, png, browser))
            written[name] = png
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SCREENSHOTS_DIR, help="folder for the PNGs (default %(default)s)")
    parser.add_argument("--region", help="region to photograph (default: the first of the demo data)")
    args = parser.parse_args(argv)
    try:
        written = make_screenshots(args.out, args.region)
    except (ScreenshotError, ValueError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("wrote " + " and ".join(f"{p} ({p.stat().st_size // 1000} kB)" for p in written.values()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
