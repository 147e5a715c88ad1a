"""The node catalogue of NODES.md: shape inference, refusals and parameter counts."""

import pytest

from engine.errors import GraphError
from engine.graph import CATALOGUE, DataSpec, Graph, PortValue, node_type, validate
from engine.graph.catalogue import PORT_KINDS

DIGITS = DataSpec((1, 8, 8), (), 10)

NODES_MD = {
    "Input",
    "Features",
    "Dense",
    "Conv2d",
    "ConvTranspose2d",
    "MaxPool2d",
    "AvgPool2d",
    "Upsample",
    "Flatten",
    "Reshape",
    "Activation",
    "Dropout",
    "BatchNorm",
    "LayerNorm",
    "Add",
    "Concat",
    "Split",
    "Sampling",
    "Output",
    "LossSum",
    "Noise",  # G1 (issue 11): a GAN's generator input and output, and its losses
    "Generated",
    "Adversarial",
    "Polynomial",  # S-L2 (issue 12): polynomial features of any degree
}


def T(*shape):
    return PortValue("tensor", shape)


def infer(type_name, inputs, **params):
    """(outputs, parameter count) of one node; inputs are PortValues or shapes."""
    spec = node_type(type_name)
    ins = {k: v if isinstance(v, PortValue) else T(*v) for k, v in inputs.items()}
    p = spec.complete_params(params)
    return spec.infer(p, ins), spec.count_params(p, ins)


def shapes(type_name, inputs, **params):
    outs, _ = infer(type_name, inputs, **params)
    return {k: v.shape for k, v in outs.items()}


def refusal(type_name, inputs, **params) -> str:
    with pytest.raises(GraphError) as info:
        infer(type_name, inputs, **params)
    return str(info.value)


def test_the_catalogue_is_the_agreed_one():
    assert set(CATALOGUE) == NODES_MD
    for t in CATALOGUE.values():
        assert t.doc, t.name
        assert all(p.help for p in t.params), t.name
        assert all(port.kind in PORT_KINDS for port in (*t.inputs, *t.outputs))
        assert set(t.optional_inputs) <= set(t.input_names)
    assert node_type("Sampling").port("kl").kind == "loss"
    assert node_type("Output").port("loss").kind == "loss"
    assert node_type("Output").port("target").kinds == ("target", "tensor")
    live = {(t.name, p.name) for t in CATALOGUE.values() for p in t.params if p.live}
    assert live == {("Dropout", "p"), ("Output", "weight"), *(("LossSum", f"w{k}") for k in "abcd")}
    assert node_type("LossSum").required_inputs == ("a", "b")
    assert node_type("Concat").required_inputs == ("a", "b")


def test_conv2d():
    assert shapes("Conv2d", {"x": (1, 8, 8)}) == {"out": (8, 8, 8)}
    assert shapes("Conv2d", {"x": (3, 9, 9)}, channels=4, kernel=3, stride=2, padding=0) == {"out": (4, 4, 4)}
    assert infer("Conv2d", {"x": (1, 8, 8)})[1] == (1 * 9 + 1) * 8
    assert infer("Conv2d", {"x": (2, 8, 8)}, channels=3, kernel=5, bias=False)[1] == 2 * 25 * 3
    assert (
        refusal("Conv2d", {"x": (64,)}) == "Conv2d expects 4-D input (N, C, H, W); this port gives (N, 64)."
    )
    assert (
        refusal("Conv2d", {"x": (1, 3, 3)}, kernel=5, padding=0)
        == "Conv2d's 5×5 kernel does not fit a 3×3 input; lower the kernel or add padding."
    )
    assert refusal("Conv2d", {"x": (1, 3, 3)}, kernel=7, padding=1) == (
        "Conv2d's 7×7 kernel does not fit a 3×3 input padded by 1; lower the kernel or add padding."
    )
    assert shapes("Conv2d", {"x": (1, 3, 3)}, kernel=5, padding=1) == {"out": (8, 1, 1)}


def test_conv_transpose2d():
    assert shapes("ConvTranspose2d", {"x": (8, 4, 4)}) == {"out": (8, 8, 8)}
    assert shapes(
        "ConvTranspose2d", {"x": (8, 4, 4)}, channels=1, kernel=3, stride=2, padding=1, output_padding=1
    ) == {"out": (1, 8, 8)}
    assert infer("ConvTranspose2d", {"x": (8, 4, 4)}, channels=1)[1] == 8 * 1 * 4 + 1
    assert refusal("ConvTranspose2d", {"x": (8, 4, 4)}, output_padding=2) == (
        "ConvTranspose2d's output padding (2) must be smaller than its stride (2); lower the output padding."
    )
    assert refusal("ConvTranspose2d", {"x": (1, 1, 1)}, kernel=1, stride=1, padding=1) == (
        "ConvTranspose2d's padding 1 leaves nothing of a 1×1 input; lower the padding."
    )
    assert refusal("ConvTranspose2d", {"x": (16,)}).startswith("ConvTranspose2d expects 4-D input")


