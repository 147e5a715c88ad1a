"""Compare mode: several variants of one network trained at once on the same data.

Each variant may change the learning rate, the activation (of every Activation
node), the seed, the weight initializer, the regularization rate or the optimizer
(sgd or momentum). The K variants are built with the ordinary builder, so that each
starts from exactly the weights ``build_model`` gives for its seed and initializer,
and their parameters are then stacked along a leading variant axis:

* a Dense layer becomes ``torch.baddbmm(b, h, W)`` with ``W`` of shape (K, in, out)
  and ``b`` of shape (K, 1, out), ``h`` of shape (K, batch, in);
* an Activation applies every distinct function among the variants to the whole
  batched tensor and picks each variant's own with a (K, 1, 1) mask (``torch.where``);
  with one function among the variants it is applied directly;
* the loss is the sum of the variants' losses, so one backward pass gives every
  variant its own gradient (the variants never mix: each lane only reads itself);
* SGD and momentum update all stacked parameters with per-variant learning rates
  and momentum factors, (K, 1, 1) tensors, in a few ``torch._foreach_*`` calls.

So a training step is one computation however many variants there are. On the
CPU the same batched step runs in numpy (``_FastBatch``, the batched sibling of
``engine.train.fast_mlp``), on arrays that share memory with the stacked torch
parameters; the torch path serves CUDA, GELU and ``fast=False``. All
variants see the same mini-batches: one shuffle per epoch from the project's train
seed, as ``engine.train.session.Session`` draws it. A variant whose loss becomes NaN
or infinite is frozen: its weights are kept as they were, its metrics read NaN from
then on, and ``diverged`` holds a message for it; the others go on.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from engine.build import build_model
from engine.build.layers import ACTIVATION_MODULES, FeatureMap
from engine.data import make_dataset
from engine.errors import NodeplayError
from engine.graph import validate
from engine.graph.catalogue import ACTIVATIONS, INITS
from engine.probes.boundary import plane_grid
from engine.project import Project
from engine.train.device import choose_device
from engine.train.events import METRIC_NAMES, Metrics
from engine.train.fast_mlp import _act, _act_grad, _sigmoid
from engine.train.metrics import accuracy

VARIANT_KEYS = ("learning_rate", "activation", "seed", "init", "reg_rate", "optimizer", "label")
OPTIMIZERS = {"sgd": 0.0, "momentum": 0.9}  # name -> momentum factor, as engine.train.optim
SUPPORTED_NODES = ("Input", "Features", "Dense", "Activation", "Output")
LOSSES = ("bce", "cross_entropy", "mse", "l1")
FAST_ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "sine")


def _number(value, key: str, label: str, whole: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    ok = ok and value >= 0 and (not whole or int(value) == value)
    if not ok:
        kind = "a whole number" if whole else "a number"
        raise NodeplayError(f"Variant '{label}': '{key}' must be {kind} of at least 0, "
                            f"not {value!r}.")
    return int(value) if whole else float(value)


def _default_label(v: dict, index: int) -> str:
    parts = []
    if "activation" in v:
        parts.append(str(v["activation"]))
    if "learning_rate" in v:
        parts.append(f"lr {v['learning_rate']:g}")
    if "optimizer" in v:
        parts.append(str(v["optimizer"]))
    if "init" in v:
        parts.append(f"init {v['init']}")
    if "reg_rate" in v:
        parts.append(f"reg {v['reg_rate']:g}")
    if "seed" in v:
        parts.append(f"seed {v['seed']}")
    return ", ".join(parts) or f"variant {index + 1}"


class Variant:
    """One variant's settings, checked and completed from the project's."""

    def __init__(self, project: Project, overrides: dict, index: int):
        if not isinstance(overrides, dict):
            raise NodeplayError(f"Variant {index + 1} must be a set of overrides "
                                f"(a dict), not {overrides!r}.")
        unknown = sorted(set(overrides) - set(VARIANT_KEYS))
        label = str(overrides.get("label") or _default_label(overrides, index))
        if unknown:
            raise NodeplayError(f"Variant '{label}': unknown setting '{unknown[0]}'; a variant "
                                f"may set {', '.join(VARIANT_KEYS)}.")
        t = project.train
        self.label = label
        self.learning_rate = _number(overrides.get("learning_rate", t.learning_rate),
                                     "learning_rate", label)
        self.seed = _number(overrides.get("seed", t.seed), "seed", label, whole=True)
        self.reg_rate = _number(overrides.get("reg_rate", t.reg_rate), "reg_rate", label)
        if "reg_rate" in overrides and self.reg_rate > 0 and t.regularization == "none":
            raise NodeplayError(f"Variant '{label}' sets a regularization rate but the project "
                                "has no regularization; choose L1 or L2 first.")
        self.optimizer = overrides.get("optimizer", t.optimizer)
        if self.optimizer not in OPTIMIZERS:
            raise NodeplayError(f"Compare mode trains with {' or '.join(OPTIMIZERS)} only; "
                                f"variant '{label}' uses {self.optimizer!r}.")
        self.activation = overrides.get("activation")
        if self.activation is not None and self.activation not in ACTIVATIONS:
            raise NodeplayError(f"Variant '{label}': activation must be one of "
                                f"{', '.join(ACTIVATIONS)}, not {self.activation!r}.")
        self.init = overrides.get("init")
        if self.init is not None and self.init not in INITS:
            raise NodeplayError(f"Variant '{label}': init must be one of {', '.join(INITS)}, "
                                f"not {self.init!r}.")

    def graph(self, base):
        """The project's graph with this variant's activation and initializer."""
        g = copy.deepcopy(base)
        for node in g.nodes.values():
            if node.type == "Activation" and self.activation is not None:
                node.params = {**node.params, "fn": self.activation}
            if node.type == "Dense" and self.init is not None:
                node.params = {**node.params, "init": self.init}
        return g


class CompareSession:
    """K variants of the project's network, trained together as one batched computation."""

    def __init__(self, project: Project, variants: list[dict], device: str | None = None, *,
                 fast: bool = True):
        self.fast = fast  # allow the batched numpy path on the CPU (see _FastBatch)
        if not variants:
            raise NodeplayError("Compare mode needs at least one variant.")
        self.project = project
        self.variants = [Variant(project, v, i) for i, v in enumerate(variants)]
        self.labels = [v.label for v in self.variants]
        self.k = len(self.variants)
        self.dataset = make_dataset(project.data, project.points)
        check = validate(project.graph, self.dataset.spec)
        check.raise_if_invalid()
        self._check_supported(project.graph)
        sample = int(np.prod(self.dataset.spec.x_shape))
        self.device = choose_device(device or project.train.device,
                                    check.total_params * self.k, sample)
        d, ds = self.device, self.dataset
        self.x_train = torch.as_tensor(ds.x_train, device=d)
        self.y_train = torch.as_tensor(ds.y_train, device=d)
        self.x_test = torch.as_tensor(ds.x_test, device=d)
        self.y_test = torch.as_tensor(ds.y_test, device=d)
        self._grids: dict[int, torch.Tensor] = {}
        self.reset()

    # -- set-up --------------------------------------------------------------------
    @staticmethod
    def _check_supported(graph) -> None:
        for node in graph.nodes.values():
            if node.type not in SUPPORTED_NODES:
                raise NodeplayError(f"Compare mode supports layered perceptrons only (Input, "
                                    f"Features, Dense, Activation, Output); this graph has a "
                                    f"{node.type} node ('{node.id}').")
        outputs = graph.nodes_of_type("Output")
        if len(outputs) != 1:
            raise NodeplayError(f"Compare mode needs exactly one Output node; this graph has "
                                f"{len(outputs)}.")
        if outputs[0].params["loss"] not in LOSSES:
            raise NodeplayError(f"Compare mode cannot train the {outputs[0].params['loss']} loss.")
        target = graph.incoming(outputs[0].id, "target")
        if target is None or graph.nodes[target.src].type != "Input" or target.src_port != "y":
            raise NodeplayError("Compare mode trains on the dataset's targets; connect the "
                                "Output's target to the Input's y.")

    def reset(self) -> None:
        """Fresh weights for every variant and an empty history."""
        t = self.project.train
        graphs = [v.graph(self.project.graph) for v in self.variants]
        models = [build_model(g, self.dataset.spec, v.seed) for g, v in zip(graphs, self.variants)]
        first = models[0]
        self.head = first.main
        self.loss_kind = first.main.loss
        self.state_keys = list(first.state_dict())
        # The chain of layers: ("features", FeatureMap) | ("dense", index) | ("act", names).
        self._chain: list[tuple[str, object]] = []
        self.layer_names: list[str] = []  # node ids of the Dense layers, in order
        weights, biases = [], []
        prev = f"{first.inputs[0]}.x" if len(first.inputs) == 1 else None
        for node_id, out, ins in first.steps:
            if len(ins) != 1 or ins[0] != prev:
                raise NodeplayError("Compare mode supports a single chain of layers; node "
                                    f"'{node_id}' does not continue the chain.")
            prev = out
            layers = [m.layers[node_id] for m in models]
            if isinstance(layers[0], FeatureMap):
                self._chain.append(("features", layers[0]))
            elif isinstance(layers[0], nn.Linear):
                self._chain.append(("dense", len(weights)))
                self.layer_names.append(node_id)
                weights.append(torch.stack([m.weight.detach().t() for m in layers]))
                biases.append(None if layers[0].bias is None else
                              torch.stack([m.bias.detach() for m in layers]).unsqueeze(1))
            else:  # an activation; each variant has its own
                self._chain.append(("act", [g.nodes[node_id].params["fn"] for g in graphs]))
        if prev != self.head.pred:
            raise NodeplayError("Compare mode supports a single chain of layers ending in the "
                                "Output node.")
        d = self.device
        self.weights_t = [w.clone().contiguous().to(d).requires_grad_() for w in weights]
        self.biases_t = [None if b is None else b.clone().contiguous().to(d).requires_grad_()
                         for b in biases]
        self.params = [p for pair in zip(self.weights_t, self.biases_t) for p in pair
                       if p is not None]
        self._act_plan = [self._plan(item) if kind == "act" else item
                          for kind, item in self._chain]
        lr = torch.tensor([v.learning_rate for v in self.variants], device=d)
        mom = torch.tensor([OPTIMIZERS[v.optimizer] for v in self.variants], device=d)
        self._neg_lr = [(-lr).view(-1, *[1] * (p.dim() - 1)) for p in self.params]
        self._mom = [mom.view(-1, *[1] * (p.dim() - 1)) for p in self.params]
        self._momentum = any(v.optimizer != "sgd" for v in self.variants)
        self._bufs = [torch.zeros_like(p) for p in self.params] if self._momentum else None
        rates = [v.reg_rate for v in self.variants]
        self._reg = t.regularization if t.regularization != "none" and any(rates) else None
        self._reg_rate = torch.tensor(rates, device=d)
        self.generator = torch.Generator().manual_seed(t.seed)
        self.epoch, self.step = 0, 0
        self._rows: list[list[tuple]] = [[] for _ in range(self.k)]
        self.diverged: list[str | None] = [None] * self.k
        self._active = torch.ones(self.k, dtype=torch.bool, device=d)
        self._frozen: list[torch.Tensor] = [p.detach().clone() for p in self.params]
        self._fast = _FastBatch.for_compare(self) if self.fast else None

    def _plan(self, fns: list[str]):
        """An activation step: one module, or distinct modules with their lane masks."""
        distinct = list(dict.fromkeys(fns))
        modules = [ACTIVATION_MODULES[f]() for f in distinct]
        if len(distinct) == 1:
            return modules[0], None
        masks = [torch.tensor([f == name for f in fns], device=self.device).view(-1, 1, 1)
                 for name in distinct]
        return modules, masks

    # -- the batched network -------------------------------------------------------
    def _forward(self, x: torch.Tensor, weights=None, biases=None) -> torch.Tensor:
        """(K, N, outputs) raw predictions of every variant for the shared input x (N, F)."""
        weights = self.weights_t if weights is None else weights
        biases = self.biases_t if biases is None else biases
        h = x
        for (kind, _), item in zip(self._chain, self._act_plan):
            if kind == "features":
                h = item(h)
            elif kind == "dense":
                w, b = weights[item], biases[item]
                if h.dim() == 2:
                    h = h.expand(self.k, *h.shape)
                h = torch.bmm(h, w) if b is None else torch.baddbmm(b, h, w)
            else:
                module, masks = item
                if masks is None:
                    h = module(h)
                else:
                    out = module[-1](h)
                    for m, mask in zip(module[:-1], masks[:-1]):
                        out = torch.where(mask, m(h), out)
                    h = out
        if h.dim() == 2:  # no Dense layer at all
            h = h.expand(self.k, *h.shape)
        return h

    def _targets(self, y: torch.Tensor) -> torch.Tensor:
        """Targets shaped for the batched loss: (K, N, 1) floats, (K, N) classes, (K, N, D)."""
        if self.loss_kind == "bce":
            y = y.to(torch.get_default_dtype()).view(-1, 1)
        elif self.loss_kind in ("mse", "l1"):
            y = y.to(torch.get_default_dtype())
        return y.expand(self.k, *y.shape)

    def _lane_losses(self, pred: torch.Tensor, yk: torch.Tensor) -> torch.Tensor:
        """(K,) per-variant weighted loss, as ``GraphModule.loss`` computes it."""
        kind = self.loss_kind
        if kind == "bce":
            per = F.binary_cross_entropy_with_logits(pred, yk, reduction="none")
        elif kind == "cross_entropy":
            per = F.cross_entropy(pred.transpose(1, 2), yk, reduction="none")
        elif kind == "mse":
            per = F.mse_loss(pred, yk, reduction="none")
        else:
            per = F.l1_loss(pred, yk, reduction="none")
        return self.head.weight * per.flatten(1).mean(1)

    def _train_loss(self, pred: torch.Tensor, yk: torch.Tensor) -> torch.Tensor:
        """The sum over variants of their mean batch loss: each lane's gradient is its own."""
        kind, scale = self.loss_kind, self.head.weight * self.k
        if kind == "bce":
            loss = F.binary_cross_entropy_with_logits(pred, yk)
        elif kind == "cross_entropy":
            loss = F.cross_entropy(pred.transpose(1, 2), yk)
        elif kind == "mse":
            loss = F.mse_loss(pred, yk)
        else:
            loss = F.l1_loss(pred, yk)
        return loss if scale == 1 else loss * scale

    def _penalty(self) -> torch.Tensor:
        if self._reg == "l1":
            per = sum(w.abs().sum((1, 2)) for w in self.weights_t)
            return (self._reg_rate * per).sum()
        per = sum((w * w).sum((1, 2)) for w in self.weights_t)
        return (self._reg_rate * 0.5 * per).sum()

    # -- training ------------------------------------------------------------------
    def train_epoch(self) -> list[dict]:
        """One pass over the training data for every variant, then their metrics."""
        x, y = self.x_train, self.y_train
        n, bs = len(x), min(self.project.train.batch_size, len(x))
        order = torch.randperm(n, generator=self.generator).to(self.device)
        if self._fast is not None:
            self._fast.train_epoch(order.numpy(), bs)
            self.step += -(-n // bs)
            self.epoch += 1
            return self._record()
        xs, ys = x[order], self._targets(y[order])
        params, neg_lr = self.params, self._neg_lr
        for start in range(0, n, bs):
            pred = self._forward(xs[start:start + bs])
            loss = self._train_loss(pred, ys[:, start:start + bs])
            if self._reg is not None:
                loss = loss + self._penalty()
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                if self._momentum:
                    torch._foreach_mul_(self._bufs, self._mom)
                    torch._foreach_add_(self._bufs, grads)
                    grads = self._bufs
                torch._foreach_addcmul_(params, neg_lr, grads)
        self.step += -(-n // bs)
        self.epoch += 1
        m = self._record()
        return m

    @torch.no_grad()
    def evaluate(self) -> list[dict]:
        """Train and test loss and accuracy of every variant (NaN for frozen ones)."""
        rows = []
        for x, y in ((self.x_train, self.y_train), (self.x_test, self.y_test)):
            pred = self._forward(x)
            rows.append(self._lane_losses(pred, self._targets(y)))
            rows.append(self._accuracy(pred, y))
        tl, ta, vl, va = torch.stack(rows).tolist()  # one device sync
        out = []
        for k in range(self.k):
            m = {"train_loss": tl[k], "test_loss": vl[k], "train_acc": ta[k], "test_acc": va[k]}
            if self.diverged[k] is not None:
                m = dict.fromkeys(m, math.nan)
            out.append({"label": self.labels[k], **m, "diverged": self.diverged[k]})
        return out

    def _accuracy(self, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return accuracy(self.loss_kind, pred, y, self.k)

    def _record(self) -> list[dict]:
        ms = self.evaluate()
        for k, m in enumerate(ms):
            if self.diverged[k] is None and not math.isfinite(m["train_loss"]):
                self._freeze(k, m)
            self._rows[k].append((self.epoch, *(m[f] for f in METRIC_NAMES)))
        return ms

    def _freeze(self, k: int, m: dict) -> None:
        """Stop variant k: keep its weights aside and zero its lane so it stays quiet."""
        what = "NaN" if math.isnan(m["train_loss"]) else "infinite"
        v = self.variants[k]
        self.diverged[k] = m["diverged"] = (
            f"{v.label}: loss became {what} at epoch {self.epoch}: the learning rate "
            f"{v.learning_rate:g} is too high for this network; this variant is stopped.")
        with torch.no_grad():
            for p, saved, neg_lr in zip(self.params, self._frozen, self._neg_lr):
                saved[k] = p[k]
                p[k] = 0.0
                neg_lr[k] = 0.0
            if self._bufs is not None:
                for b in self._bufs:
                    b[k] = 0.0
            if self._fast is not None:
                self._fast.freeze(k)
            self._active[k] = False

    def train(self, epochs: int) -> list[dict]:
        m = self.evaluate()
        for _ in range(epochs):
            m = self.train_epoch()
        return m

    # -- results -------------------------------------------------------------------
    @property
    def history(self) -> list[Metrics]:
        """Per variant, one row per finished epoch (NaN after it was frozen)."""
        out = []
        for rows in self._rows:
            if not rows:
                out.append(Metrics())
                continue
            cols = list(zip(*rows))
            out.append(Metrics(np.array(cols[0], np.int64),
                               *(np.array(c, np.float64) for c in cols[1:])))
        return out

    def _current(self) -> tuple[list, list]:
        """Stacked weights and biases, frozen variants' lanes as they were when stopped."""
        if bool(self._active.all()):
            return self.weights_t, self.biases_t
        keep = self._active
        merged = iter([torch.where(keep.view(-1, *[1] * (p.dim() - 1)), p.detach(), saved)
                       for p, saved in zip(self.params, self._frozen)])
        weights, biases = [], []
        for b in self.biases_t:
            weights.append(next(merged))
            biases.append(None if b is None else next(merged))
        return weights, biases

    def weights(self, k: int) -> dict[str, np.ndarray]:
        """Variant k's weights keyed as ``Session.weights`` keys them."""
        weights, biases = self._current()
        out = {}
        for name, w, b in zip(self.layer_names, weights, biases):
            out[f"layers.{name}.weight"] = w[k].detach().t().cpu().numpy().copy()
            if b is not None:
                out[f"layers.{name}.bias"] = b[k, 0].detach().cpu().numpy().copy()
        return {key: out[key] for key in self.state_keys}

    @torch.no_grad()
    def boundaries(self, size: int = 100) -> np.ndarray | None:
        """(K, size, size) in [-1, 1] like ``engine.probes.boundary`` ((K, size, size, C)
        for more than two classes); None when the data is not 2-D points."""
        if not self.dataset.is_2d:
            return None
        if size not in self._grids:
            self._grids[size] = plane_grid(self.dataset.extent, size, self.device)
        weights, biases = self._current()
        pred = self._forward(self._grids[size], weights, biases)
        kind = self.loss_kind
        if kind == "bce":
            out = torch.sigmoid(pred[:, :, 0]) * 2 - 1
        elif kind == "cross_entropy" and pred.shape[2] == 2:
            out = torch.softmax(pred, 2)[:, :, 1] * 2 - 1
        elif kind == "cross_entropy":
            return torch.softmax(pred, 2).reshape(self.k, size, size, -1).float().cpu().numpy()
        else:
            out = pred[:, :, 0].clamp(-1, 1)
        return out.reshape(self.k, size, size).float().cpu().numpy()


class _FastBatch:
    """The same batched step in numpy, for the CPU: at playground sizes a torch step is
    mostly dispatch and autograd bookkeeping, as ``engine.train.fast_mlp`` explains.

    The arrays share memory with ``CompareSession``'s stacked torch parameters, so
    evaluation, boundaries and weights always see the latest values. Every array
    carries the variant axis first: (K, batch, units) activations, (K, in, out)
    weights, (K, 1, out) biases, (K, 1, 1) learning rates and momentum factors. The
    gradients are written out by hand, as in ``fast_mlp``, and match autograd's.
    """

    def __init__(self, cs: CompareSession, features, layers):
        self.k = cs.k
        with torch.no_grad():
            x = features(cs.x_train) if features is not None else cs.x_train
        self.x = np.ascontiguousarray(x.numpy(), dtype=np.float32)
        y, kind = cs.y_train.numpy(), cs.loss_kind
        if kind == "cross_entropy":
            self.y = np.eye(cs.dataset.classes, dtype=np.float32)[y]
        elif kind == "bce":
            self.y = y.astype(np.float32).reshape(-1, 1)
        else:
            self.y = y.astype(np.float32)
        self.loss, self.weight = kind, cs.head.weight
        self.layers = layers  # [(W (K,in,out), b (K,1,out) or None, activation plan or None)]
        lane = lambda v: np.asarray(v, np.float32).reshape(-1, 1, 1)  # noqa: E731
        self.lr = lane([v.learning_rate for v in cs.variants])
        self.mu = lane([OPTIMIZERS[v.optimizer] for v in cs.variants])
        self.momentum = bool(self.mu.any())
        self.bufs = [[np.zeros_like(w), None if b is None else np.zeros_like(b)]
                     for w, b, _ in layers] if self.momentum else None
        self.reg = cs._reg
        self.rate = lane([v.reg_rate for v in cs.variants])

    @classmethod
    def for_compare(cls, cs: CompareSession) -> _FastBatch | None:
        if cs.device.type != "cpu" or cs.loss_kind not in ("bce", "cross_entropy", "mse"):
            return None
        features, layers = None, []
        for kind, item in cs._chain:
            if kind == "features":
                if layers:
                    return None
                features = item
            elif kind == "dense":
                b = cs.biases_t[item]
                layers.append([cs.weights_t[item].detach().numpy(),
                               None if b is None else b.detach().numpy(), None])
            else:
                if not layers or layers[-1][2] is not None or any(
                        f not in FAST_ACTIVATIONS for f in item):
                    return None
                names = list(dict.fromkeys(item))
                masks = [np.array([f == n for f in item]).reshape(-1, 1, 1) for n in names]
                layers[-1][2] = (names, masks)
        if not layers or layers[-1][2] is not None:  # the head must be a plain Dense
            return None
        return cls(cs, features, layers)

    @staticmethod
    def _act(plan, z):
        names, masks = plan
        out = _act(names[-1], z)
        for name, mask in zip(names[:-1], masks[:-1]):
            out = np.where(mask, _act(name, z), out)
        return out

    @staticmethod
    def _act_grad(plan, z, a, g):
        names, masks = plan
        out = _act_grad(names[-1], z, a, g)
        for name, mask in zip(names[:-1], masks[:-1]):
            out = np.where(mask, _act_grad(name, z, a, g), out)
        return out

    def freeze(self, k: int) -> None:
        self.lr[k] = 0.0  # the session has zeroed the lane's weights and momentum
        if self.bufs is not None:
            for pair in self.bufs:
                for buf in pair:
                    if buf is not None:
                        buf[k] = 0.0

    def train_epoch(self, order: np.ndarray, batch: int) -> None:
        layers, lr = self.layers, self.lr
        xs, ys = self.x[order], self.y[order]
        with np.errstate(all="ignore"):  # divergence is caught from the epoch's loss
            for start in range(0, len(order), batch):
                a, yb = xs[start:start + batch], ys[start:start + batch]
                trace = []
                for w, b, act in layers:
                    z = np.matmul(a, w)  # (B, in) or (K, B, in) @ (K, in, out)
                    if b is not None:
                        z += b
                    out = self._act(act, z) if act else z
                    trace.append((a, z, out))
                    a = out
                n = np.float32(self.weight / len(yb))
                if self.loss == "bce":
                    g = (_sigmoid(a) - yb) * n
                elif self.loss == "cross_entropy":
                    e = np.exp(a - a.max(2, keepdims=True))
                    g = (e / e.sum(2, keepdims=True) - yb) * n
                else:
                    g = (a - yb) * (2 * n / np.float32(a.shape[2]))
                for i in range(len(layers) - 1, -1, -1):
                    w, b, act = layers[i]
                    a_in, z, out = trace[i]
                    if act:
                        g = self._act_grad(act, z, out, g)
                    gw = np.matmul(a_in.swapaxes(-1, -2), g)
                    gb = g.sum(1, keepdims=True) if b is not None else None
                    if i:
                        g = np.matmul(g, w.swapaxes(1, 2))
                    if self.reg == "l2":
                        gw += self.rate * w
                    elif self.reg == "l1":
                        gw += self.rate * np.sign(w)
                    if self.momentum:
                        gw, gb = self._momentum(i, gw, gb)
                    w -= lr * gw
                    if b is not None:
                        b -= lr * gb

    def _momentum(self, i, gw, gb):
        pair = self.bufs[i]
        for j, g in enumerate((gw, gb)):
            if g is not None:
                pair[j] *= self.mu
                pair[j] += g
        return pair[0], pair[1]
