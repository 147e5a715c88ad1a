import numpy as np
import pytest

from engine.errors import GraphError
from engine.graph import DataSpec, Graph, graph_from_dict, graph_to_dict, validate
from engine.graph.mlp import mlp_graph

TWO_D = DataSpec((2,), (), 2)
REGRESSION = DataSpec((2,), (1,), None)


def test_mlp_shapes_and_parameter_count():
    g = mlp_graph([4, 2], "tanh", features=["x1", "x2", "x1^2"])
    v = validate(g, TWO_D)
    assert v.ok, v.errors
    assert v.values["features", "out"].shape == (3,)
    assert v.values["dense1", "out"].shape == (4,)
    assert v.values["act2", "out"].shape == (2,)
    assert str(v.values["dense1", "out"]) == "(N, 4)"
    # (3+1)*4 + (4+1)*2 + (2+1)*1
    assert v.total_params == 16 + 10 + 3


def test_unconnected_input_is_reported_on_its_node():
    g = mlp_graph([4])
    g.disconnect(g.incoming("dense1", "x"))
    v = validate(g, TWO_D)
    assert v.errors["dense1"] == "Input 'x' of Dense is not connected."
    # downstream nodes wait on the upstream error instead of piling up messages
    assert "act1" not in v.errors and "head" not in v.errors
    with pytest.raises(GraphError, match="not connected") as info:
        v.raise_if_invalid()
    assert info.value.node_id == "dense1"


def test_loss_mismatch_messages():
    g = mlp_graph([4], outputs=3, loss="bce")
    assert validate(g, TWO_D).errors["output"] == (
        "Binary cross-entropy expects one logit (N, 1); this port gives (N, 3)."
    )
    g = mlp_graph([4], outputs=3, loss="cross_entropy")
    assert "over 2 classes expects (N, 2)" in validate(g, TWO_D).errors["output"]
    g = mlp_graph([4], outputs=1, loss="cross_entropy")
    assert "regression task" in validate(g, REGRESSION).errors["output"]
    g = mlp_graph([4], outputs=1, loss="mse")
    assert validate(g, REGRESSION).ok
    assert "class labels" in validate(g, TWO_D).errors["output"]


def test_features_need_two_coordinates():
    g = mlp_graph([4], features=["x1"])
    v = validate(g, DataSpec((3,), (), 2))
    assert v.errors["features"].startswith("Features expects the two coordinates (N, 2)")


def test_add_needs_same_shapes():
    g = mlp_graph([4, 3])
    g.add_node("Add", id="res")
    g.connect("act1", "out", "res", "a")
    g.connect("act2", "out", "res", "b")
    assert validate(g, TWO_D).errors["res"] == "Add needs inputs of one shape; it gets (N, 4) and (N, 3)."


def test_target_port_cannot_feed_a_layer():
    g = Graph()
    g.add_node("Input", id="in")
    g.add_node("Dense", id="d")
    g.connect("in", "y", "d", "x")
    assert "expects a tensor on 'x'" in validate(g, TWO_D).errors["d"]


def test_edit_refusals():
    g = mlp_graph([4])
    with pytest.raises(GraphError, match="already connected"):
        g.connect("input", "x", "dense1", "x")
    with pytest.raises(GraphError, match="already connected"):
        g.connect("act1", "out", "head", "x")
    g.disconnect(g.incoming("dense1", "x"))
    with pytest.raises(GraphError, match="would make a cycle"):
        g.connect("act1", "out", "dense1", "x")
    with pytest.raises(GraphError, match="no output port 'z'"):
        g.connect("dense1", "z", "head", "x")
    with pytest.raises(GraphError, match="Unknown node type 'Conv9d'"):
        g.add_node("Conv9d")
    with pytest.raises(GraphError, match="'units' must be at least 1"):
        g.set_params("dense1", units=0)
    with pytest.raises(GraphError, match="'fn' must be one of"):
        g.set_params("act1", fn="swish2")
    with pytest.raises(GraphError, match="no parameter 'colour'"):
        g.add_node("Dense", {"colour": 3})


def test_missing_output_node():
    g = mlp_graph([2])
    g.remove_node("output")
    assert validate(g, TWO_D).first_error().args[0].startswith("The graph has no Output node")


def test_remove_node_returns_what_undo_needs():
    g = mlp_graph([4])
    before = g.copy()
    node, edges = g.remove_node("act1")
    assert len(edges) == 2 and "act1" not in g.nodes
    g.nodes[node.id] = node
    for e in edges:
        g.connect(e.src, e.src_port, e.dst, e.dst_port)
    assert g == before


def test_json_round_trip():
    g = mlp_graph([4, 2], "relu", features=["x1", "x2", "sin x1"])
    g.nodes["dense1"].label = "first layer"
    again = graph_from_dict(graph_to_dict(g))
    assert again == g
    assert graph_to_dict(again) == graph_to_dict(g)


