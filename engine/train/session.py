"""A training session: model, optimizer and data on one device.

The supervised trainer (``engine.train.trainer.Trainer``). Headless callers use
``train``/``train_epoch`` directly. The GUI runs ``serve`` on a worker thread and
queues commands with ``submit``: both belong to the session's
``engine.train.runner.Runner``, which drains them between epochs and reports
through listeners (see ``engine.train.events``).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from engine.budget import check_fits
from engine.builder import build_model
from engine.builder.layers import MODE_DEPENDENT
from engine.data import make_dataset
from engine.errors import NodeplayError
from engine.graph import Graph, node_type, validate
from engine.probes.builtin import boundary as boundary_probe
from engine.project import Project
from engine.train import commands as cmd
from engine.train import compile_warmup, live_edit
from engine.train.compiled_mlp import CompiledMLP
from engine.train.device import apply_thread_policy, choose_device
from engine.train.device_move import move_session
from engine.train.divergence import Watch, diagnose
from engine.train.epoch_loop import EpochLoop
from engine.train.epoch_metrics import from_batches
from engine.train.events import Metrics
from engine.train.fast_mlp import FAST_CHUNK, FastMLP  # noqa: F401 - FAST_CHUNK: tests
from engine.train.headless import run_until
from engine.train.optim import make_optimizer
from engine.train.runner import PROBE_SHARE, Runner  # noqa: F401 - PROBE_SHARE: older imports
from engine.train.served import Served

SAMPLE_PREDICTIONS = 48  # test samples whose predicted class snapshots of image data carry


class Session(EpochLoop, Served):
    def __init__(
        self,
        project: Project,
        device: str | None = None,
        *,
        boundary_size: int = 100,
        snapshot_interval: float = 1 / 60,
        fast: bool = True,
    ):
        self.fast = fast  # allow the numpy path for small perceptrons (engine.train.fast_mlp)
        self.boundary_size = boundary_size  # of ``boundary()``, and of snapshots at first
        # Evaluate in numpy on the fast path: quicker headless, but it never releases
        # the GIL, where torch's kernels do; a GUI process turns it off to stay responsive.
        self.numpy_evaluation = True
        self.generation = 0
        self.thread_policy: str | None = None  # "gui" or "cli": size torch's threads per project
        self._load(project, device)
        subs = cmd.probe_subscriptions(boundary_size)
        self.runner = Runner(self, snapshot_interval=snapshot_interval, subscriptions=subs)

    def _load(self, project: Project, device: str | None) -> None:
        dataset = make_dataset(project.data, project.points)
        check = validate(project.graph, dataset.spec)
        check.raise_if_invalid()
        sample = int(np.prod(dataset.spec.x_shape))
        self.project, self.dataset = project, dataset
        self.batch_metrics = from_batches(dataset)  # train figures from the epoch's batches
        self.device = choose_device(
            device or project.train.device, check.total_params, sample, fallback=device is None
        )
        check_fits(project, dataset, self.device)  # refused with a sentence before building
        self._to_device()
        self.reset(project.train.seed, weights=project.weights, epoch=project.epoch)
        if self.thread_policy is not None:  # on the thread that trains (issue #13)
            apply_thread_policy(self, gui=self.thread_policy == "gui")

    def set_project(self, project: Project) -> None:
        """Train ``project`` from now on (new data, settings and graph; its own weights
        if it carries some, else fresh ones); the history starts again. A project that
        cannot train is refused with a sentence and the old one stays."""
        old = self.__dict__.copy()
        try:
            self._load(project, None)
        except Exception:
            self.__dict__.update(old)
            raise

    # -- set-up --------------------------------------------------------------------
    def _to_device(self) -> None:
        d, ds = self.device, self.dataset
        self.x_train = torch.as_tensor(ds.x_train, device=d)
        self.y_train = torch.as_tensor(ds.y_train, device=d)
        self.x_test = torch.as_tensor(ds.x_test, device=d)
        self.y_test = torch.as_tensor(ds.y_test, device=d)

    def reset(self, seed: int | None = None, *, weights: dict | None = None, epoch: int = 0):
        """Fresh weights from ``seed`` (or given ``weights``) and an empty history."""
        if seed is not None:
            self.seed = seed
        t = self.project.train
        self.model = build_model(self.project.graph, self.dataset.spec, self.seed, seed_global=True).to(
            self.device
        )
        if weights is not None:
            self.load_weights(weights)
        self.watch = Watch.begin(self, weights)  # what divergence is measured against
        fused = self.batch_metrics  # S-CNN: images take torch's fused step
        self._install(make_optimizer(t.optimizer, self.model.parameters(), t.learning_rate, fused))
        self.generator = torch.Generator().manual_seed(self.seed)
        self.epoch, self.step = epoch, 0
        self.history = Metrics()
        self._pending: list[tuple] = []  # rows not yet published
        self.generation += 1

    def _install(self, optimizer) -> None:
        """Use ``optimizer`` and everything derived from ``self.model``."""
        self.optimizer = optimizer
        self._penalised = self.model.penalised_weights()
        self._fast = self._fast_path() if self.fast else None
        # switching train/eval walks every module: skip it where no layer cares
        self._mode_matters = any(isinstance(m, MODE_DEPENDENT) for m in self.model.modules())

    def _fast_path(self) -> CompiledMLP | FastMLP | None:
        """The compiled kernel once it is ready, else the numpy path, else None (autograd)."""
        # until the kernel is ready, look again at every epoch (``_take_compiled``)
        self._awaiting_kernel = not compile_warmup.state.ready
        if not self._awaiting_kernel and (compiled := CompiledMLP.for_session(self)) is not None:
            return compiled
        return FastMLP.for_session(self)

    def _take_compiled(self) -> None:
        """Move to the compiled kernel that just became ready (optimizer state kept)."""
        self._awaiting_kernel = False
        self._fast = CompiledMLP.take_over(self) or self._fast

    @property
    def training_path(self) -> str:
        """ "compiled kernel", "numpy", "numpy, compiling…" or "torch" (the status bar's)."""
        return compile_warmup.path_name(self._fast)

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
            raise NodeplayError(
                f"The edited graph cannot train yet: {err} Training goes on with the graph as it was."
            )
        old_graph, old_model = self.project.graph, self.model
        if isinstance(self._fast, CompiledMLP):  # its optimizer state, for the carry below
            self._fast.export_state(self.optimizer)
        if not structural:
            if live_edit.only_live_changes(old_graph, graph):
                for node_id, name, value in live_edit.live_changes(old_graph, graph):
                    self.model.set_live(node_id, name, value)
                self.project.graph = graph
                return set(graph.nodes)
            # more than live parameters changed: a rebuild is the only faithful answer
        model = build_model(graph, self.dataset.spec, self.seed).to(self.device)
        carried = live_edit.carry_state(old_model, model, live_edit.unchanged_nodes(old_graph, graph))
        t, old_opt = self.project.train, self.optimizer
        optimizer = make_optimizer(
            t.optimizer, model.parameters(), old_opt.param_groups[0]["lr"], self.batch_metrics
        )
        live_edit.carry_optimizer_state(old_opt, optimizer, old_model, model, carried)
        self.project.graph, self.model = graph, model
        self._install(optimizer)
        return carried

    def load_weights(self, weights: dict[str, np.ndarray]) -> None:
        own = self.model.state_dict()
        if set(weights) != set(own) or any(tuple(weights[k].shape) != tuple(own[k].shape) for k in own):
            raise NodeplayError(
                "The saved weights do not fit this graph; reset the weights or undo the change to the graph."
            )
        self.model.load_state_dict({k: torch.as_tensor(v) for k, v in weights.items()})

    def set_weight(self, key: str, index: tuple[int, ...], value: float) -> None:
        state = self.model.state_dict()
        if key not in state:
            raise NodeplayError(f"The network has no weight '{key}'.")
        with torch.no_grad():
            state[key][tuple(index)] = float(value)  # state tensors share the parameters' memory
        self.watch.edits.append((key, tuple(index), float(value)))

    def set_param(self, node_id: str, name: str, value: float) -> None:
        """Change a live parameter of the project's graph and of the running model."""
        graph = self.project.graph
        node = graph.node(node_id)
        param = next((p for p in node_type(node.type).params if p.name == name), None)
        if param is None or not param.live:
            raise NodeplayError(
                f"{node.title}'s '{name}' cannot change while the network is "
                "built; change it in the graph and press Reset."
            )
        graph.set_params(node_id, **{name: value})  # checks the value; the graph stays valid
        self.model.set_live(node_id, name, graph.nodes[node_id].params[name])

    def weights(self) -> dict[str, np.ndarray]:
        return {k: v.detach().cpu().numpy().copy() for k, v in self.model.state_dict().items()}

    def move_to(self, device: str) -> torch.device:
        """Train on ``device`` ("auto", "cpu", "cuda") from now on, keeping the weights,
        the optimizer state, the epoch and the curves (engine.train.device_move)."""
        return move_session(self, device)

    # -- the epoch's end: stop, divergence; headless training -------------------------

    def stop_reason(self, m: dict[str, float]) -> str | None:
        t = self.project.train
        if t.stop_epochs is not None and self.epoch >= t.stop_epochs:
            return f"Reached {t.stop_epochs} epochs"
        if t.stop_loss is not None and m.get("train_loss", math.inf) <= t.stop_loss:
            return f"Training loss reached {t.stop_loss:g} at epoch {self.epoch}"
        return None

    def divergence(self, m: dict[str, float]) -> str | None:
        return diagnose(self, m)  # engine.train.divergence: explosions and chance too

    def train(self, epochs: int | None = None, steps: int | None = None) -> dict:
        """Train headless until ``epochs``, ``steps`` or the project's stop condition."""
        t = self.project.train
        if epochs is None and steps is None and t.stop_epochs is None and t.stop_loss is None:
            raise NodeplayError("This project has no stop condition; pass --epochs or --steps.")
        return run_until(
            self,
            epochs,
            steps,
            first=self.evaluate,
            diverged=lambda m: diagnose(self, m, window=False),
            finish=self._flush_history,
        )

    def boundary(self) -> np.ndarray | None:
        if not self.dataset.is_2d:
            return None
        return boundary_probe(self, {"size": self.boundary_size})

    @torch.inference_mode()
    def sample_predictions(self) -> np.ndarray | None:
        """The main head's class for the first SAMPLE_PREDICTIONS test samples, for
        classifiers of data off the plane (the window shows them under the images)."""
        main = self.model.main
        if (
            self.dataset.is_2d
            or not self.dataset.classes
            or not main.on_data
            or main.loss not in ("bce", "cross_entropy")
        ):
            return None
        if self._mode_matters:
            self.model.eval()
        pred = self.model(self.x_test[:SAMPLE_PREDICTIONS])
        if self._mode_matters:
            self.model.train()
        classes = (pred[:, 0] > 0).long() if main.loss == "bce" else pred.argmax(1)
        return classes.cpu().numpy()

    # -- commands the runner hands on ------------------------------------------------
    def apply(self, c) -> bool | None:
        """A command for this trainer (``Trainer.apply``)."""
        if isinstance(c, cmd.SetLearningRate):
            self.project.train.learning_rate = c.value
            for group in self.optimizer.param_groups:
                group["lr"] = c.value
            return False
        if isinstance(c, cmd.SetWeight):
            self.set_weight(c.key, c.index, c.value)
            return True
        if isinstance(c, cmd.SetParam):
            self.set_param(c.node_id, c.name, c.value)
            return False
        if isinstance(c, cmd.SetGraph):
            self.set_graph(c.graph, c.structural)
            return True
        if isinstance(c, cmd.SetStop):
            self.project.train.stop_epochs, self.project.train.stop_loss = c.epochs, c.loss
            return False
        if isinstance(c, cmd.SetProject):
            self.set_project(c.project)
            return True
        return None
