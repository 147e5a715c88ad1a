"""Classroom mode: the teacher hides control groups the lesson does not need yet."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)


def ask_hidden_groups(
    parent: QWidget, groups: dict[str, QGroupBox], hidden: dict[str, bool]
) -> dict[str, bool] | None:
    """Which groups to hide, asked with one check box each; None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Classroom mode")
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("Hide these controls:"))
    boxes = {}
    for key, group in groups.items():
        boxes[key] = QCheckBox(group.title().capitalize())
        boxes[key].setChecked(hidden.get(key, False))
        layout.addWidget(boxes[key])
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return {k: b.isChecked() for k, b in boxes.items()}
