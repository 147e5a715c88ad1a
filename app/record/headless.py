"""``nodeplay record``: train headless and keep K frames of one view, spread evenly
over N epochs (by optimizer steps, so that frames never bunch where training is fast),
then write them as a GIF or an MP4 at a fixed frame rate."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable

from engine.errors import NodeplayError
from engine.project import Project


def frame_steps(epochs: int, frames: int, steps_per_epoch: int) -> list[int]:
    """The training step (from the start) at which each of ``frames`` frames is taken:
    the first before training, the last after ``epochs`` epochs, the rest evenly between."""
    if frames < 2:
        raise NodeplayError("A recording needs at least 2 frames (the start and the end); ask for more.")
    total = epochs * steps_per_epoch
    return [round(i * total / (frames - 1)) for i in range(frames)]


def record_run(
    project: Project,
    view: str,
    out_path,
    epochs: int,
    frames: int,
    fps: float = 10.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Record ``view`` over ``epochs`` epochs as ``frames`` frames to ``out_path``
    (.gif/.mp4); ``progress(phase, done, total)`` with phase "train" then "write".
    Returns the frames written."""
    from app.views.registry import WINDOW, all_views, project_kinds
    from engine.export.animation import check_path, write_frames
    from engine.train.factory import make_trainer

    check_path(out_path)
    tell = progress or (lambda _p, _d, _t: None)
    session = make_trainer(project)
    kinds = project_kinds(session.dataset, project.graph)
    spec = {s.name: s for s in all_views()}.get(view)
    if spec is None or not spec.applies_to(kinds):
        fits = ", ".join(s.name for s in all_views() if s.applies_to(kinds))
        raise NodeplayError(f"The view '{view}' does not draw this project; record one of {fits}.")
    per_epoch = steps_per_epoch(session)
    at = frame_steps(epochs, frames, per_epoch)
    if hasattr(session, "_fast") and frames - 1 > epochs:
        # frames inside an epoch: the autograd path calls back after every mini-batch
        # (the numpy path only after each chunk, the compiled kernel not at all)
        session.fast, session._fast = False, None

    app = _application()
    from PySide6.QtCore import Qt

    from app.shell.recording import grab_frame

    if spec.place == WINDOW:
        from app.shell.main_window import MainWindow

        widget = MainWindow(project, session=session, serve=False)
        subs = widget.view_area.subscriptions
    else:
        widget = spec.factory()
        note = widget.note_for(project, session.dataset) if hasattr(widget, "note_for") else None
        if not note:
            widget.set_project(project, session.dataset)
            note = widget.note_for(project, session.dataset) if hasattr(widget, "note_for") else None
        if note:
            widget.close()
            raise NodeplayError(note)
        subs = widget.subscriptions
    kept = []
    try:
        widget.resize(*spec.size)
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.show()
        app.processEvents()
        due = iter(enumerate(at))
        nxt = [next(due, None)]

        def take(step: int) -> None:  # every frame due by ``step``
            while nxt[0] is not None and nxt[0][1] <= step:
                _draw(widget, session, subs(), app)
                kept.append(grab_frame(widget))
                tell("train", nxt[0][0] + 1, len(at))
                nxt[0] = next(due, None)

        take(0)
        for epoch in range(epochs):
            base, batches = epoch * per_epoch, [0]

            def between(base=base, batches=batches) -> None:
                batches[0] += 1
                take(base + batches[0])

            m = session.train_epoch(between=between)
            if not all(map(math.isfinite, (m.get("train_loss", 0.0),))):
                raise NodeplayError(
                    f"The training loss became {m['train_loss']} in epoch {epoch + 1}; "
                    "lower the learning rate and record again."
                )
            take(base + per_epoch)
    finally:
        widget.close()
        widget.deleteLater()
        app.processEvents()
    return write_frames(kept, out_path, fps, len(kept), lambda d, t: tell("write", d, t))


def steps_per_epoch(session) -> int:
    """The mini-batches (a GAN: iterations) in one epoch of ``session``."""
    if hasattr(session, "real"):  # engine.train.adversarial
        return max(1, len(session.real) // (session._batch_size() * session.settings["d_steps"]))
    n = len(session.dataset.x_train)
    return math.ceil(n / max(1, min(session.project.train.batch_size, n)))


def _draw(widget, session, subs: dict, app) -> None:
    """Show ``widget`` the session as it is now, as ``nodeplay render`` does."""
    from engine.train import commands as cmd
    from engine.train.events import Failed, Snapshot

    if hasattr(session, "take_rows"):
        session.take_rows()  # the epochs trained so far, into the history the views draw
    seen = _events(session)
    seen.clear()
    session._apply(cmd.Subscribe(subs))  # a snapshot with them follows at once
    failed = [e for e in seen if isinstance(e, Failed)]
    if failed:
        raise NodeplayError(failed[0].message)
    last = [e for e in seen if isinstance(e, Snapshot)][-1]
    widget.show_snapshot(
        Snapshot(
            last.epoch, last.step, False, session.history, extent=last.extent, reset=True, probes=last.probes
        )
    )
    flush = getattr(getattr(widget, "loss_plot", widget), "flush", None)  # throttled rows
    for _ in range(2):
        if flush is not None:
            flush()
        app.processEvents()


def _events(session) -> list:
    """The list the session's events go to (subscribed once: listeners cannot leave)."""
    seen = getattr(session, "_recorded_events", None)
    if seen is None:
        seen = session._recorded_events = []
        session.subscribe(seen.append)
    return seen


def _application():
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])
