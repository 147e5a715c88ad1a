"""S-L1 (issue #12): in presentation mode the network diagram's text (column headers,
input labels) grows like every other font, and stays whole inside the diagram at the
projector's 1280×720; off again, it is as before."""

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtTest import QTest

from app.views.network_view import QtNetworkView
from tests.app.conftest import shown_window


def _diagram(window) -> QtNetworkView:
    return next(v for v in window.findChildren(QtNetworkView) if v.isVisible())


def _texts(view: QtNetworkView) -> list:
    return [item for col in view.columns for item in (col.header_item, *col.label_items)]


def _screen_px(view: QtNetworkView, item) -> float:
    """The text's height on screen: its font's pixel size times the diagram's zoom."""
    return item.font().pixelSize() * view.canvas.transform().m11()


def _clipped(view: QtNetworkView) -> list[str]:
    box = QRectF(view.canvas.viewport().rect())
    return [
        item.text()
        for item in _texts(view)
        if not box.contains(view.canvas.mapFromScene(item.sceneBoundingRect()).boundingRect().toRectF())
    ]


def _overlapping(view: QtNetworkView) -> list[str]:
    """Column headers whose text runs into the next column's."""
    heads = [col.header_item for col in view.columns]
    return [
        f"{a.text()} / {b.text()}"
        for a, b in zip(heads, heads[1:])
        if a.sceneBoundingRect().intersects(b.sceneBoundingRect())
    ]


@pytest.mark.parametrize("preset", ["spiral", "spiral-deep"])
def test_presentation_mode_scales_the_diagrams_text(qtbot, tmp_path, preset):
    # spiral-deep's 16-unit columns do not fit the panel at 1280×720 even without
    # presentation mode (the diagram scrolls), so only the size is checked there
    whole = preset == "spiral"
    window = shown_window(qtbot, preset)
    window.resize(1280, 720)
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    view = _diagram(window)
    header = view.columns[0].header_item
    before = _screen_px(view, header)
    label = _screen_px(view, view.columns[0].label_items[0])
    pres = window.presentation

    QTest.keyClick(window, Qt.Key.Key_F5)
    assert pres.on
    window.showNormal()  # the projector's 1280×720, whatever this screen is
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    qtbot.waitUntil(lambda: _screen_px(view, header) >= before * pres.scale - 1)
    assert _screen_px(view, view.columns[0].label_items[0]) >= label * pres.scale - 1
    window.grab().save(str(tmp_path / "presentation.png"))
    assert not (whole and _clipped(view))
    assert not _overlapping(view)  # the columns move apart instead (the diagram may scroll)

    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not pres.on
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: abs(_screen_px(view, header) - before) < 1)
    assert not (whole and _clipped(view))
    window.close()
