"""Draw any registered view offscreen: what ``nodeplay render`` calls.

The view (or the whole window) is made as the GUI makes it, asked which probes it
subscribes to, and shown one snapshot carrying exactly those, computed by the session
after training; ``data_path`` writes the numbers behind the picture (app.views.saving).
"""

from __future__ import annotations

import os
import sys

from engine.errors import NodeplayError
from engine.project import Project

WHAT = {"points": "2-D points", "images": "images", "generative": "generative models"}


def _application():
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def _refusal(view: str, spec, project: Project, dataset, kinds: set[str]) -> str:
    from app.views.registry import all_views

    fits = ", ".join(s.name for s in all_views() if s.applies_to(kinds))
    if spec is None:
        return f"There is no view '{view}'; this project can render {fits}."
    draws = " or ".join(WHAT.get(k, k) for k in sorted(spec.applies))
    shape = "×".join(map(str, dataset.spec.x_shape))
    return (
        f"The {view} view draws {draws}; the dataset '{project.data.name}' holds "
        f"{shape} samples, so render one of {fits} instead."
    )


def probe_snapshot(session, subs: dict[str, dict]):
    """A snapshot carrying the probes ``subs`` asks for and the whole history."""
    from engine.train import commands as cmd
    from engine.train.events import Failed, Snapshot

    seen = []
    session.subscribe(seen.append)
    session._apply(cmd.Subscribe(subs))  # a snapshot with them follows at once
    failed = [e for e in seen if isinstance(e, Failed)]
    if failed:  # issue #14 (R2): a picture of a view whose probe failed is not a success
        raise NodeplayError(failed[0].message)
    last = [e for e in seen if isinstance(e, Snapshot)][-1]
    return Snapshot(
        last.epoch, last.step, False, session.history, extent=last.extent, reset=True, probes=last.probes
    )


def render_view(
    project: Project,
    view: str,
    out_path,
    epochs: int = 0,
    data_path=None,
    theme: str | None = None,
    layer: str | None = None,
    sample: int | None = None,
    method: str | None = None,
) -> None:
    """Train ``epochs`` headless, draw ``view`` with the result and save it to ``out_path``
    (.png or .svg), and its numbers to ``data_path`` (.npz) when given; ``theme``: light
    or dark (app.look.theme); ``layer``: the node a layered view (hidden) shows;
    ``sample``: the test sample a sample view shows; ``method``: the saliency view's
    attribution method. Views that ask the worker (``asked``) are answered at once."""
    from app.views.registry import WINDOW, all_views, project_kinds
    from engine.train.factory import make_trainer

    session = make_trainer(project)
    _size_threads(session)
    kinds = project_kinds(session.dataset, project.graph)
    spec = {s.name: s for s in all_views()}.get(view)
    if spec is None or not spec.applies_to(kinds):
        raise NodeplayError(_refusal(view, spec, project, session.dataset, kinds))
    if epochs:
        session.train(epochs=epochs)

    app = _application()
    from PySide6.QtCore import Qt

    from app.look import theme as themes

    if theme is not None:
        try:
            themes.set_theme(theme)
        except ValueError as err:
            raise NodeplayError(str(err)) from None

    from app.views.saving import save_data, save_picture

    broken: list[str] = []  # probes that broke while a view asked
    if spec.place == WINDOW:
        from app.shell.main_window import MainWindow

        widget = MainWindow(project, session=session, serve=False)
        subs, size = widget.view_area.subscriptions(), _window_size(widget, spec.size)
    else:
        widget = spec.factory()
        note = widget.note_for(project, session.dataset) if hasattr(widget, "note_for") else None
        if note:  # what the tab would show instead of the view
            widget.close()
            raise NodeplayError(note)
        widget.set_project(project, session.dataset)
        note = widget.note_for(project, session.dataset) if hasattr(widget, "note_for") else None
        if note:  # the sentence the window shows instead of this view
            widget.deleteLater()
            raise NodeplayError(note)
        if layer is not None:
            _choose_layer(widget, view, layer)
        broken = _answer_at_once(widget, session)
        _choose_sample_and_method(widget, view, session.dataset, sample, method)
        subs, size = widget.subscriptions(), spec.size
    try:
        widget.resize(*size)
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.show()
        app.processEvents()
        widget.show_snapshot(probe_snapshot(session, subs))
        flush = getattr(getattr(widget, "loss_plot", widget), "flush", None)  # throttled rows
        for _ in range(3):
            if flush is not None:
                flush()
            app.processEvents()
        if broken:  # issue #14 (R2): no picture of a broken view
            raise NodeplayError(broken[0])
        save_picture(widget, out_path)
        if data_path is not None:
            save_data(_window_data(widget) if spec.place == WINDOW else widget.view_data(), data_path)
    finally:
        widget.close()
        widget.deleteLater()
        app.processEvents()


