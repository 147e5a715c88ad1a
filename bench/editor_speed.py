"""How fast the node editor stays on a 200-node graph.

Builds a 200-node graph (parallel Dense/Activation branches from one Input), opens the
editor offscreen at 1280x800 and times, in the same run:
  - a viewport repaint after each pan step and each zoom step (8 steps of 4% out, then
    back in), at 100% and 50% zoom and with the whole graph fitted in the view (median
    and p95 ms), against the same repaints of an empty canvas (background grid only) as the baseline;
  - validation alone, and an edit (a Dense's units through its undo command: validate and
    refresh the canvas), median and p95 ms.
Targets: repaints under 16 ms, validation after an edit under 50 ms. A script, not a test.

    PYTHONPATH=. .venv/bin/python bench/editor_speed.py [--frames 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# figures come from a real X server (xcb, e.g. under xvfb-run): offscreen skips the paint path
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.editor import QtGraphEditor  # noqa: E402
from engine.graph import DataSpec, Graph, validate  # noqa: E402

SPEC = DataSpec((2,), (), 2)


def big_graph(n_nodes: int = 200, branch: int = 8) -> Graph:
    g = Graph()
    g.add_node("Input", id="input")
    ends = []
    while len(g.nodes) < n_nodes - 2:
        prev, port = "input", "x"
        for k in range(branch):
            if len(g.nodes) >= n_nodes - 2:
                break
            node = g.add_node("Dense" if k % 2 == 0 else "Activation", {"units": 8} if k % 2 == 0 else None)
            g.connect(prev, port, node.id, "x")
            prev, port = node.id, "out"
        ends.append(prev)
    g.add_node("Dense", {"units": 1}, id="head")
    g.connect(ends[0], "out", "head", "x")
    g.add_node("Output", id="output")
    g.connect("head", "out", "output", "pred")
    g.connect("input", "y", "output", "target")
    return g


def stats(samples: list[float]) -> tuple[float, float]:
    a = np.array(samples) * 1000
    return float(np.median(a)), float(np.percentile(a, 95))


def repaint_times(editor: QtGraphEditor, frames: int, mode: str) -> list[float]:
    """Repaint times after pan steps, or zoom steps that go out 8 steps and back in."""
    view, vp = editor.view, editor.view.viewport()
    out = []
    for i in range(frames):
        if mode == "pan":
            view.pan_by(9 if (i // 20) % 2 == 0 else -9, 4 if (i // 20) % 2 == 0 else -4)
        else:
            view.zoom_by(1 / 1.04 if (i // 8) % 2 == 0 else 1.04)
        t = time.perf_counter()
        vp.repaint()  # synchronous paint of the real viewport, item caches included
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=60)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])

    graph = big_graph()
    editor = QtGraphEditor()
    editor.resize(1280, 800)
    editor.show()
    editor.set_graph(graph, SPEC)
    editor.auto_layout()
    app.processEvents()
    empty = QtGraphEditor()
    empty.resize(1280, 800)
    empty.show()
    app.processEvents()
    print(
        f"graph: {len(graph.nodes)} nodes, {len(graph.edges)} edges, "
        f"{editor.validation.total_params:,} parameters"
    )

    for label, zoom in (("100% zoom", 1.0), ("half size, text shown", 0.5), ("whole graph fitted", None)):
        for ed in (editor, empty):
            ed.view.resetTransform()
            if zoom is None:
                ed.view.fit()
            else:
                ed.view.scale(zoom, zoom)
            ed.view.centerOn(
                ed.scene.nodes["dense2"] if ed is editor and zoom else ed.scene.itemsBoundingRect().center()
            )
        print(f"{label} (zoom {editor.view.zoom():.2f}):")
        for mode in ("pan", "zoom"):
            repaint_times(editor, 10, mode)  # warm the caches
            base = stats(repaint_times(empty, args.frames, mode))
            full = stats(repaint_times(editor, args.frames, mode))
            QTest.qWait(300)  # the zoom settles: item caches come back for panning
            print(
                f"  {mode:4s} repaint: median {full[0]:6.2f} ms  p95 {full[1]:6.2f} ms   "
                f"empty canvas {base[0]:5.2f} / {base[1]:5.2f} ms   ratio {full[0] / base[0]:5.1f}x"
            )

    times = []
    for _ in range(20):
        t = time.perf_counter()
        validate(graph, SPEC)
        times.append(time.perf_counter() - t)
    v = stats(times)
    times = []
    for i in range(20):
        t = time.perf_counter()
        editor.set_params("dense2", {"units": 8 + (i % 2) + 1})
        times.append(time.perf_counter() - t)
    ed = stats(times)
    print(f"validate alone:          median {v[0]:6.2f} ms  p95 {v[1]:6.2f} ms")
    print(
        f"edit + validate + sync:  median {ed[0]:6.2f} ms  p95 {ed[1]:6.2f} ms   "
        f"ratio to validate alone {ed[0] / v[0]:4.1f}x"
    )
    editor.close()
    empty.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
