"""File › Save for a large project, off the GUI thread (issue #14).

Serializing 100,000 points takes ~110 ms and writing them another few ms with the
fsync: more than a frame. A project of over ``BACKGROUND_POINTS`` points is therefore
written on a pool thread from a copy taken when Save was pressed; the status bar says
"Saving…" meanwhile. Edits made while it writes stay unsaved (the file holds the work
as it was when Save was pressed), and a second Save waits for the first, so that an
older copy never lands over a newer one. Smaller projects save at once, as before.
"""

from __future__ import annotations

from pathlib import Path

from app.bridge import background
from app.document import BACKGROUND_POINTS
from engine.project import save_project


def is_large(project) -> bool:
    points = len(project.points[1]) if project.points is not None else 0
    return points > BACKGROUND_POINTS


class BackgroundSave:
    """One window's saves that run off the GUI thread, one at a time."""

    def __init__(self, window) -> None:
        self.window = window
        self.job: int | None = None
        self.queued: tuple | None = None  # (path, epoch, weights, then) after the running one
        self.idle: list = []  # what waits for every save to be written (a close)

    @property
    def busy(self) -> bool:
        return self.job is not None and background.pending(self.job)

    def when_idle(self, call) -> None:
        self.idle.append(call)

    def save(self, path: Path, epoch: int, weights, then=None) -> None:
        if self.busy:
            self.queued = (path, epoch, weights, then)
            return
        w = self.window
        project, revision = w.document.save_work(epoch, weights)
        w.statusBar().showMessage(f"Saving {path}…")

        def written(_result, error) -> None:
            self.job = None
            if error is None:
                w.document.written(path, epoch, revision)
                w.statusBar().showMessage(f"Saved {path}", 5000)
                w.saved.emit(str(path))
                if then is not None:
                    then()
            elif isinstance(error, (OSError, ValueError)):
                w.statusBar().clearMessage()
                w.show_error(
                    f"The project could not be saved to {path} ({getattr(error, 'strerror', None) or error})."
                )
            else:
                raise error  # a bug: the app's handler reports it
            if self.queued is not None:
                queued, self.queued = self.queued, None
                self.save(*queued)
            else:
                calls, self.idle = self.idle, []
                for call in calls:
                    call()

        self.job = background.run(w, lambda: save_project(project, path), written)
