"""A training session: model, optimizer and data on one device.

Headless callers use ``train``/``train_epoch`` directly. The GUI runs ``serve`` on a
worker thread and queues commands with ``submit``; the session drains them between
epochs and reports through listeners (see ``engine.train.events``).
"""

from __future__ import annotations

import math
import queue
import time
from collections.abc import Callable

import numpy as np
import torch

from engine.build import build_model
from engine.build.layers import MODE_DEPENDENT
from engine.data import make_dataset
from engine.errors import NodeplayError
from engine.graph import Graph, node_type, validate
from engine.probes.boundary import boundary_values, plane_grid
from engine.probes.neurons import hidden_space, neuron_maps
from engine.probes.thumbnails import thumbnails
from engine.project import Project
from engine.train import commands as cmd
from engine.train import live_edit
from engine.train.device import choose_device
from engine.train.events import Diverged, Failed, Finished, Metrics, Snapshot, StateCaptured, StateChanged
from engine.train.fast_mlp import FastMLP
from engine.train.optim import make_optimizer

THUMBNAIL_INTERVAL = 0.25  # seconds between two sets of node thumbnails (or of predictions)
SAMPLE_PREDICTIONS = 48  # test samples whose predicted class snapshots of image data carry
PROBE_SHARE = 5  # snapshots wait at least this many times what the last one cost
SMALL_NETWORK = 5000  # parameters; snapshots of smaller networks carry their weights