def test_bad_json_graphs_are_refused_with_a_sentence():
    with pytest.raises(GraphError, match="list of 'nodes'"):
        graph_from_dict({"edges": []})
    with pytest.raises(GraphError, match="must look like 'node.port'"):
        graph_from_dict({"nodes": [{"id": "a", "type": "Input"}], "edges": [{"from": "a", "to": "b.x"}]})
    with pytest.raises(GraphError, match="already exists"):
        graph_from_dict({"nodes": [{"id": "a", "type": "Input"}, {"id": "a", "type": "Input"}]})


def test_describe_mlp_round_trips_the_playground_shape():
    from engine.graph.mlp import MLPShape, describe_mlp

    shape = MLPShape([4, 2], "relu", ["x1", "x2", "x1^2"], outputs=3, loss="cross_entropy")
    assert describe_mlp(shape.graph()) == shape
    assert describe_mlp(mlp_graph([])) == MLPShape([], "tanh", None)
    g = mlp_graph([4, 3])
    g.add_node("Add", id="res")
    g.connect("act1", "out", "res", "a")
    assert describe_mlp(g) is None  # a branch: the node editor's business


# -- per-layer settings of the playground's perceptron ---------------------------------


def _per_layer_shapes():
    from engine.graph.mlp import MLPShape

    return [
        MLPShape([4, 4, 2], "tanh", activations=["tanh", "relu", "tanh"]),
        MLPShape([3, 3], "relu", ["x1", "x2", "x1^2"], dropout=[0.0, 0.3]),
        MLPShape([4, 2], "tanh", batchnorm=[True, False], outputs=3, loss="cross_entropy"),
        MLPShape([2, 4, 4], "elu", residual=[True, False, True]),
        MLPShape(
            [3, 3, 3],
            "tanh",
            ["x1", "x2", "sin x1"],
            activations=["relu", "tanh", "gelu"],
            dropout=[0.1, 0.0, 0.5],
            batchnorm=[False, True, True],
            residual=[True, True, False],
            init="he",
        ),
    ]


@pytest.mark.parametrize("shape", _per_layer_shapes(), ids=range(5))
def test_per_layer_shapes_round_trip(shape):
    from engine.graph.mlp import describe_mlp

    g = shape.graph()
    assert describe_mlp(g) == shape.normalized()
    assert describe_mlp(graph_from_dict(graph_to_dict(g))) == shape.normalized()
    assert describe_mlp(describe_mlp(g).graph()) == describe_mlp(g)
    validate(g, DataSpec((2,), classes=shape.outputs if shape.outputs > 1 else 2))


def test_per_layer_nodes_and_ids():
    from engine.graph.mlp import MLPShape, layer_chain

    shape = MLPShape(
        [2, 2],
        "tanh",
        activations=["tanh", "relu"],
        dropout=[0.2, 0.0],
        batchnorm=[True, False],
        residual=[True, True],
    )
    g = shape.graph()
    assert [n.id for n in layer_chain(g)] == [
        "dense1",
        "bn1",
        "act1",
        "drop1",
        "res1",
        "dense2",
        "act2",
        "res2",
        "head",
    ]
    assert g.nodes["act1"].params["fn"] == "tanh" and g.nodes["act2"].params["fn"] == "relu"
    assert g.nodes["drop1"].params["p"] == 0.2 and g.nodes["bn1"].type == "BatchNorm"
    assert (g.incoming("res1", "a").src, g.incoming("res1", "b").src) == ("drop1", "input")
    assert (g.incoming("res2", "a").src, g.incoming("res2", "b").src) == ("act2", "res1")


def test_normalized_shapes_drop_default_lists():
    from engine.graph.mlp import MLPShape, describe_mlp

    shape = MLPShape(
        [4, 2],
        "tanh",
        activations=["relu", "relu"],
        dropout=[0, 0],
        batchnorm=[False, False],
        residual=[False, False],
    )
    assert shape.normalized() == MLPShape([4, 2], "relu")
    assert describe_mlp(shape.graph()) == MLPShape([4, 2], "relu")
    assert describe_mlp(mlp_graph([4, 2], "relu")) == MLPShape([4, 2], "relu")  # as before
    mixed = MLPShape([4, 4], "tanh", activations=["tanh", "relu"]).normalized()
    assert mixed.activations == ["tanh", "relu"] and mixed.activation == "tanh"
    mixed.set_activation("sine")  # the whole-net activation sets every layer
    assert mixed.layer_activations() == ["sine", "sine"] and mixed.normalized().activations is None


