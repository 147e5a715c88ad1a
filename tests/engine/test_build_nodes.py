"""Building the new node types: torch modules, the loss wiring and the main head."""

import pytest
import torch
import torch.nn.functional as F

from engine.builder import build_model
from engine.builder.layers import Sampling
from engine.graph import DataSpec, Graph, validate
from engine.graph.mlp import mlp_graph
from engine.project import Project
from engine.settings import DataSettings, TrainSettings
from engine.train import Session

DIGITS = DataSpec((1, 8, 8), (), 10)
TWO_D = DataSpec((2,), (), 2)


def make(nodes, edges) -> Graph:
    g = Graph()
    for node_id, t, p in nodes:
        g.add_node(t, p, id=node_id)
    for a, b in edges:
        g.connect(*a.split("."), *b.split("."))
    return g


def classifier(body, classes=10) -> Graph:
    """Input -> body (a chain of (id, type, params)) -> Flatten -> Dense -> Output."""
    nodes = [
        ("in", "Input", {}),
        *body,
        ("flat", "Flatten", {}),
        ("head", "Dense", {"units": classes}),
        ("out", "Output", {"loss": "cross_entropy"}),
    ]
    ids = [n[0] for n in nodes[:-1]]
    edges = [(f"{a}.{'x' if a == 'in' else 'out'}", f"{b}.x") for a, b in zip(ids, ids[1:])]
    return make(nodes, [*edges, ("head.out", "out.pred"), ("in.y", "out.target")])


def check_shapes_and_step(g: Graph, data: DataSpec = DIGITS):
    """Every torch value has the validated shape; one Adam step changes the weights."""
    v = validate(g, data)
    assert v.ok, v.errors
    model = build_model(g, data, seed=1)
    assert sum(p.numel() for p in model.parameters()) == v.total_params
    x = torch.rand(6, *data.x_shape)
    y = torch.randint(0, data.classes, (6,))
    vals = model.losses(x, y)
    for (node_id, port), value in v.values.items():
        if value.kind == "tensor":
            assert tuple(vals[f"{node_id}.{port}"].shape[1:]) == value.shape, (node_id, port)
        elif value.kind == "loss":
            assert vals[f"{node_id}.{port}"].shape == ()
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.Adam(model.parameters(), 0.01)
    loss, pred = model.loss(x, y)
    assert torch.isfinite(loss) and pred.shape == (6, 10)
    loss.backward()
    opt.step()
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    return model


IMAGE_BODIES = {
    "Conv2d": [("c", "Conv2d", {"channels": 3, "stride": 2})],
    "ConvTranspose2d": [("c", "ConvTranspose2d", {"channels": 2})],
    "MaxPool2d": [("c", "Conv2d", {}), ("p", "MaxPool2d", {})],
    "AvgPool2d": [("c", "Conv2d", {}), ("p", "AvgPool2d", {"kernel": 3, "stride": 1})],
    "Upsample": [("u", "Upsample", {"mode": "bilinear"}), ("c", "Conv2d", {"channels": 2})],
    "BatchNorm2d": [("c", "Conv2d", {}), ("bn", "BatchNorm", {})],
    "LayerNorm": [("c", "Conv2d", {}), ("ln", "LayerNorm", {})],
    "Reshape": [
        ("flat0", "Flatten", {}),
        ("r", "Reshape", {"shape": [4, 4, 4]}),
        ("c", "Conv2d", {"channels": 2}),
    ],
}


@pytest.mark.parametrize("name", IMAGE_BODIES)
def test_each_image_node_builds_and_trains(name):
    check_shapes_and_step(classifier(IMAGE_BODIES[name]))


def test_concat_split_and_add_build_and_train():
    body = [
        ("c", "Conv2d", {"channels": 4}),
        ("split", "Split", {"first": 1}),
        ("cat", "Concat", {}),
        ("add", "Add", {}),
    ]
    g = make(
        [
            ("in", "Input", {}),
            *body,
            ("flat", "Flatten", {}),
            ("head", "Dense", {"units": 10}),
            ("out", "Output", {"loss": "cross_entropy"}),
        ],
        [
            ("in.x", "c.x"),
            ("c.out", "split.x"),
            ("split.b", "cat.a"),
            ("split.a", "cat.b"),
            ("c.out", "cat.d"),
            ("cat.out", "add.a"),
            ("cat.out", "add.b"),
            ("add.out", "flat.x"),
            ("flat.out", "head.x"),
            ("head.out", "out.pred"),
            ("in.y", "out.target"),
        ],
    )
    model = check_shapes_and_step(g)
    x = torch.rand(3, 1, 8, 8)
    vals = model.values(x)
    c = vals["c.out"]
    assert torch.equal(vals["split.a"], c[:, :1]) and torch.equal(vals["split.b"], c[:, 1:])
    assert torch.equal(vals["cat.out"], torch.cat([c[:, 1:], c[:, :1], c], 1))


