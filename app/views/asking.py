"""Views that ask the worker for one value at a time (app.views.area wires ``asked`` to
the bridge and hands the reply to ``answer``).

One request is out at a time: settings changed while it is out are asked for when its
answer comes, with their values of that moment, so a dragged slider never queues a
backlog on the worker. While training runs, snapshots ask again at most every
``REFRESH`` seconds, and never twice for the same epoch and step.

``SampleAskMixin`` adds what the views of one test image of a classifier share
(saliency, adversarial): the selected sample, ← → to step through the samples, the
data's range, and whether the project classifies images at all.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt


class OneAskMixin:
    """Mixed into a view with ``asked`` (a Signal(str, object)), ``status`` (a label),
    ``samples`` (how many test samples there are) and ``_draw()``; it defines
    ``ASK_PROBE``, ``REFRESH`` and ``_ask_args()``."""

    ASK_PROBE = ""
    REFRESH = 0.25  # seconds between two asks while training

    def _forget_asks(self) -> None:
        """A new project: nothing is out, nothing answered yet."""
        self.value = None
        self._waiting = self._again = False  # a request is out / settings changed meanwhile
        self._last_ask = 0.0
        self._seen = None  # (epoch, step) of the last snapshot asked for

    def _ask_args(self) -> dict:
        raise NotImplementedError

    def request(self) -> None:
        """Ask for the value of the current settings: now, or when the answer out comes."""
        if not self.samples:
            return
        if self._waiting:
            self._again = True
            return
        self._waiting, self._last_ask = True, time.perf_counter()
        self.asked.emit(self.ASK_PROBE, self._ask_args())

    def answer(self, probe: str, value, error) -> None:
        if probe != self.ASK_PROBE:
            return
        self._waiting = False
        if error:
            self.status.setText(error)
        elif value is not None:
            self.value = value
            self.answers += 1
            self._draw()
        if self._again:
            self._again = False
            self.request()

    def _ask_after(self, snapshot) -> None:
        """Ask again for a new state: at once when paused or reset, else at most every REFRESH."""
        now, seen = time.perf_counter(), (snapshot.epoch, snapshot.step)
        if seen == self._seen and not snapshot.reset:
            return
        if snapshot.reset or not snapshot.playing or now - self._last_ask >= self.REFRESH:
            self._seen = seen
            self.request()


def classifies_images(project, dataset) -> bool:
    """Whether ``project`` classifies images: test data (N, C, H, W) and a cross-entropy head."""
    x = getattr(dataset, "x_test", None)
    heads = [n for n in project.graph.nodes.values() if n.type == "Output"]
    return x is not None and x.ndim == 4 and any(h.params.get("loss") == "cross_entropy" for h in heads)


class SampleAskMixin(OneAskMixin):
    """A OneAskMixin view of test image ``sample`` of ``samples``, with ``sampleSelected``
    (a Signal(int)): another sample is asked for at once; Left and Right step through them
    (the view takes the focus)."""

    sample = samples = 0
    _range = (0.0, 1.0)  # the training data's minimum and maximum, for drawing images

    def _take_dataset(self, dataset) -> None:
        """A new project: its test samples and the data's range; nothing asked yet."""
        self.samples = len(dataset.x_test)
        self._range = (float(dataset.x_train.min()), float(dataset.x_train.max()))
        self.sample = min(self.sample, max(self.samples - 1, 0))
        self._forget_asks()

    def set_selected_sample(self, index: int) -> None:
        if index != self.sample:
            self.sample = int(index)
            self.request()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1}.get(event.key())
        if step is None or not self.samples:
            super().keyPressEvent(event)
            return
        self.set_selected_sample((self.sample + step) % self.samples)
        self.sampleSelected.emit(self.sample)
