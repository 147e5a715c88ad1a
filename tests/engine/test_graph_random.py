"""Property: any graph the catalogue accepts builds, has the shapes validation promised,
and trains a step.

Graphs grow at random from the catalogue on a 2-D or an image dataset: chains,
branches, merges, splits and samplings, then a classifier head, sometimes a
reconstruction head against the input and a LossSum. A node whose parameters do not
fit (a kernel larger than its input, say) must be refused by validation with a
sentence, never by torch; it is then dropped and growth goes on.
"""

import math

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.builder import build_model
from engine.graph import DataSpec, Graph, validate
from engine.graph.catalogue import ACTIVATIONS, FEATURES

SPECS = {"plane": DataSpec((2,), (), 2), "digits": DataSpec((1, 8, 8), (), 10)}
MAX_VALUES = 2048  # per sample: keeps every example small and quick


def _flat_op(draw, shape):
    f = shape[0]
    ops = [
        (
            "Dense",
            {"units": draw(st.integers(1, 6)), "init": draw(st.sampled_from(["default", "xavier", "he"]))},
        ),
        ("BatchNorm", {}),
        ("Reshape", {"shape": [1, f, 1]}),
    ]
    if f == 2:  # perhaps the plane's coordinates
        ops.append(
            ("Features", {"features": draw(st.lists(st.sampled_from(FEATURES), min_size=1, unique=True))})
        )
    return ops


def _image_op(draw, shape):
    return [
        (
            "Conv2d",
            {
                "channels": draw(st.integers(1, 4)),
                "kernel": draw(st.integers(1, 3)),
                "stride": draw(st.integers(1, 2)),
                "padding": draw(st.integers(0, 1)),
            },
        ),
        (
            "ConvTranspose2d",
            {
                "channels": draw(st.integers(1, 3)),
                "kernel": draw(st.integers(1, 3)),
                "stride": draw(st.integers(1, 2)),
                "padding": draw(st.integers(0, 1)),
                "output_padding": draw(st.integers(0, 1)),
            },
        ),
        ("MaxPool2d", {"kernel": draw(st.integers(1, 2)), "stride": draw(st.integers(1, 2))}),
        ("AvgPool2d", {"kernel": draw(st.integers(1, 2)), "stride": draw(st.integers(1, 2))}),
        (
            "Upsample",
            {"scale": draw(st.integers(1, 2)), "mode": draw(st.sampled_from(["nearest", "bilinear"]))},
        ),
        ("BatchNorm", {}),
    ]