def vae(kl_to_sum: bool, weight: float = 2.0, wb: float = 0.5) -> Graph:
    nodes = [
        ("in", "Input", {}),
        ("flat", "Flatten", {}),
        ("enc", "Dense", {"units": 4}),
        ("split", "Split", {"first": 2}),
        ("s", "Sampling", {}),
        ("dec", "Dense", {"units": 64}),
        ("img", "Reshape", {}),
        ("rec", "Output", {"loss": "bce", "weight": weight}),
        ("cls", "Dense", {"units": 10}),
        ("lab", "Output", {"loss": "cross_entropy"}),
    ]
    edges = [
        ("in.x", "flat.x"),
        ("flat.out", "enc.x"),
        ("enc.out", "split.x"),
        ("split.a", "s.mean"),
        ("split.b", "s.logvar"),
        ("s.z", "dec.x"),
        ("dec.out", "img.x"),
        ("img.out", "rec.pred"),
        ("in.x", "rec.target"),
        ("s.z", "cls.x"),
        ("cls.out", "lab.pred"),
        ("in.y", "lab.target"),
    ]
    if kl_to_sum:
        nodes.append(("sum", "LossSum", {"wa": 3.0, "wb": wb}))
        edges += [("rec.loss", "sum.a"), ("s.kl", "sum.b")]
    return make(nodes, edges)


def test_the_objective_sums_the_unconnected_losses():
    x, y = torch.rand(5, 1, 8, 8), torch.randint(0, 10, (5,))
    model = build_model(vae(kl_to_sum=False), DIGITS)
    model.eval()  # z is the mean: the same values on every call
    vals = model.losses(x, y)
    rec = F.binary_cross_entropy_with_logits(vals["img.out"], x)
    ce = F.cross_entropy(vals["cls.out"], y)
    assert torch.allclose(vals["rec.loss"], 2.0 * rec)  # the Output's weight applies
    total, pred = model.loss(x, y)
    assert torch.allclose(total, 2.0 * rec + vals["s.kl"] + ce)  # an unconnected KL counts
    assert torch.equal(pred, vals["cls.out"])

    model = build_model(vae(kl_to_sum=True), DIGITS)
    model.eval()
    vals = model.losses(x, y)
    assert model.objective == ["lab.loss", "sum.total"]
    total, _ = model.loss(x, y)
    rec = F.binary_cross_entropy_with_logits(vals["img.out"], x)
    # through the LossSum only: 3 * (2 * rec) + 0.5 * kl, plus the classifier
    expected = 3.0 * 2.0 * rec + 0.5 * vals["s.kl"] + F.cross_entropy(vals["cls.out"], y)
    assert torch.allclose(total, expected)
    check_shapes_and_step(vae(kl_to_sum=True))


def test_the_main_head_reads_dataset_targets():
    model = build_model(vae(kl_to_sum=True), DIGITS)
    assert model.main.node_id == "lab" and model.main.on_data  # not the first Output, "rec"
    g = vae(kl_to_sum=True)
    g.remove_node("lab")
    g.remove_node("cls")
    model = build_model(g, DIGITS)
    assert model.main.node_id == "rec" and not model.main.on_data  # no head reads y
    x = torch.rand(2, 1, 8, 8)
    model.eval()
    assert torch.equal(model(x), model.values(x)["img.out"])


def test_sampling_samples_while_training_and_returns_the_mean_otherwise():
    torch.manual_seed(0)
    s = Sampling()
    mean, logvar = torch.randn(4000, 3), torch.full((4000, 3), 2 * torch.log(torch.tensor(0.5)))
    z, kl = s(mean, logvar)
    assert not torch.equal(z, mean)
    assert abs((z - mean).std().item() - 0.5) < 0.02  # exp(logvar / 2) = 0.5
    s.eval()
    z, kl_eval = s(mean, logvar)
    assert torch.equal(z, mean)
    by_hand = (-0.5 * (1 + logvar - mean**2 - logvar.exp())).sum(1).mean()
    assert torch.allclose(kl, by_hand) and torch.allclose(kl_eval, by_hand)
    zero, no_kl = Sampling()(torch.zeros(3, 2), torch.zeros(3, 2))
    assert no_kl.item() == 0.0


