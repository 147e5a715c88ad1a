"""Compare mode: several variants of one network trained at once on the same data.

``make_compare`` picks the trainer: ``CompareSession`` below where the batched
kernel allows (layered perceptrons; sgd or momentum, or any optimizer on the CPU
once the compiled kernel is ready: ``engine.train.compiled_compare``), else
``engine.train.variants.SteppedCompare``, for any graph and optimizer. In the
batched one, the K variants are built with the ordinary builder, so that each starts
from exactly the weights ``build_model`` gives for its seed and initializer, and
their parameters are then stacked along a leading variant axis:

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
CPU the same batched step runs in numpy (``FastBatch``, the batched sibling of
``engine.train.fast_mlp``), on arrays that share memory with the stacked torch
parameters, and once compiled on the kernel of ``engine.train.compiled_lanes``,
whose buffers hold every optimizer's state (s1, s2, per-lane step counts; a Reset
starts them afresh; compare runs save and export weights, not optimizer state);
the torch path serves CUDA, GELU and ``fast=False``. All
variants see the same mini-batches: one shuffle per epoch from the project's train
seed, as ``engine.train.session.Session`` draws it. A variant whose loss becomes NaN
or infinite is frozen: its weights are kept as they were, its metrics read NaN from
then on, and ``diverged`` holds a message for it; the others go on.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn

from engine.budget import out_of_memory
from engine.builder import build_model
from engine.builder.layers import ACTIVATION_MODULES, FeatureMap
from engine.builder.losses import LOSS_KINDS, head_loss
from engine.data import make_dataset
from engine.errors import NodeplayError
from engine.graph import validate
from engine.project import Project
from engine.train import compile_warmup
from engine.train.compare_device import move_compare
from engine.train.compare_results import CompareResults
from engine.train.compiled_compare import CompiledBatch, compiled_batch
from engine.train.device import choose_device
from engine.train.events import METRIC_NAMES
from engine.train.kernels import FAST_ACTIVATIONS, OPTIMIZERS, FastBatch  # noqa: F401
from engine.train.metrics import accuracy
from engine.train.variants import VARIANT_KEYS, SteppedCompare, Variant, VariantTrainer, diverged_message  # noqa: F401 - VARIANT_KEYS: older imports

SUPPORTED_NODES = ("Input", "Features", "Dense", "Activation", "Output")
LOSSES = LOSS_KINDS  # every head kind batches


class Unbatchable(NodeplayError):
    """The graph or an optimizer is beyond the batched kernel (``make_compare`` then
    steps the variants in turn)."""


def make_compare(
    project: Project, variants: list[dict], device: str | None = None, *, fast: bool = True
) -> VariantTrainer:
    """The K variants batched where the kernel allows, else stepped in turn."""
    try:
        return CompareSession(project, variants, device, fast=fast)
    except Unbatchable:
        return SteppedCompare(project, variants, device)


class CompareSession(CompareResults, VariantTrainer):
    """K variants of the project's network, trained together as one batched computation."""

    def __init__(
        self, project: Project, variants: list[dict], device: str | None = None, *, fast: bool = True
    ):
        self.fast = fast  # allow the batched numpy path on the CPU (see FastBatch)
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
        self.device = choose_device(device or project.train.device, check.total_params * self.k, sample)
        # adam & co: only the compiled lanes kernel batches them (CPU, once compiled)
        self._adaptive = next((v.optimizer for v in self.variants if v.optimizer not in OPTIMIZERS), None)
        if self._adaptive is not None and not (fast and self.device.type == "cpu" and compile_warmup.ready()):
            self._unbatchable()
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
                raise Unbatchable(
                    f"Compare mode batches layered perceptrons only (Input, "
                    f"Features, Dense, Activation, Output); this graph has a "
                    f"{node.type} node ('{node.id}')."
                )
        outputs = graph.nodes_of_type("Output")
        if len(outputs) != 1:
            raise Unbatchable(f"Compare mode batches exactly one Output node; this graph has {len(outputs)}.")
        if outputs[0].params["loss"] not in LOSSES:
            raise Unbatchable(f"Compare mode cannot batch the {outputs[0].params['loss']} loss.")
        target = graph.incoming(outputs[0].id, "target")
        if target is None or graph.nodes[target.src].type != "Input" or target.src_port != "y":
            raise Unbatchable(
                "Compare mode batches training on the dataset's targets; connect the "
                "Output's target to the Input's y."
            )

    def reset(self, seed: int | None = None) -> None:
        """Fresh weights for every variant (from their own seeds) and an empty history."""
        t = self.project.train
        graphs = [v.graph(self.project.graph) for v in self.variants]
        models = [build_model(g, self.dataset.spec, v.seed) for g, v in zip(graphs, self.variants)]
        first = models[0]
        self.head = first.main
        self.loss_kind = first.main.loss
        self.state_keys = list(first.state_dict())
        # The chain of layers: ("features", FeatureMap) | ("dense", index) | ("act", names);
        # the item's type follows the kind.
        self._chain: list[tuple[str, Any]] = []
        self.layer_names: list[str] = []  # node ids of the Dense layers, in order
        weights: list[torch.Tensor] = []
        biases: list[torch.Tensor | None] = []
        prev = f"{first.inputs[0]}.x" if len(first.inputs) == 1 else None
        for node_id, out, ins in first.steps:
            if len(ins) != 1 or ins[0] != prev:
                raise Unbatchable(
                    "Compare mode batches a single chain of layers; node "
                    f"'{node_id}' does not continue the chain."
                )
            prev = out
            layers = [m.layers[node_id] for m in models]
            if isinstance(layers[0], FeatureMap):
                self._chain.append(("features", layers[0]))
            elif isinstance(layers[0], nn.Linear):
                self._chain.append(("dense", len(weights)))
                self.layer_names.append(node_id)
                # every variant has the same layer here: only the weights differ
                dense = [m for m in layers if isinstance(m, nn.Linear)]
                weights.append(torch.stack([m.weight.detach().t() for m in dense]))
                biases.append(
                    None
                    if layers[0].bias is None
                    else torch.stack([m.bias.detach() for m in dense if m.bias is not None]).unsqueeze(1)
                )
            else:  # an activation; each variant has its own
                self._chain.append(("act", [g.nodes[node_id].params["fn"] for g in graphs]))
        if prev != self.head.pred:
            raise Unbatchable("Compare mode batches a single chain of layers ending in the Output node.")
        d = self.device
        self.weights_t = [w.clone().contiguous().to(d).requires_grad_() for w in weights]
        self.biases_t = [None if b is None else b.clone().contiguous().to(d).requires_grad_() for b in biases]
        self.params = [p for pair in zip(self.weights_t, self.biases_t) for p in pair if p is not None]
        # as the chain, with each activation's names made into modules and lane masks
        self._act_plan: list[Any] = [
            self._plan(item) if kind == "act" else item for kind, item in self._chain
        ]
        lr = torch.tensor([v.learning_rate for v in self.variants], device=d)
        # the torch and numpy paths' momentum factors (adam & co train on the compiled path only)
        mom = torch.tensor([OPTIMIZERS.get(v.optimizer, 0.0) for v in self.variants], device=d)
        self._neg_lr = [(-lr).view(-1, *[1] * (p.dim() - 1)) for p in self.params]
        self._mom = [mom.view(-1, *[1] * (p.dim() - 1)) for p in self.params]
        self._momentum = any(v.optimizer == "momentum" for v in self.variants)
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
        # the compiled kernel once ready (issue #13), else numpy
        if self.fast:  # numpy: sgd and momentum only
            self._fast = compiled_batch(self) or (None if self._adaptive else FastBatch.for_compare(self))
        else:
            self._fast = None
        if self._adaptive is not None and not isinstance(self._fast, CompiledBatch):
            self._unbatchable()
        self._start()

    def _unbatchable(self) -> None:
        raise Unbatchable(
            f"The batched compare kernel trains with {' or '.join(OPTIMIZERS)} only, not {self._adaptive!r}, "
            "unless the compiled kernel is ready on the CPU."
        )

    def _plan(self, fns: list[str]) -> tuple[list[nn.Module], list[torch.Tensor] | None]:
        """An activation step: one module, or distinct modules with their lane masks."""
        distinct = list(dict.fromkeys(fns))
        modules = [ACTIVATION_MODULES[f]() for f in distinct]
        if len(distinct) == 1:
            return modules, None
        masks = [
            torch.tensor([f == name for f in fns], device=self.device).view(-1, 1, 1) for name in distinct
        ]
        return modules, masks

    # -- the batched network -------------------------------------------------------
    def _forward(
        self,
        x: torch.Tensor,
        weights: list[torch.Tensor] | None = None,
        biases: list[torch.Tensor | None] | None = None,
    ) -> torch.Tensor:
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
                modules, masks = item
                if masks is None:
                    h = modules[0](h)
                else:
                    out = modules[-1](h)
                    for m, mask in zip(modules[:-1], masks[:-1]):
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

    def _penalty(self) -> torch.Tensor:
        if self._reg == "l1":
            per = sum(w.abs().sum((1, 2)) for w in self.weights_t)
            return (self._reg_rate * per).sum()
        per = sum((w * w).sum((1, 2)) for w in self.weights_t)
        return (self._reg_rate * 0.5 * per).sum()

    # -- training ------------------------------------------------------------------
    def train_epoch(self, max_steps: int | None = None, *, between=None) -> list[dict]:
        try:
            return self._train_epoch(max_steps, between=between)
        except torch.OutOfMemoryError as err:  # pause with a sentence; the window offers the CPU
            raise out_of_memory(self, err) from None

    def move_to(self, requested: str) -> torch.device:
        return move_compare(self, requested)

    def _train_epoch(self, max_steps: int | None = None, *, between=None) -> list[dict]:
        """One pass over the training data for every variant, then their metrics.
        (``max_steps`` is not taken: every epoch is whole.)"""
        x, y = self.x_train, self.y_train
        n, bs = len(x), min(self.project.train.batch_size, len(x))
        order = torch.randperm(n, generator=self.generator).to(self.device)
        if self._fast is not None:
            measured = self._fast.train_epoch(order.numpy(), bs)  # the compiled kernel's metrics
            self.step += -(-n // bs)
            self.epoch += 1
            return self._record(measured)
        xs, ys = x[order], self._targets(y[order])
        params, neg_lr = self.params, self._neg_lr
        for start in range(0, n, bs):
            pred = self._forward(xs[start : start + bs])
            loss = head_loss(
                self.loss_kind, pred, ys[:, start : start + bs], self.head.weight, reduce="lane_sum"
            )
            if self._reg is not None:
                loss = loss + self._penalty()
            grads = list(torch.autograd.grad(loss, params))
            with torch.no_grad():
                if self._bufs is not None:  # momentum
                    torch._foreach_mul_(self._bufs, self._mom)
                    torch._foreach_add_(self._bufs, grads)
                    grads = self._bufs
                torch._foreach_addcmul_(params, neg_lr, grads)
            if between is not None:
                between()
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
            rows.append(head_loss(self.loss_kind, pred, self._targets(y), self.head.weight, reduce="lanes"))
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

    def _labelled(self, measured: list[dict]) -> list[dict]:
        """Metrics the kernel measured, as ``evaluate`` gives them."""
        out = []
        for k, m in enumerate(measured):
            if self.diverged[k] is not None:
                m = dict.fromkeys(m, math.nan)
            out.append({"label": self.labels[k], **m, "diverged": self.diverged[k]})
        return out

    def _record(self, measured: list[dict] | None = None) -> list[dict]:
        ms = self.evaluate() if measured is None else self._labelled(measured)
        for k, m in enumerate(ms):
            if self.diverged[k] is None and not math.isfinite(m["train_loss"]):
                self._freeze(k, m)
            self._rows[k].append((self.epoch, *(m[f] for f in METRIC_NAMES)))
        self._note(ms)
        return ms

    def _freeze(self, k: int, m: dict) -> None:
        """Stop variant k: keep its weights aside and zero its lane so it stays quiet."""
        self.diverged[k] = m["diverged"] = diverged_message(self.variants[k], m["train_loss"], self.epoch)
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
