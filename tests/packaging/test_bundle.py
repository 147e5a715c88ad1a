"""The desktop bundle (``make bundle``) starts: headless commands, offscreen renders of
views that import captum and openTSNE lazily, and its window on the display (Xvfb under
``make test``). Run with ``pytest -m bundle`` (``make test PYTEST_ARGS="-m bundle"``);
the start-up times are printed (-s), not asserted."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "nodeplay" / "nodeplay"

pytestmark = pytest.mark.bundle


def _env(home: Path) -> dict[str, str]:
    """Nothing of the development tree or the user's settings leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PATH="/usr/bin:/bin",
    )
    return env


def _run(tmp_path: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    if not BUNDLE.is_file():
        pytest.fail(f"There is no bundle at {BUNDLE}; run `make bundle` first.")
    return subprocess.run(
        [str(BUNDLE), *args],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_bundle_lists_its_presets(tmp_path):
    start = time.perf_counter()
    done = _run(tmp_path, "presets")
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]
    names = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    assert {"circle", "xor", "digits-cnn", "vae"} <= names
    print(f"bundle `nodeplay presets`: {seconds:.2f} s")


@pytest.mark.parametrize(
    ("preset", "view"),
    [
        ("circle", "window"),
        ("digits-cnn", "saliency"),
        ("digits-cnn", "embedding"),
        ("vae", "latent-scatter"),
    ],
)
def test_the_bundle_renders_views_offscreen(tmp_path, preset, view):
    assert _run(tmp_path, "new", preset, "--out", "p.nodeplay").returncode == 0
    done = _run(
        tmp_path, "render", "p.nodeplay", "--view", view, "--out", "v.png", "--data", "v.npz", "--epochs", "1"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert (tmp_path / "v.png").stat().st_size > 3000
    data = np.load(tmp_path / "v.npz")
    assert data.files and all(np.asarray(data[k]).size for k in data.files)


def _window_titles() -> list[str]:
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
    return re.findall(r'"(Nodeplay[^"]*)"', tree)


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="the window needs a display (xvfb-run)")
def test_the_bundle_opens_its_window(tmp_path, qapp):
    from PySide6.QtGui import QGuiApplication

    if not BUNDLE.is_file():
        pytest.fail(f"There is no bundle at {BUNDLE}; run `make bundle` first.")
    assert not any("—" in t for t in _window_titles())  # no window of ours yet
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(BUNDLE)],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        titles: list[str] = []
        while time.perf_counter() - start < 240 and proc.poll() is None:
            titles = [t for t in _window_titles() if t.startswith("Nodeplay — ")]
            if titles:
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - start
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert titles, "no Nodeplay window appeared"
        time.sleep(2)  # a few frames of drawing
        tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
        wid = int(re.search(r"(0x[0-9a-f]+) \"Nodeplay — ", tree).group(1), 16)
        shot = QGuiApplication.primaryScreen().grabWindow(wid)
        shot.save(str(tmp_path / "bundle-window.png"))
        image = shot.toImage()
        assert image.width() >= 800 and image.height() >= 500
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 50  # drawn, not a blank frame
        assert proc.poll() is None  # still running after drawing
        print(f"bundle window shown after {seconds:.1f} s: {titles[0]}; {tmp_path / 'bundle-window.png'}")
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert "Traceback" not in err, err[-2000:]