def test_same_seed_same_weights_made_in_validation_order():
    g = vae(kl_to_sum=True)
    a, b = build_model(g, DIGITS, seed=4), build_model(g, DIGITS, seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    assert not torch.equal(build_model(g, DIGITS, seed=5).layers["enc"].weight, a.layers["enc"].weight)
    order = validate(g, DIGITS).order
    assert list(a.layers) == [n for n in order if n in a.layers]


def test_a_dangling_branch_is_not_a_chain():
    g = mlp_graph([3])
    g.add_node("Dense", {"units": 5}, id="spare")
    g.connect("input", "x", "spare", "x")
    model = build_model(g, TWO_D)
    assert not model.plain_chain
    assert model(torch.rand(4, 2)).shape == (4, 1)
    assert build_model(mlp_graph([3]), TWO_D).plain_chain


def _session(graph, name="circle", **data):
    return Session(
        Project(
            graph, DataSettings(name=name, samples=60, **data), TrainSettings(optimizer="sgd", batch_size=10)
        ),
        device="cpu",
    )


def test_the_numpy_fast_path_takes_plain_perceptrons_only():
    assert _session(mlp_graph([3]))._fast is not None
    g = mlp_graph([3], loss="mse")  # an autoencoder of the plane: the target is the input
    g.nodes["head"].params["units"] = 2
    g.disconnect(g.incoming("output", "target"))
    g.connect("input", "x", "output", "target")
    s = _session(g)
    assert s._fast is None and not s.model.main.on_data
    m = s.train(epochs=1)
    assert m["train_acc"] != m["train_acc"]  # NaN: no classes to be right about
    g = mlp_graph([3])
    g.add_node("Sampling", id="s")
    g.add_node("LossSum", id="sum")
    g.connect("act1", "out", "s", "mean")
    g.connect("act1", "out", "s", "logvar")
    for a, b in [("output.loss", "sum.a"), ("s.kl", "sum.b")]:
        g.connect(*a.split("."), *b.split("."))
    s = _session(g)
    assert s._fast is None and s._mode_matters  # Sampling depends on train/eval mode
    assert s.train(epochs=1)["epoch"] == 1


def test_an_image_session_publishes_without_plane_probes():
    from engine.train import commands as cmd
    from engine.train.events import Snapshot

    g = classifier([("c", "Conv2d", {"channels": 2})], classes=3)
    s = _session(g, "shapes")
    assert not s.dataset.is_2d and s._fast is None
    got = []
    s.subscribe(got.append)
    s._apply(cmd.Subscribe(cmd.probe_subscriptions(100, 20, "c")))
    s.train(steps=2)
    s.publish(force=True)
    snaps = [e for e in got if isinstance(e, Snapshot)]
    assert snaps and all(e.boundary is None and e.neurons is None and e.hidden is None for e in snaps)


def test_live_parameters_change_the_running_model():
    from engine.errors import NodeplayError
    from engine.train import commands as cmd

    s = _session(mlp_graph([3], dropout=[0.2]))
    base = s.evaluate()["train_loss"]
    s._apply(cmd.SetParam("output", "weight", 2.0))
    assert s.evaluate()["train_loss"] == pytest.approx(2 * base, rel=1e-5)
    assert s.project.graph.nodes["output"].params["weight"] == 2.0
    s._apply(cmd.SetParam("drop1", "p", 0.5))
    assert s.model.layers["drop1"].p == 0.5 and s.project.graph.nodes["drop1"].params["p"] == 0.5
    with pytest.raises(
        NodeplayError,
        match="Dense's 'units' cannot change while the network "
        "is built; change it in the graph and press Reset.",
    ):
        s.set_param("dense1", "units", 5)
    with pytest.raises(NodeplayError, match="'p' must be at most 0.95"):
        s.set_param("drop1", "p", 2.0)
    assert s.model.layers["drop1"].p == 0.5

    s = Session(
        Project(vae(kl_to_sum=True), DataSettings(name="digits", samples=40), TrainSettings()), device="cpu"
    )
    x, y = s.x_train, s.y_train
    s.model.eval()
    before = s.model.losses(x, y)
    s.set_param("sum", "wb", 4.0)
    total, _ = s.model.loss(x, y)
    assert torch.allclose(total, before["lab.loss"] + 3.0 * before["rec.loss"] + 4.0 * before["s.kl"])