@pytest.mark.parametrize("pool", ["MaxPool2d", "AvgPool2d"])
def test_pooling(pool):
    assert shapes(pool, {"x": (8, 8, 8)}) == {"out": (8, 4, 4)}
    assert shapes(pool, {"x": (3, 5, 5)}) == {"out": (3, 2, 2)}
    assert shapes(pool, {"x": (3, 5, 5)}, kernel=3, stride=1) == {"out": (3, 3, 3)}
    assert infer(pool, {"x": (3, 5, 5)})[1] == 0
    assert refusal(pool, {"x": (8, 1, 1)}) == (
        f"{pool}'s 2×2 window does not fit a 1×1 input; lower its kernel or remove a pooling layer."
    )
    assert refusal(pool, {"x": (4,)}) == f"{pool} expects 4-D input (N, C, H, W); this port gives (N, 4)."


def test_upsample_flatten_reshape():
    assert shapes("Upsample", {"x": (2, 4, 4)}, scale=3, mode="bilinear") == {"out": (2, 12, 12)}
    assert refusal("Upsample", {"x": (4,)}).startswith("Upsample expects 4-D input")
    with pytest.raises(GraphError, match="'mode' must be one of nearest, bilinear"):
        infer("Upsample", {"x": (2, 4, 4)}, mode="cubic")
    assert shapes("Flatten", {"x": (8, 4, 4)}) == {"out": (128,)}
    assert shapes("Flatten", {"x": (5,)}) == {"out": (5,)}
    assert shapes("Reshape", {"x": (64,)}) == {"out": (1, 8, 8)}
    assert shapes("Reshape", {"x": (2, 3)}, shape=[6]) == {"out": (6,)}
    assert (
        refusal("Reshape", {"x": (64,)}, shape=[2, 4, 4])
        == "Reshape to (N, 2, 4, 4) needs 32 values per sample; this port gives (N, 64)."
    )


def test_shape_parameters():
    reshape = node_type("Reshape")
    assert reshape.complete_params({"shape": [2.0, 3]}) == {"shape": [2, 3]}
    assert reshape.complete_params({}) == {"shape": [1, 8, 8]}
    for bad in ([], [0, 2], [1.5], "3", [True], [1, 2, 3, 4, 5]):
        with pytest.raises(
            GraphError, match="Reshape: parameter 'shape' must be a list of 1 to 4 positive whole numbers"
        ):
            reshape.complete_params({"shape": bad})


def test_shape_keeping_layers():
    for t in ("Activation", "Dropout", "LayerNorm"):
        assert shapes(t, {"x": (3, 4, 4)}) == {"out": (3, 4, 4)}
    assert infer("LayerNorm", {"x": (3, 4, 4)})[1] == 2 * 48
    assert infer("BatchNorm", {"x": (5,)})[1] == 10
    assert infer("BatchNorm", {"x": (3, 4, 4)}) == ({"out": T(3, 4, 4)}, 6)
    assert (
        refusal("BatchNorm", {"x": (2, 3)})
        == "BatchNorm expects (N, features) or (N, C, H, W); this port gives (N, 2, 3)."
    )
    assert (
        refusal("Dense", {"x": (1, 8, 8)})
        == "Dense expects 2-D input (N, features); this port gives (N, 1, 8, 8)."
    )


def test_concat_and_split():
    assert shapes("Concat", {"a": (3,), "b": (4,)}) == {"out": (7,)}
    assert shapes("Concat", {"a": (2, 4, 4), "b": (3, 4, 4), "c": (1, 4, 4)}) == {"out": (6, 4, 4)}
    assert refusal("Concat", {"a": (2, 4, 4), "b": (3, 2, 2)}) == (
        "Concat joins its inputs along dimension 1, so their other dimensions must match; it "
        "gets (N, 2, 4, 4) and (N, 3, 2, 2)."
    )
    assert "it gets (N, 4) and (N, 2, 2, 2)" in refusal("Concat", {"a": (4,), "b": (2, 2, 2)})
    assert shapes("Split", {"x": (4,)}) == {"a": (1,), "b": (3,)}
    assert shapes("Split", {"x": (6, 4, 4)}, first=2) == {"a": (2, 4, 4), "b": (4, 4, 4)}
    assert (
        refusal("Split", {"x": (4,)}, first=4)
        == "Split takes the first 4 of 4 features for 'a', leaving none for 'b'; lower 'first'."
    )
    assert "of 2 channels" in refusal("Split", {"x": (2, 3, 3)}, first=5)


def test_sampling():
    outs, count = infer("Sampling", {"mean": (2,), "logvar": (2,)})
    assert outs == {"z": T(2), "kl": PortValue("loss", ())} and count == 0
    assert refusal("Sampling", {"mean": (2,), "logvar": (3,)}) == (
        "Sampling needs a mean and a log-variance of one shape; it gets (N, 2) and (N, 3)."
    )


