"""S-CNN: the loss plot says where its train curve comes from: the mean over the
epoch's batches for images (engine.train.epoch_metrics), the whole set on the plane."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.app.conftest import shown_window


def _labels(w) -> tuple[str, str]:
    legend = w.loss_plot.legend
    return legend.getLabel(w.loss_plot.train_curve).text, legend.getLabel(w.loss_plot.test_curve).text


def test_image_projects_name_the_batch_mean_in_legend_and_tooltip(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        assert _labels(w) == ("train loss (mean over the epoch's batches)", "test loss")
        assert "mean over the epoch's batches" in w.loss_plot.plot.toolTip()
        combo = w.loss_plot.quantity_combo
        combo.setFocus()
        QTest.keyClick(combo, Qt.Key.Key_Down)  # loss -> accuracy
        assert combo.currentText() == "accuracy"
        assert _labels(w) == ("train accuracy (mean over the epoch's batches)", "test accuracy")
    finally:
        w.close()


def test_the_plane_keeps_plain_labels(qtbot):
    w = shown_window(qtbot, "spiral")
    try:
        assert _labels(w) == ("train loss", "test loss")
        assert "whole split" in w.loss_plot.plot.toolTip()
    finally:
        w.close()
