"""The VAE and GAN lessons in the window (issue #12), opened from Help › Lessons as a
student would: the VAE lesson's first step sets β in the Playground's own box (one
undoable edit) and its check turns green after training; the GAN lesson's check is
measured by the GAN trainer on the worker."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.app.conftest import shown_window
from tests.app.test_lessons_panel import close, open_from_help


def test_vae_lesson_sets_beta_in_the_playground_and_its_check_turns_green(qtbot):
    window = shown_window(qtbot, "circle")
    panel = open_from_help(window, qtbot, "vae")
    assert window.project.name == "vae"
    spin = window.panel.beta_spin
    assert spin.isVisibleTo(window.panel) and spin.value() == 0.0  # step 1: β = 0
    assert window.view_area.tabs.currentWidget().view is window.view_area.views["samples"]
    card = panel.cards[0]
    assert panel.subscriptions()["lesson-check"]["args"]["probe"] == "sample-fit"
    qtbot.waitUntil(lambda: card.met, timeout=120_000)  # 25 epochs of a plain autoencoder
    assert "energy" in card.status.text() and "✓ met" in card.status.text()
    assert panel.memory["ae_energy"] >= 0.25
    qtbot.keyClick(panel, Qt.Key.Key_Right)  # step 2: the codes, in Latent scatter
    assert window.view_area.tabs.currentWidget().view is window.view_area.views["latent-scatter"]
    qtbot.waitUntil(lambda: panel.cards[1].met, timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo step 1's β
    qtbot.waitUntil(lambda: spin.value() == 1.0)
    close(window)


def test_gan_lesson_check_is_measured_on_the_gan_trainer(qtbot):
    window = shown_window(qtbot, "circle")
    panel = open_from_help(window, qtbot, "gan")
    assert window.project.name == "gan" and window.project.train.stop_epochs == 60
    qtbot.waitUntil(lambda: window.view_area.views["gan-2d"].isVisible())
    card = panel.cards[0]
    qtbot.waitUntil(lambda: card.met, timeout=30_000)  # before training: far from the ring
    assert "energy" in card.status.text()
    assert panel.memory["start_energy"] >= 0.1
    assert hasattr(window.session, "nets") and window.session.epoch == 0
    close(window)
