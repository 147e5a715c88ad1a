"""Each node of a graph written as PyTorch statements, for ``engine.export.python_code``.

``NodeWriter`` walks the validated graph once in topological order and collects the
model's ``__init__`` lines (one named layer per node), its ``forward`` statements (one
variable per node) and, apart, the loss lines of Output and LossSum nodes.
"""

from __future__ import annotations

import re

from engine.errors import GraphError
from engine.export.codegen import Names, call, literal, total
from engine.graph import Edge, Graph, PortValue, validate
from engine.graph.validate import DataSpec, Validation

ACTIVATION_CODE = {
    "sigmoid": "torch.sigmoid({})",
    "tanh": "torch.tanh({})",
    "relu": "torch.relu({})",
    "leaky_relu": "F.leaky_relu({}, 0.01)",
    "elu": "F.elu({})",
    "gelu": "F.gelu({})",
    "silu": "F.silu({})",
    "sine": "torch.sin({})",
    "step": "step({})",
}
FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1*x2": "x1 * x2",
    "sin x1": "torch.sin(x1)",
    "sin x2": "torch.sin(x2)",
}
INIT_CODE = {
    "zeros": "nn.init.zeros_({})",
    "constant": "nn.init.constant_({}, 0.1)",
    "uniform": "nn.init.uniform_({}, -0.5, 0.5)",
    "normal": "nn.init.normal_({}, 0.0, 0.1)",
    "xavier": "nn.init.xavier_uniform_({})",
    "he": 'nn.init.kaiming_normal_({}, nonlinearity="relu")',
    "small": "nn.init.normal_({}, 0.0, 0.01)",  # SMALL_STD in engine.builder.layers
    "large": "nn.init.normal_({}, 0.0, 2.0)",  # LARGE_STD
}
STEP_FUNCTION = '''def step(x):
    """Heaviside step with a straight-through gradient, so that it can still learn."""
    return x + ((x > 0).to(x.dtype) - x).detach()
'''
LOSS_TYPES = ("Output", "LossSum")  # nodes whose code belongs to the loss, after the prediction


def checked(graph: Graph, data: DataSpec) -> Validation:
    """The graph's validation; an invalid graph is refused with the node at fault named."""
    check = validate(graph, data)
    err = check.first_error()
    if err is not None:
        node = graph.nodes.get(err.node_id) if err.node_id else None
        where = f"node '{err.node_id}' ({node.title})" if node else "the graph"
        raise GraphError(f"The graph cannot be exported: {where} is invalid: {err}", err.node_id)
    return check