class Session:
    def __init__(self, project: Project, device: str | None = None, *,
                 boundary_size: int = 100, snapshot_interval: float = 1 / 60,
                 fast: bool = True):
        self.project = project
        self.fast = fast  # allow the numpy path for small perceptrons (engine.train.fast_mlp)
        self.dataset = make_dataset(project.data, project.points)
        check = validate(project.graph, self.dataset.spec)
        check.raise_if_invalid()
        sample = int(np.prod(self.dataset.spec.x_shape))
        self.device = choose_device(device or project.train.device, check.total_params, sample)
        self.boundary_size = boundary_size
        self.neuron_size = 0  # per-neuron maps are computed only when a view asks
        self._probe_cost = 0.0  # seconds the last snapshot took to make
        self.hidden_node: str | None = None  # likewise the hidden-space view
        self.thumbnails_on = False  # and the editor's node thumbnails
        self._last_thumbnails = self._last_predictions = -math.inf
        self.snapshot_interval = snapshot_interval
        self.max_epochs_per_second: float | None = None
        # Evaluate in numpy on the fast path: quicker headless, but it never releases
        # the GIL, where torch's kernels do; a GUI process turns it off to stay responsive.
        self.numpy_evaluation = True
        self.playing = False
        self._listeners: list[Callable] = []
        self._commands: queue.Queue = queue.Queue()
        self._to_device()
        self.reset(project.train.seed, weights=project.weights, epoch=project.epoch)

    # -- set-up --------------------------------------------------------------------
    def _to_device(self) -> None:
        d, ds = self.device, self.dataset
        self.x_train = torch.as_tensor(ds.x_train, device=d)
        self.y_train = torch.as_tensor(ds.y_train, device=d)
        self.x_test = torch.as_tensor(ds.x_test, device=d)
        self.y_test = torch.as_tensor(ds.y_test, device=d)
        self._make_grids()

    def _make_grids(self) -> None:
        ds, d = self.dataset, self.device
        self._grid = plane_grid(ds.extent, self.boundary_size, d) if ds.is_2d else None
        self._neuron_grid = (plane_grid(ds.extent, self.neuron_size, d)
                             if ds.is_2d and self.neuron_size else None)

    def reset(self, seed: int | None = None, *, weights: dict | None = None, epoch: int = 0):
        """Fresh weights from ``seed`` (or given ``weights``) and an empty history."""
        if seed is not None:
            self.seed = seed
        t = self.project.train
        self.model = build_model(self.project.graph, self.dataset.spec, self.seed,
                                 seed_global=True).to(self.device)
        if weights is not None:
            self.load_weights(weights)
        self._install(make_optimizer(t.optimizer, self.model.parameters(), t.learning_rate))
        self.generator = torch.Generator().manual_seed(self.seed)
        self.epoch, self.step = epoch, 0
        self.history = Metrics()
        self._pending: list[tuple] = []  # rows not yet published
        self._stop_reported = False
        self._last_publish = -math.inf
        self._rate = 0.0
        self._published_reset = False

    def _install(self, optimizer) -> None:
        """Use ``optimizer`` and everything derived from ``self.model``."""
        self.optimizer = optimizer
        self._penalised = self.model.penalised_weights()
        self._fast = FastMLP.for_session(self) if self.fast else None
        # switching train/eval walks every module: skip it where no layer cares
        self._mode_matters = any(isinstance(m, MODE_DEPENDENT) for m in self.model.modules())

    def set_graph(self, graph: Graph, structural: bool = True) -> set[str]:
        """Train ``graph`` from now on, keeping the epoch and the history.

        Structural: rebuild the model; nodes unchanged in type and non-live parameters
        keep their trained weights (``engine.train.live_edit``); the optimizer keeps its
        settings, and its per-parameter state for those weights. Not structural: only
        live parameters differ, and they apply to the running model in place. Returns
        the ids of the nodes whose weights were kept (every node for a live edit).
        An invalid graph is refused with a sentence; the old one keeps training.
        """
        check = validate(graph, self.dataset.spec)
        err = check.first_error()
        if err is not None:
            raise NodeplayError(f"The edited graph cannot train yet: {err} "
                                "Training goes on with the graph as it was.")
        old_graph, old_model = self.project.graph, self.model
        if not structural:
            if live_edit.only_live_changes(old_graph, graph):
                for node_id, name, value in live_edit.live_changes(old_graph, graph):
                    self.model.set_live(node_id, name, value)
                self.project.graph = graph
                return set(graph.nodes)
            # more than live parameters changed: a rebuild is the only faithful answer
        model = build_model(graph, self.dataset.spec, self.seed).to(self.device)
        carried = live_edit.carry_state(old_model, model,
                                        live_edit.unchanged_nodes(old_graph, graph))
        t, old_opt = self.project.train, self.optimizer
        optimizer = make_optimizer(t.optimizer, model.parameters(), old_opt.param_groups[0]["lr"])
        live_edit.carry_optimizer_state(old_opt, optimizer, old_model, model, carried)
        self.project.graph, self.model = graph, model
        self._install(optimizer)
        return carried

    def load_weights(self, weights: dict[str, np.ndarray]) -> None:
        own = self.model.state_dict()
        if set(weights) != set(own) or any(tuple(weights[k].shape) != tuple(own[k].shape)
                                           for k in own):
            raise NodeplayError("The saved weights do not fit this graph; "
                                "reset the weights or undo the change to the graph.")
        self.model.load_state_dict({k: torch.as_tensor(v) for k, v in weights.items()})

    def set_weight(self, key: str, index: tuple[int, ...], value: float) -> None:
        state = self.model.state_dict()
        if key not in state:
            raise NodeplayError(f"The network has no weight '{key}'.")
        with torch.no_grad():
            state[key][tuple(index)] = float(value)  # state tensors share the parameters' memory

    def set_param(self, node_id: str, name: str, value: float) -> None:
        """Change a live parameter of the project's graph and of the running model."""
        graph = self.project.graph
        node = graph.node(node_id)
        param = next((p for p in node_type(node.type).params if p.name == name), None)
        if param is None or not param.live:
            raise NodeplayError(f"{node.title}'s '{name}' cannot change while the network is "
                                "built; change it in the graph and press Reset.")
        graph.set_params(node_id, **{name: value})  # checks the value; the graph stays valid
        self.model.set_live(node_id, name, graph.nodes[node_id].params[name])

    def weights(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    # -- training ------------------------------------------------------------------
    def _penalty(self) -> torch.Tensor | None:
        t = self.project.train
        if t.regularization == "none" or t.reg_rate == 0:
            return None
        if t.regularization == "l1":
            return t.reg_rate * sum(w.abs().sum() for w in self._penalised)
        return t.reg_rate * 0.5 * sum((w * w).sum() for w in self._penalised)

    def train_epoch(self, max_steps: int | None = None) -> dict[str, float]:
        """One pass over the training data in shuffled mini-batches, then metrics.

        With ``max_steps`` the pass may end early; only whole passes count as epochs.
        """
        model, opt = self.model, self.optimizer
        x, y = self.x_train, self.y_train
        n, bs = len(x), min(self.project.train.batch_size, len(x))
        order = torch.randperm(n, generator=self.generator).to(self.device)
        t = self.project.train
        if self._fast is not None:
            done = self._fast.train_epoch(
                order.numpy(), bs, opt.param_groups[0]["lr"], model.main.weight,
                0.9 if t.optimizer == "momentum" else 0.0, t.regularization, t.reg_rate, max_steps)
            return self._finish_epoch(done, bs, n, max_steps)
        regularized = t.regularization != "none"
        model.train()
        done = 0
        for start in range(0, n, bs):
            if max_steps is not None and done >= max_steps:
                break
            idx = order[start:start + bs]
            loss, _ = model.loss(x[idx], y[idx])
            if regularized and (pen := self._penalty()) is not None:
                loss = loss + pen
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            done += 1
        return self._finish_epoch(done, bs, n, max_steps)

    def _finish_epoch(self, done: int, bs: int, n: int, max_steps: int | None) -> dict:
        self.step += done
        if max_steps is None or done * bs >= n:
            self.epoch += 1
        return self._record()

    @torch.inference_mode()
    def evaluate(self) -> dict[str, float]:
        if self._fast is not None and self.numpy_evaluation:
            return self._fast.evaluate(self.model.main.weight)
        model = self.model
        if self._mode_matters:
            model.eval()
        rows = []
        for x, y in ((self.x_train, self.y_train), (self.x_test, self.y_test)):
            loss, pred = model.loss(x, y)
            rows.append(loss)
            rows.append(self._accuracy(pred, y))
        if self._mode_matters:
            model.train()
        tl, ta, vl, va = torch.stack(rows).tolist()  # one device sync
        return {"train_loss": tl, "test_loss": vl, "train_acc": ta, "test_acc": va}

    def _accuracy(self, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        kind = self.model.main.loss
        if not self.model.main.on_data:  # e.g. an autoencoder's reconstruction: no classes
            return torch.tensor(float("nan"), device=pred.device)
        if kind == "bce":
            return ((pred[:, 0] > 0).long() == y).float().mean()
        if kind == "cross_entropy":
            return (pred.argmax(1) == y).float().mean()
        return torch.tensor(float("nan"), device=pred.device)

    def _record(self) -> dict[str, float]:
        m = self.evaluate()
        self._pending.append((self.epoch, m["train_loss"], m["test_loss"], m["train_acc"],
                              m["test_acc"]))
        return m

    def _flush_history(self) -> Metrics:
        """Move pending rows into the history; returns just those rows."""
        if not self._pending:
            return Metrics()
        cols = list(zip(*self._pending))
        new = Metrics(np.array(cols[0], np.int64), *(np.array(c, np.float64) for c in cols[1:]))
        self._pending = []
        self.history = self.history.then(new)
        return new

    def stop_reason(self, m: dict[str, float]) -> str | None:
        t = self.project.train
        if t.stop_epochs is not None and self.epoch >= t.stop_epochs:
            return f"Reached {t.stop_epochs} epochs"
        if t.stop_loss is not None and m.get("train_loss", math.inf) <= t.stop_loss:
            return f"Training loss reached {t.stop_loss:g} at epoch {self.epoch}"
        return None

    def divergence(self, m: dict[str, float]) -> str | None:
        if math.isfinite(m["train_loss"]):
            return None
        what = "NaN" if math.isnan(m["train_loss"]) else "infinite"
        return (f"Loss became {what} at epoch {self.epoch}: the learning rate "
                f"{self.optimizer.param_groups[0]['lr']:g} is too high for this network; "
                "lower it and press Reset.")

    def train(self, epochs: int | None = None, steps: int | None = None) -> dict:
        """Train headless until ``epochs``, ``steps`` or the project's stop condition."""
        t = self.project.train
        if epochs is None and steps is None and t.stop_epochs is None and t.stop_loss is None:
            raise NodeplayError("This project has no stop condition; pass --epochs or --steps.")
        start, t0, step0 = self.epoch, time.perf_counter(), self.step
        m, reason = self.evaluate(), None
        while True:
            if epochs is not None and self.epoch - start >= epochs:
                reason = f"{epochs} epochs"
                break
            if steps is not None and self.step - step0 >= steps:
                reason = f"{steps} steps"
                break
            left = None if steps is None else steps - (self.step - step0)
            m = self.train_epoch(left)
            if (bad := self.divergence(m)) is not None:
                raise NodeplayError(bad)
            if epochs is None and steps is None and (reason := self.stop_reason(m)):
                break
        self._flush_history()
        return {"epoch": self.epoch, "steps": self.step, **m, "stopped_by": reason,
                "device": str(self.device), "seconds": round(time.perf_counter() - t0, 3)}

    # -- reporting -----------------------------------------------------------------
    def subscribe(self, listener: Callable) -> None:
        self._listeners.append(listener)

    def _emit(self, event) -> None:
        for listener in self._listeners:
            listener(event)

    def boundary(self) -> np.ndarray | None:
        if self._grid is None:
            return None
        return boundary_values(self.model, self._grid, self.boundary_size)

    @torch.inference_mode()
    def sample_predictions(self) -> np.ndarray | None:
        """The main head's class for the first SAMPLE_PREDICTIONS test samples, for
        classifiers of data off the plane (the window shows them under the images)."""
        main = self.model.main
        if self.dataset.is_2d or not self.dataset.classes or not main.on_data \
                or main.loss not in ("bce", "cross_entropy"):
            return None
        if self._mode_matters:
            self.model.eval()
        pred = self.model(self.x_test[:SAMPLE_PREDICTIONS])
        if self._mode_matters:
            self.model.train()
        classes = (pred[:, 0] > 0).long() if main.loss == "bce" else pred.argmax(1)
        return classes.cpu().numpy()

    def publish(self, force: bool = False) -> None:
        """Emit a Snapshot, at most once per ``snapshot_interval`` unless forced.

        Probes of a big network can cost more than its training; the interval then
        stretches so that they take at most ``1 / PROBE_SHARE`` of the worker's time.
        """
        now = time.perf_counter()
        interval = max(self.snapshot_interval, PROBE_SHARE * self._probe_cost)
        if not force and now - self._last_publish < interval:
            return
        self._last_publish = now
        neurons = (neuron_maps(self.model, self._neuron_grid, self.neuron_size)
                   if self._neuron_grid is not None else None)
        hidden = None
        if (self.hidden_node is not None and self.dataset.is_2d  # it warps the input plane
                and f"{self.hidden_node}.out" in {o for _, o, _ in self.model.steps}):
            hidden = hidden_space(self.model, self.hidden_node, self.dataset.x_train, self.dataset.extent)
        thumbs = None
        if self.thumbnails_on and (force or now - self._last_thumbnails >= THUMBNAIL_INTERVAL):
            thumbs = thumbnails(self.model, self.dataset, device=self.device)
            self._last_thumbnails = now
        preds = None
        if force or now - self._last_predictions >= THUMBNAIL_INTERVAL:
            preds = self.sample_predictions()
            self._last_predictions = now
        small = sum(p.numel() for p in self.model.parameters()) <= SMALL_NETWORK
        self._emit(Snapshot(self.epoch, self.step, self.playing, self._flush_history(),
                            self.boundary(), self.dataset.extent, self._rate,
                            reset=not self._published_reset, neurons=neurons,
                            weights=self.weights() if small else None, hidden=hidden,
                            thumbnails=thumbs, predictions=preds))
        self._published_reset = True
        self._probe_cost = time.perf_counter() - now

    # -- worker loop ---------------------------------------------------------------
    def submit(self, command) -> None:
        """Queue a command; safe from any thread."""
        self._commands.put(command)

    def _set_playing(self, playing: bool) -> None:
        if playing != self.playing:
            self.playing = playing
            self._emit(StateChanged(playing))

    def _apply(self, c) -> bool:
        """Apply one command; False means shut down."""
        if isinstance(c, cmd.Shutdown):
            return False
        if isinstance(c, cmd.Play):
            self._set_playing(True)
        elif isinstance(c, cmd.Pause):
            self._set_playing(False)
            self.publish(force=True)
        elif isinstance(c, cmd.Step):
            self._set_playing(False)
            for _ in range(c.epochs):
                if not self._advance():
                    break
            self.publish(force=True)
        elif isinstance(c, cmd.Reset):
            self.reset(c.seed)
            self.publish(force=True)
        elif isinstance(c, cmd.SetLearningRate):
            self.project.train.learning_rate = c.value
            for group in self.optimizer.param_groups:
                group["lr"] = c.value
        elif isinstance(c, cmd.SetSpeed):
            self.max_epochs_per_second = c.epochs_per_second
        elif isinstance(c, cmd.SetProbes):
            self.boundary_size, self.neuron_size = c.boundary_size, c.neuron_size
            self.hidden_node = c.hidden_node
            self.thumbnails_on = c.thumbnails
            self._last_thumbnails = -math.inf
            self._make_grids()
            self.publish(force=True)
        elif isinstance(c, cmd.SetWeight):
            self.set_weight(c.key, c.index, c.value)
            self.publish(force=True)
        elif isinstance(c, cmd.SetParam):
            self.set_param(c.node_id, c.name, c.value)
        elif isinstance(c, cmd.SetGraph):
            self.set_graph(c.graph, c.structural)
            self.publish(force=True)
        elif isinstance(c, cmd.SetStop):
            self.project.train.stop_epochs, self.project.train.stop_loss = c.epochs, c.loss
            self._stop_reported = False
        elif isinstance(c, cmd.Capture):
            self._emit(StateCaptured(self.epoch, self.weights()))
        return True

    def _advance(self) -> bool:
        """Train one epoch; pause and report when it diverges or reaches the stop."""
        m = self.train_epoch()
        if (bad := self.divergence(m)) is not None:
            self._set_playing(False)
            self.publish(force=True)
            self._emit(Diverged(self.epoch, bad))
            return False
        if not self._stop_reported and (reason := self.stop_reason(m)):
            self._stop_reported = True
            self._set_playing(False)
            self.publish(force=True)
            self._emit(Finished(self.epoch, reason + "; press Play to go on."))
            return False
        return True

    def serve(self) -> None:
        """Run until Shutdown: train while playing, sleep on the queue while paused."""
        self.publish(force=True)
        window_start, window_epochs = time.perf_counter(), 0
        try:
            while True:
                try:
                    c = self._commands.get(block=not self.playing, timeout=None)
                    while c is not None:
                        try:
                            if not self._apply(c):
                                return
                        except NodeplayError as err:  # a bad command, not a broken session
                            self._emit(Failed(str(err), stopped=False))
                        c = self._commands.get_nowait()
                except queue.Empty:
                    pass
                if not self.playing:
                    continue
                self._advance()
                window_epochs += 1
                now = time.perf_counter()
                if now - window_start >= 0.5:
                    self._rate = window_epochs / (now - window_start)
                    window_start, window_epochs = now, 0
                if self.max_epochs_per_second:
                    time.sleep(max(0.0, 1 / self.max_epochs_per_second - (time.perf_counter() - now)))
                self.publish()
        except Exception as err:  # report, never die silently on the worker
            self.playing = False
            self._emit(Failed(f"Training stopped: {type(err).__name__}: {err}"))
            raise
