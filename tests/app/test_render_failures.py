"""``nodeplay render`` fails with a sentence when a view's probe breaks (issue #14): the
desktop bundle once drew an empty saliency view and a layout-less embedding (a module
missing from the bundle) and reported success."""

import dataclasses

import pytest

from app.render import render_view
from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.registry import PROBES


def _break(monkeypatch, name: str) -> None:
    def boom(_ctx, _args):
        raise ImportError("No module named 'matplotlib'")

    monkeypatch.setitem(PROBES, name, dataclasses.replace(PROBES[name], fn=boom))


def test_a_broken_asked_probe_fails_the_render(qtbot, tmp_path, monkeypatch):
    _break(monkeypatch, "attribution")
    out = tmp_path / "saliency.png"
    with pytest.raises(NodeplayError, match=r"^The probe 'attribution' failed: ImportError: No module"):
        render_view(load_preset("digits-cnn"), "saliency", out, 0)
    assert not out.exists()


def test_a_broken_subscribed_probe_fails_the_render(qtbot, tmp_path, monkeypatch):
    _break(monkeypatch, "confusion")
    out = tmp_path / "confusion.png"
    with pytest.raises(NodeplayError, match=r"The probe 'confusion' failed: ImportError"):
        render_view(load_preset("digits-cnn"), "confusion", out, 0)
    assert not out.exists()


def test_a_working_asked_view_still_renders(qtbot, tmp_path):
    out = tmp_path / "saliency.png"
    render_view(load_preset("digits-cnn"), "saliency", out, 0)
    assert out.stat().st_size > 2000