def test_output_against_a_tensor():
    image = T(1, 8, 8)
    for loss in ("mse", "l1", "bce"):
        assert infer("Output", {"pred": image, "target": image}, loss=loss)[0] == {
            "loss": PortValue("loss", ())
        }
    assert (
        refusal("Output", {"pred": (64,), "target": image}, loss="mse")
        == "MSE expects predictions shaped like the target (N, 1, 8, 8); this port gives (N, 64)."
    )
    assert refusal("Output", {"pred": image, "target": image}, loss="cross_entropy") == (
        "Cross-entropy needs class labels on 'target'; this port gives the tensor "
        "(N, 1, 8, 8), so connect an Input's y or choose MSE, L1 or BCE."
    )
    labels = PortValue("target", (), 10)
    assert infer("Output", {"pred": (10,), "target": labels}, loss="cross_entropy")[0]
    assert "L1 compares numbers" in refusal("Output", {"pred": (10,), "target": labels}, loss="l1")


def _vae_graph() -> Graph:
    g = Graph()
    for node_id, t, p in [
        ("in", "Input", {}),
        ("flat", "Flatten", {}),
        ("enc", "Dense", {"units": 4}),
        ("split", "Split", {"first": 2}),
        ("s", "Sampling", {}),
        ("dec", "Dense", {"units": 64}),
        ("img", "Reshape", {}),
        ("rec", "Output", {"loss": "bce"}),
        ("sum", "LossSum", {"wb": 0.5}),
    ]:
        g.add_node(t, p, id=node_id)
    for a, b in [
        ("in.x", "flat.x"),
        ("flat.out", "enc.x"),
        ("enc.out", "split.x"),
        ("split.a", "s.mean"),
        ("split.b", "s.logvar"),
        ("s.z", "dec.x"),
        ("dec.out", "img.x"),
        ("img.out", "rec.pred"),
        ("in.x", "rec.target"),
    ]:
        g.connect(*a.split("."), *b.split("."))
    return g


def test_loss_ports_and_the_objective():
    g = _vae_graph()
    g.remove_node("sum")
    v = validate(g, DIGITS)
    assert v.ok, v.errors
    assert v.objective == [("s", "kl"), ("rec", "loss")]  # both unconnected: both count
    assert v.total_params == (64 + 1) * 4 + (2 + 1) * 64
    g = _vae_graph()
    g.connect("rec", "loss", "sum", "a")
    g.connect("s", "kl", "sum", "b")
    v = validate(g, DIGITS)
    assert v.ok and v.objective == [("sum", "total")]  # counted only through the LossSum


def test_port_kind_refusals():
    g = _vae_graph()
    g.connect("enc", "out", "sum", "a")
    g.connect("s", "kl", "sum", "b")
    assert validate(g, DIGITS).errors["sum"] == (
        "LossSum expects a loss on 'a'; this port gives (N, 4); connect an Output's loss, a "
        "Sampling's kl or a LossSum's total."
    )
    g = _vae_graph()
    g.add_node("Dense", id="bad")
    g.connect("s", "kl", "bad", "x")
    assert validate(g, DIGITS).errors["bad"] == "Dense expects a tensor on 'x'; this port gives a loss."
    g = _vae_graph()
    g.disconnect(g.incoming("rec", "target"))
    g.connect("s", "kl", "rec", "target")
    assert validate(g, DIGITS).errors["rec"] == (
        "Output expects dataset targets or a tensor on 'target'; this port gives a loss."
    )


def test_optional_inputs_may_stay_unconnected():
    g = _vae_graph()
    g.connect("rec", "loss", "sum", "a")
    v = validate(g, DIGITS)
    assert v.errors == {"sum": "Input 'b' of LossSum is not connected."}
    g.connect("s", "kl", "sum", "b")
    assert validate(g, DIGITS).ok  # c and d are optional
    g.add_node("Concat", id="cat")
    g.connect("split", "a", "cat", "a")
    assert validate(g, DIGITS).errors["cat"] == "Input 'b' of Concat is not connected."
    g.connect("split", "b", "cat", "b")
    g.connect("enc", "out", "cat", "d")  # d without c is fine too
    v = validate(g, DIGITS)
    assert v.ok and v.values["cat", "out"] == T(8)


def test_a_200_node_graph_with_merges_validates():  # how fast: bench/graph_speed.py
    from engine.graph.mlp import mlp_graph

    g = mlp_graph([8] * 66, "relu", residual=[False] + [True] * 65)  # residual Adds: merges
    assert len(g.nodes) == 200
    spec = DataSpec((2,), (), 2)
    v = validate(g, spec)
    assert v.ok and len(v.order) == 200 and v.values["head", "out"].shape == (1,)