def test_residual_needs_equal_widths():
    from engine.graph.mlp import MLPShape

    with pytest.raises(GraphError, match="Layer 1 can only be residual.*input \\(2\\)"):
        MLPShape([4], residual=[True]).graph()
    with pytest.raises(GraphError, match="Layer 2 can only be residual"):
        MLPShape([4, 3], residual=[False, True]).graph()
    MLPShape([3, 3], features=["x1", "x2", "x1^2"], residual=[True, True]).graph()  # 3 -> 3 -> 3


def test_branches_other_than_a_layer_skip_are_not_a_perceptron():
    from engine.graph.mlp import MLPShape, describe_mlp, layer_chain

    g = MLPShape([2, 2], residual=[False, True]).graph()
    assert describe_mlp(g) is not None
    wrong = g.copy()
    # the skip comes from two layers back: no longer one layer's residual
    wrong.edges = [e for e in wrong.edges if not (e.dst == "res2" and e.dst_port == "b")]
    wrong.connect("input", "x", "res2", "b")
    assert layer_chain(wrong) is not None and describe_mlp(wrong) is None
    swapped = g.copy()  # the main path into b, the skip into a
    swapped.edges = [e for e in swapped.edges if e.dst != "res2"]
    swapped.connect("act2", "out", "res2", "b")
    swapped.connect("act1", "out", "res2", "a")
    assert describe_mlp(swapped) is None


def _circle_project(shape, optimizer="sgd", lr=0.03):
    from engine.presets import load_preset

    p = load_preset("circle")
    p.graph = shape.graph()
    p.train.optimizer, p.train.learning_rate = optimizer, lr
    return p


def test_per_layer_models_train():
    from engine.graph.mlp import MLPShape
    from engine.train import Session

    plain = Session(_circle_project(MLPShape([4, 4], activations=["tanh", "relu"])), device="cpu")
    assert plain._fast is not None  # mixed activations keep the fast path
    plain.train(epochs=3)
    shape = MLPShape([4, 4], "tanh", dropout=[0.2, 0.0], batchnorm=[True, False], residual=[False, True])
    s = Session(_circle_project(shape), device="cpu")
    assert s._fast is None  # batch norm and dropout need autograd
    kinds = {type(m).__name__ for m in s.model.modules()}
    assert {"BatchNorm1d", "Dropout"} <= kinds
    m = s.train(epochs=3)
    assert s.epoch == 3 and all(np.isfinite(v) for v in s.evaluate().values())
    assert m is not None


def test_batchnorm_and_dropout_still_learn_the_circle():
    import torch

    from engine.graph.mlp import MLPShape
    from engine.train import Session

    torch.manual_seed(0)
    shape = MLPShape([6, 6], "tanh", dropout=[0.1, 0.0], batchnorm=[True, True], residual=[False, True])
    s = Session(_circle_project(shape, "adam", 0.03), device="cpu")
    assert s._fast is None
    s.train(epochs=40)
    assert s.evaluate()["test_acc"] > 0.8


def test_groups_round_trip_and_follow_node_removal():
    g = mlp_graph([4, 3])
    g.add_group("Hidden 1", ["dense1", "act1"])
    g.add_group("Hidden 2", ["dense2", "act2"])
    data = graph_to_dict(g)
    assert data["groups"] == [
        {"name": "Hidden 1", "nodes": ["dense1", "act1"]},
        {"name": "Hidden 2", "nodes": ["dense2", "act2"]},
    ]
    back = graph_from_dict(data)
    assert back == g and back.groups == g.groups
    back.groups["Hidden 1"] = ["dense1"]
    assert back != g  # equality sees the blocks
    g.remove_node("dense1")
    assert g.groups["Hidden 1"] == ["act1"]
    g.remove_node("act1")
    assert "Hidden 1" not in g.groups  # an emptied block goes away
    assert g.group_of("act2") == "Hidden 2"


def test_group_refusals_and_regrouping():
    g = mlp_graph([4])
    g.add_group("A", ["dense1", "act1"])
    with pytest.raises(GraphError, match="already exists"):
        g.add_group("A", ["head"])
    with pytest.raises(GraphError, match="no node 'nope'"):
        g.add_group("B", ["nope"])
    g.add_group("B", ["act1", "head"])  # act1 moves to B: blocks do not nest
    assert g.groups == {"A": ["dense1"], "B": ["act1", "head"]}
    assert g.remove_group("A") == ["dense1"]
    with pytest.raises(GraphError, match="no block named 'A'"):
        g.remove_group("A")


def test_files_without_groups_still_load_and_bad_groups_are_refused():
    data = graph_to_dict(mlp_graph([4]))
    assert "groups" not in data
    assert graph_from_dict(data).groups == {}
    with pytest.raises(GraphError, match=r"groups\[0\]\.name must be text, not a whole number"):
        graph_from_dict({**data, "groups": [{"name": 3, "nodes": []}]})
