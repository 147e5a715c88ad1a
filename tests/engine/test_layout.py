from engine.graph import Graph
from engine.graph.layout import layered_layout, layers
from engine.graph.mlp import mlp_graph


def _boxes_overlap(a, b, size):
    return (abs(a[0] - b[0]) < size[0]) and (abs(a[1] - b[1]) < size[1])


def test_every_edge_points_right_and_no_boxes_overlap():
    g = mlp_graph([4, 3])
    g.add_node("Add", id="res")
    g.connect("act1", "out", "res", "a")
    g.connect("act1", "out", "res", "b")
    pos = layered_layout(g)
    assert set(pos) == set(g.nodes)
    for e in g.edges:
        assert pos[e.dst][0] > pos[e.src][0], str(e)
    ids = list(pos)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            assert not _boxes_overlap(pos[a], pos[b], (160, 80)), (a, b)


def test_layers_are_longest_paths():
    g = mlp_graph([4])
    depth = layers(g)
    assert depth["input"] == 0
    # the head reads dense1 -> act1 -> head, and the Output reads both the head and Input.y
    assert depth["output"] == max(depth[e.src] for e in g.edges if e.dst == "output") + 1


def test_sizes_set_column_widths_and_row_heights():
    g = Graph()
    g.add_node("Input", id="in")
    g.add_node("Dense", id="a")
    g.add_node("Dense", id="b")
    g.connect("in", "x", "a", "x")
    g.connect("in", "x", "b", "x")
    pos = layered_layout(g, {"in": (300, 50), "a": (100, 200), "b": (100, 100)}, gap_x=10, gap_y=5)
    assert pos["a"][0] == pos["b"][0] == 310
    top, bottom = sorted([pos["a"], pos["b"]], key=lambda p: p[1])
    first = "a" if pos["a"] == top else "b"
    assert bottom[1] - top[1] == {"a": 200, "b": 100}[first] + 5
    assert pos["in"] == (0.0, -25.0)  # a single node is centred on y = 0


def test_barycenter_sweeps_untangle_crossings():
    g = Graph()
    for i in ("a1", "a2"):
        g.add_node("Input", id=i)
    for i in ("b1", "b2"):
        g.add_node("Dense", id=i)
    # b1 listed first but fed by a2, b2 fed by a1: the layout should put b2 above b1
    g.connect("a2", "x", "b1", "x")
    g.connect("a1", "x", "b2", "x")
    pos = layered_layout(g)
    assert (pos["a1"][1] < pos["a2"][1]) == (pos["b2"][1] < pos["b1"][1])


def test_empty_graph_and_determinism():
    assert layered_layout(Graph()) == {}
    g = mlp_graph([8, 8, 8])
    assert layered_layout(g) == layered_layout(g.copy())
