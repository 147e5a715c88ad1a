"""L3 (issue #12): the Backprop tab steps one mini-batch through its phases by button
and key, and "Apply update" makes the update on the training network."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.app.conftest import shown_window


def test_stepping_through_the_phases_and_applying(qtbot, tmp_path):
    window = shown_window(qtbot, "xor")
    assert window.show_view("backprop")
    view = window.view_area.view("backprop")
    qtbot.waitUntil(lambda: view.data is not None, timeout=10_000)
    phases = view.phases()
    kinds = [k for _t, k, _c in phases]
    assert kinds == ["forward"] * 4 + ["loss"] + ["backward"] * 3 + ["update"]
    assert view.title.text().startswith("1/9  Forward")
    seen = []
    for _ in range(len(phases) - 1):
        QTest.mouseClick(view.next, Qt.MouseButton.LeftButton)
        seen.append(view.title.text())
        view.grab().save(str(tmp_path / f"phase{view.phase}.png"))
    assert seen[3].startswith("5/9  Loss") and seen[-1].startswith("9/9  Update")
    assert view.next.text() == "Apply update ▶"
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Left)  # back a phase with the keyboard
    assert view.phase == 7
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.phase == 8
    before = view.data
    QTest.mouseClick(view.next, Qt.MouseButton.LeftButton)  # apply, then the next batch
    qtbot.waitUntil(lambda: view.data is not before and view.seed == 1, timeout=10_000)
    assert view.phase == 0
    for key in ("layers.dense1.weight", "layers.head.bias"):
        made = before[f"weight/{key}"] + before[f"update/{key}"]
        assert np.allclose(view.data[f"weight/{key}"], made, atol=1e-6)
    window.close()


def test_the_view_renders_with_its_numbers(tmp_path):
    from nodeplay.cli import main

    src, png, npz = tmp_path / "p.json", tmp_path / "b.png", tmp_path / "b.npz"
    assert main(["new", "spiral", "--out", str(src)]) == 0
    assert main(["render", str(src), "--view", "backprop", "--out", str(png), "--data", str(npz)]) == 0
    data = np.load(npz)
    assert png.stat().st_size > 0 and data["rows"].shape == (4,) and np.isfinite(data["loss"])
    assert data["value/act1"].shape == (4, 4) and "update/layers.head.weight" in data