class Grower:
    def __init__(self, draw, spec: DataSpec):
        self.draw, self.spec, self.g = draw, spec, Graph()
        self.g.add_node("Input", id="in")
        self.tensors = {"in.x": spec.x_shape}  # "node.port" -> per-sample shape
        self.losses: list[str] = []

    def add(self, type_, params, inputs: dict[str, str]) -> bool:
        """Add a node fed by ``inputs``; keep it if validation accepts it."""
        node = self.g.add_node(type_, params).id
        for port, ref in inputs.items():
            self.g.connect(*ref.rsplit(".", 1), node, port)
        v = validate(self.g, self.spec)
        if node in v.errors:
            assert v.errors[node].endswith(".")  # a sentence, not a crash
            self.g.remove_node(node)
            return False
        outs = {p: val for (n, p), val in v.values.items() if n == node}
        if any(val.kind == "tensor" and math.prod(val.shape) > MAX_VALUES for val in outs.values()):
            self.g.remove_node(node)
            return False
        for port, val in outs.items():
            if val.kind == "tensor":
                self.tensors[f"{node}.{port}"] = val.shape
            elif val.kind == "loss":
                self.losses.append(f"{node}.{port}")
        self.last = node
        return True

    def pick(self, like=None) -> str:
        refs = sorted(r for r, s in self.tensors.items() if like is None or like(s))
        return self.draw(st.sampled_from(refs))

    def grow(self) -> None:
        draw = self.draw
        src = self.pick()
        shape = self.tensors[src]
        ops = [
            ("Activation", {"fn": draw(st.sampled_from(ACTIVATIONS))}),
            ("Dropout", {"p": draw(st.floats(0, 0.5))}),
            ("LayerNorm", {}),
            ("Flatten", {}),
        ]
        ops += _flat_op(draw, shape) if len(shape) == 1 else []
        ops += _image_op(draw, shape) if len(shape) == 3 else []
        merges = ["Add", "Concat", "Sampling"] + (["Split"] if shape[0] > 1 else [])
        kind = draw(st.sampled_from([*[t for t, _ in ops], *merges]))
        if kind == "Split":
            self.add("Split", {"first": draw(st.integers(1, shape[0] - 1))}, {"x": src})
        elif kind in ("Add", "Sampling"):
            other = self.pick(lambda s: s == shape)
            ports = ("a", "b") if kind == "Add" else ("mean", "logvar")
            self.add(kind, {}, dict(zip(ports, (src, other))))
        elif kind == "Concat":
            more = draw(st.integers(1, 3))
            others = [self.pick(lambda s: len(s) == len(shape) and s[1:] == shape[1:]) for _ in range(more)]
            self.add("Concat", {}, dict(zip("abcd", [src, *others])))
        else:
            self.add(kind, dict(next(p for t, p in ops if t == kind)), {"x": src})

    def flat(self, ref: str) -> str:
        if len(self.tensors[ref]) != 1:
            assert self.add("Flatten", {}, {"x": ref})
            ref = f"{self.last}.out"
        return ref

    def heads(self) -> None:
        draw, spec = self.draw, self.spec
        feats = self.flat(self.pick())
        assert self.add("Dense", {"units": spec.classes}, {"x": feats})
        assert self.add("Output", {"loss": "cross_entropy"}, {"pred": f"{self.last}.out", "target": "in.y"})
        if draw(st.booleans()):  # reconstruct the input from some value
            feats = self.flat(self.pick())
            assert self.add("Dense", {"units": math.prod(spec.x_shape)}, {"x": feats})
            assert self.add("Reshape", {"shape": list(spec.x_shape)}, {"x": f"{self.last}.out"})
            assert self.add(
                "Output",
                {"loss": draw(st.sampled_from(["mse", "l1", "bce"])), "weight": draw(st.floats(0.1, 2))},
                {"pred": f"{self.last}.out", "target": "in.x"},
            )
        if len(self.losses) >= 2 and draw(st.booleans()):
            terms = draw(st.lists(st.sampled_from(self.losses), min_size=2, max_size=4, unique=True))
            weights = {f"w{k}": draw(st.floats(0, 2)) for k in "abcd"[: len(terms)]}
            assert self.add("LossSum", weights, dict(zip("abcd", terms)))


@st.composite
def graphs(draw):
    name = draw(st.sampled_from(sorted(SPECS)))
    grower = Grower(draw, SPECS[name])
    for _ in range(draw(st.integers(1, 7))):
        grower.grow()
    grower.heads()
    return grower.g, SPECS[name]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_random_valid_graphs_build_and_train_a_step(case):
    g, spec = case
    v = validate(g, spec)
    assert v.ok, v.errors
    model = build_model(g, spec, seed=0)
    assert sum(p.numel() for p in model.parameters()) == v.total_params
    x = torch.rand(4, *spec.x_shape)
    y = torch.randint(0, spec.classes, (4,))
    model.eval()  # no sampling, no dropout: two passes give the same values
    vals = model.losses(x, y)
    for (node, port), value in v.values.items():
        if value.kind == "tensor":
            assert tuple(vals[f"{node}.{port}"].shape) == (4, *value.shape), (node, port)
    loss, pred = model.loss(x, y)
    assert loss.shape == () and torch.allclose(loss, sum(vals[k] for k in model.objective))
    assert pred.shape == model(x).shape == (4, spec.classes)
    model.train()
    loss, _ = model.loss(x, y)
    assert torch.isfinite(loss)
    loss.backward()
    torch.optim.SGD(model.parameters(), 0.01).step()
    assert all(torch.isfinite(p).all() for p in model.parameters())