class NodeWriter:
    """Walks the validated graph once, collecting __init__ and forward lines."""

    def __init__(self, graph: Graph, data: DataSpec):
        self.graph, self.data = graph, data
        self.check = check = checked(graph, data)
        # the only loss term is named ``loss`` where it is computed
        self.sole = check.objective[0] if len(check.objective) == 1 else None
        self.names = Names()
        self.vars: dict[tuple[str, str], str] = {}  # (node, port) -> expression
        self.init: list[str] = []
        self.body: list[str] = []
        self.loss_lines: list[str] = []
        self.attrs: dict[str, str] = {}
        self.random = False
        self.uses: set[str] = set()  # "F", "step"

    # -- helpers -----------------------------------------------------------------------
    def _edge(self, node_id: str, port: str) -> Edge:
        e = self.graph.incoming(node_id, port)
        assert e is not None, "a validated graph has every required input connected"
        return e

    def src(self, node_id: str, port: str) -> str:
        e = self._edge(node_id, port)
        return self.vars[e.src, e.src_port]

    def shape(self, node_id: str, port: str) -> PortValue:
        e = self._edge(node_id, port)
        return self.check.values[e.src, e.src_port]

    def is_dataset_target(self, node_id: str, port: str) -> bool:
        e = self.graph.incoming(node_id, port)
        return e is not None and self.graph.nodes[e.src].type == "Input" and e.src_port == "y"

    def layer(self, node_id: str, name: str, ctor: str, args: list[str]) -> None:
        self.attrs[node_id] = name
        self.init += call(f"self.{name} = {ctor}(", args, 8)

    def assign(self, name: str, expr: str) -> str:
        self.body.append(f"        {name} = {expr}")
        return name

    def assign_call(self, name: str, fn: str, args: list[str], lines: list[str] | None = None) -> str:
        """``name = fn(args)``, split over lines as ruff would when it is long."""
        (self.body if lines is None else lines).extend(call(f"{name} = {fn}(", args, 8))
        return name

    # -- nodes -------------------------------------------------------------------------
    def node(self, node_id: str) -> None:
        node = self.graph.nodes[node_id]
        p, kind = node.params, node.type
        if kind == "Input":
            self.vars[node_id, "x"], self.vars[node_id, "y"] = "x", "y"
            return
        name = self.names.make(node.label or node_id)
        x = self.src(node_id, "x") if "x" in _ports(self.graph, node_id) else None
        start = len(self.body)
        out = getattr(self, f"_{kind.lower()}")(node_id, name, p, x)
        if out == name and not self.graph.outgoing(node_id):
            # feeds nothing: computed as the app does, in a variable marked as never read
            out = f"_{name}"
            for i in range(start, len(self.body)):
                self.body[i] = re.sub(rf"^(\s+){name} = ", rf"\g<1>{out} = ", self.body[i])
        if out is not None:
            self.vars[node_id, "out"] = out

    def _features(self, node_id, name, p, x):
        if p["features"] == ["x1", "x2"]:
            return x  # the raw coordinates: nothing to compute
        # only the coordinates the features read (a line of x1 alone leaves x2 unused)
        coords = {"x1": 0, "x2": 1}
        used = [c for c in coords if any(re.search(rf"\b{c}\b", FEATURE_CODE[f]) for f in p["features"])]
        have = {c for c in coords for line in self.body if re.match(rf"\s+(x1, x2|{c}) = ", line)}
        todo = [c for c in used if c not in have]
        if todo:
            self.body.append(f"        {', '.join(todo)} = {', '.join(f'{x}[:, {coords[c]}]' for c in todo)}")
        self.body += call(f"{name} = torch.stack([", [FEATURE_CODE[f] for f in p["features"]], 8, "], 1)")
        return name

    def _dense(self, node_id, name, p, x):
        units_in = self.shape(node_id, "x").shape[0]
        args = [str(units_in), str(p["units"])] + ([] if p["bias"] else ["bias=False"])
        self.layer(node_id, name, "nn.Linear", args)
        self._init(name, p.get("init", "default"), p["bias"])
        return self.assign(name, f"self.{name}({x})")

    def _init(self, name, how, bias):
        if how == "default":
            return
        self.init.append("        " + INIT_CODE[how].format(f"self.{name}.weight"))
        if bias:
            self.init.append(f"        nn.init.zeros_(self.{name}.bias)")

    def _conv2d(self, node_id, name, p, x):
        c = self.shape(node_id, "x").shape[0]
        args = [str(c), str(p["channels"]), str(p["kernel"])]
        args += [f"stride={p['stride']}", f"padding={p['padding']}"]
        args += [] if p["bias"] else ["bias=False"]
        self.layer(node_id, name, "nn.Conv2d", args)
        self._init(name, p.get("init", "default"), p["bias"])
        return self.assign(name, f"self.{name}({x})")

    def _convtranspose2d(self, node_id, name, p, x):
        c = self.shape(node_id, "x").shape[0]
        args = [
            str(c),
            str(p["channels"]),
            str(p["kernel"]),
            f"stride={p['stride']}",
            f"padding={p['padding']}",
            f"output_padding={p['output_padding']}",
        ]
        args += [] if p["bias"] else ["bias=False"]
        self.layer(node_id, name, "nn.ConvTranspose2d", args)
        return self.assign(name, f"self.{name}({x})")

    def _maxpool2d(self, node_id, name, p, x):
        self.uses.add("F")
        return self.assign(name, f"F.max_pool2d({x}, {p['kernel']}, {p['stride']})")

    def _avgpool2d(self, node_id, name, p, x):
        self.uses.add("F")
        return self.assign(name, f"F.avg_pool2d({x}, {p['kernel']}, {p['stride']})")

    def _upsample(self, node_id, name, p, x):
        self.uses.add("F")
        args = [x, f"scale_factor={p['scale']}", f"mode={literal(p['mode'])}"]
        args += ["align_corners=False"] if p["mode"] == "bilinear" else []
        return self.assign_call(name, "F.interpolate", args)

    def _flatten(self, node_id, name, p, x):
        return self.assign(name, f"{x}.flatten(1)")

    def _reshape(self, node_id, name, p, x):
        return self.assign(name, f"{x}.reshape(-1, {', '.join(map(str, p['shape']))})")

    def _activation(self, node_id, name, p, x):
        if p["fn"] == "linear":
            return x  # the identity: the next node reads the same value
        if p["fn"] in ("leaky_relu", "elu", "gelu", "silu"):
            self.uses.add("F")
        if p["fn"] == "step":
            self.uses.add("step")
        return self.assign(name, ACTIVATION_CODE[p["fn"]].format(x))

    def _dropout(self, node_id, name, p, x):
        self.random = True
        self.layer(node_id, name, "nn.Dropout", [literal(p["p"])])
        return self.assign(name, f"self.{name}({x})")

    def _batchnorm(self, node_id, name, p, x):
        shape = self.shape(node_id, "x").shape
        kind = "nn.BatchNorm1d" if len(shape) == 1 else "nn.BatchNorm2d"
        self.layer(node_id, name, kind, [str(shape[0])])
        return self.assign(name, f"self.{name}({x})")

    def _layernorm(self, node_id, name, p, x):
        shape = self.shape(node_id, "x").shape
        self.layer(node_id, name, "nn.LayerNorm", [literal(list(shape))])
        return self.assign(name, f"self.{name}({x})")

    def _add(self, node_id, name, p, x):
        return self.assign(name, f"{self.src(node_id, 'a')} + {self.src(node_id, 'b')}")

    def _concat(self, node_id, name, p, x):
        parts = [self.src(node_id, port) for port in "abcd" if self.graph.incoming(node_id, port) is not None]
        self.body += call(f"{name} = torch.cat([", parts, 8, "], 1)")
        return name

    def _split(self, node_id, name, p, x):
        first = p["first"]
        a, b = f"{name}_a", f"{name}_b"
        self.body.append(f"        {a}, {b} = {x}[:, :{first}], {x}[:, {first}:]")
        self.vars[node_id, "a"], self.vars[node_id, "b"] = a, b
        return None

    def _polynomial(self, node_id, name, p, x):  # S-L2: u, u², … side by side, u = x / scale
        u = x if p["scale"] == 1.0 else self.assign(f"{name}_u", f"{x} / {literal(float(p['scale']))}")
        if p["degree"] == 1:
            return u
        return self.assign(name, f"torch.cat([{u}**k for k in range(1, {p['degree'] + 1})], 1)")

    def _sampling(self, node_id, name, p, x):
        self.random = True
        mean, logvar = self.src(node_id, "mean"), self.src(node_id, "logvar")
        used = {e.src_port for e in self.graph.outgoing(node_id)}
        z = name if "z" in used else f"_{name}"
        self.body += [
            f"        {z} = {mean}",
            "        if self.training:  # reparameterized: the mean when evaluating",
            f"            noise = torch.randn_like({mean})",
            f"            {z} = {mean} + torch.exp(0.5 * {logvar}) * noise",
        ]
        self.vars[node_id, "z"] = z
        kl = f"{name}_kl"
        out = "loss" if self.sole == (node_id, "kl") else kl
        # the KL divergence from N(0, 1): summed over each sample's values, mean over the batch
        self.loss_lines += [
            f"        {kl} = -0.5 * (1 + {logvar} - {mean} * {mean} - {logvar}.exp())",
            f"        {out} = {kl}.flatten(1).sum(1).mean()",
        ]
        kl = out
        self.vars[node_id, "kl"] = kl
        return None

    def _output(self, node_id, name, p, x):
        self.uses.add("F")
        pred = self.src(node_id, "pred")
        target = self.src(node_id, "target")
        dataset = self.is_dataset_target(node_id, "target")
        fn = {
            "cross_entropy": "F.cross_entropy",
            "bce": "F.binary_cross_entropy_with_logits",
            "mse": "F.mse_loss",
            "l1": "F.l1_loss",
        }[p["loss"]]
        if p["loss"] == "bce" and dataset:
            target = f"{target}.to({pred}.dtype).view(-1, 1)"
        if p["weight"] != 1.0:
            fn = f"{literal(p['weight'])} * {fn}"
        var = name if name.endswith("loss") else f"{name}_loss"
        var = "loss" if self.sole == (node_id, "loss") else var
        self.assign_call(var, fn, [pred, target], self.loss_lines)
        self.vars[node_id, "loss"] = var
        return None

    def _losssum(self, node_id, name, p, x):
        terms = []
        for port in "abcd":
            if self.graph.incoming(node_id, port) is not None:
                w = p[f"w{port}"]
                src = self.src(node_id, port)
                terms.append(src if w == 1.0 else f"{literal(w)} * {src}")
        name = "loss" if self.sole == (node_id, "total") else name
        self.loss_lines += total(name, terms, 8)
        self.vars[node_id, "total"] = name
        return None


def _ports(graph: Graph, node_id: str) -> set[str]:
    return {e.dst_port for e in graph.edges if e.dst == node_id}
