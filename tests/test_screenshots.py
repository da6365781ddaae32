"""The README's screenshots: made from the demo data by `python -m monitor.screenshots`, small enough to commit."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from monitor.core.config import PROJECT_ROOT
from monitor.screenshots import BROWSERS, MAX_BYTES, SCREENSHOTS_DIR, WIDTH, ScreenshotError, main, shrink


def test_shrink_scales_to_the_width_and_stays_under_the_limit(tmp_path):
    rng = np.random.default_rng(1)
    page = np.full((1500, 1100, 3), 255, dtype="uint8")  # a white page with 3,000 coloured "words"
    for top, left in zip(rng.integers(0, 1490, 3000), rng.integers(0, 1060, 3000), strict=True):
        page[top:top + 9, left:left + 40] = rng.integers(0, 255, 3)
    png = tmp_path / "page.png"
    Image.fromarray(page).save(png, compress_level=0)
    assert png.stat().st_size > MAX_BYTES
    size = shrink(png)
    assert size == png.stat().st_size <= MAX_BYTES
    with Image.open(png) as image:
        assert image.size == (WIDTH, round(1500 * WIDTH / 1100)) and image.mode == "P"


def test_shrink_refuses_what_it_cannot_make_small(tmp_path):
    noise = (np.random.default_rng(1).random((1500, 1100, 3)) * 255).astype("uint8")  # PNG's worst case
    Image.fromarray(noise).save(tmp_path / "noise.png")
    with pytest.raises(ScreenshotError, match="even with 16 colours"):
        shrink(tmp_path / "noise.png")


def test_committed_screenshots_are_small_and_referenced_by_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name in ("region_report.png", "validity.png"):
        png = SCREENSHOTS_DIR / name
        assert png.is_file(), f"run `.venv/bin/python -m monitor.screenshots` to make {png}"
        assert png.stat().st_size <= MAX_BYTES
        assert f"data/screenshots/{name}" in readme


@pytest.mark.slow
@pytest.mark.skipif(not any(shutil.which(b) for b in BROWSERS), reason="no Chromium (apt-get install -y chromium)")
def test_screenshots_are_made_from_the_demo_data(tmp_path, capsys):
    assert main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["region_report.png", "validity.png"]
    for png in tmp_path.iterdir():
        assert png.stat().st_size <= MAX_BYTES
        with Image.open(png) as image:
            pixels = np.asarray(image.convert("L"))
        assert image.width == WIDTH
        # A page with text on it, not a blank or an error page: many dark pixels, mostly white.
        dark = (pixels < 100).mean()
        assert 0.01 < dark < 0.5, (png.name, dark)
    assert capsys.readouterr().err.startswith(f"wrote {tmp_path / 'validity.png'}")


def test_no_browser_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert main(["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: no Chromium found on PATH (Debian/Ubuntu: apt-get install -y chromium)"
    assert list(tmp_path.iterdir()) == []