def render_to_png(project: Project, view: str, out_path, epochs: int) -> None:
    """The older name of ``render_view`` (a .png path)."""
    render_view(project, view, out_path, epochs)


def _choose_layer(widget, view: str, layer: str) -> None:
    layers = widget.layers() if hasattr(widget, "layers") else []
    if layer not in layers:
        widget.close()
        if not layers:
            raise NodeplayError(f"The {view} view has no layer to choose; leave out --layer.")
        raise NodeplayError(
            f"There is no layer '{layer}' in the {view} view; choose one of {', '.join(layers)}."
        )
    widget.set_layer(layer)


def _choose_sample_and_method(widget, view: str, dataset, sample, method) -> None:
    if sample is not None:
        if not hasattr(widget, "set_selected_sample"):
            widget.close()
            raise NodeplayError(f"The {view} view shows no single sample; leave out --sample.")
        n = len(dataset.x_test)
        if not 0 <= sample < n:
            widget.close()
            raise NodeplayError(f"There is no test sample {sample}; choose one from 0 to {n - 1}.")
        widget.set_selected_sample(sample)
    if method is not None:
        if not hasattr(widget, "set_method"):
            widget.close()
            raise NodeplayError(f"The {view} view has no method to choose; leave out --method.")
        try:
            widget.set_method(method)
        except NodeplayError:
            widget.close()
            raise


def _answer_at_once(widget, session) -> list[str]:
    """Answer what the view asks (``asked``) on this thread, as the worker would; the
    list fills with a sentence for each probe that broke (not a refused argument)."""
    broken: list[str] = []
    asked = getattr(widget, "asked", None)
    if asked is None:
        return broken
    from engine.probes.registry import probe

    def reply(name, args) -> None:
        try:
            value, error = probe(name).run(session, args), None
        except NodeplayError as err:
            value, error = None, str(err)
        except Exception as err:  # noqa: BLE001 - as the runner words it; render then fails
            value, error = None, f"The probe '{name}' failed: {type(err).__name__}: {err}."
            broken.append(error)
        widget.answer(name, value, error)

    asked.connect(reply)
    return broken


def _window_size(window, size: tuple[int, int]) -> tuple[int, int]:
    """At least ``size``, and tall enough that the controls on the left show whole."""
    panel = window.panel.sizeHint().height()
    chrome = window.height() - window.centralWidget().height()
    return size[0], max(size[1], panel + chrome + 40)


def _window_data(window) -> dict:
    """The numbers behind every view in sight, each under its view's name."""
    data = {}
    views = [window.view_area.plane_view(), window.view_area.tab_view(), window.loss_plot]
    for view in views:
        if view is None:
            continue
        for key, value in view.view_data().items():
            data[f"{view.view_name}/{key}"] = value
    return data


def _size_threads(session) -> None:
    """G1 (issue 11): train as ``nodeplay train`` does, on one thread for small models
    (two threads of a busy two-core machine train a DCGAN 15x slower)."""
    if session.device.type != "cpu":
        return
    import torch

    from engine.train.device import cpu_threads

    model = session.model if session.model is not None else session.nets
    torch.set_num_threads(cpu_threads(sum(p.numel() for p in model.parameters()), torch.get_num_threads()))
