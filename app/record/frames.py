"""A widget as drawn, as an H×W×3 uint8 array: one frame of a recording."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget


def image_array(image: QImage) -> np.ndarray:
    """``image`` as RGB bytes (a copy: the QImage may go)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return data[:, : w * 3].reshape(h, w, 3).copy()


def grab_frame(widget: QWidget, width: int | None = None) -> np.ndarray:
    """What ``widget`` shows now, scaled down to ``width`` pixels when wider."""
    image = widget.grab().toImage()
    if width is not None and image.width() > width:
        from PySide6.QtCore import Qt

        image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    return image_array(image)
