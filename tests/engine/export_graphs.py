"""Graphs for the export tests: one that uses every node type of the catalogue."""

from engine.graph import Graph
from engine.project import Project
from engine.settings import DataSettings, TrainSettings

# (id, type, params) in creation order, then edges "src.port -> dst.port"
ZOO_NODES = [
    ("input", "Input", {}),
    ("feat", "Features", {"features": ["x1", "x2", "x1^2", "sin x2"]}),
    ("poly", "Polynomial", {"degree": 3, "scale": 10.0}),
    ("d1", "Dense", {"units": 8, "init": "he"}),
    ("ln", "LayerNorm", {}),
    ("a1", "Activation", {"fn": "gelu"}),
    ("rs", "Reshape", {"shape": [2, 2, 2]}),
    ("conv", "Conv2d", {"channels": 4, "init": "xavier"}),
    ("bn", "BatchNorm", {}),
    ("act", "Activation", {"fn": "leaky_relu"}),
    ("up", "Upsample", {"scale": 2, "mode": "bilinear"}),
    ("mp", "MaxPool2d", {}),
    ("ct", "ConvTranspose2d", {"channels": 3}),
    ("ap", "AvgPool2d", {}),
    ("fl", "Flatten", {}),
    ("cat", "Concat", {}),
    ("sp", "Split", {"first": 10}),
    ("samp", "Sampling", {}),
    ("drop", "Dropout", {"p": 0.1}),
    ("head", "Dense", {"units": 1}),
    ("out", "Output", {"loss": "bce"}),
    ("recon", "Dense", {"units": 4, "bias": False, "init": "uniform"}),
    ("sig", "Activation", {"fn": "sigmoid"}),
    ("rec_out", "Output", {"loss": "mse", "weight": 0.5}),
    ("skip", "Add", {}),
    ("aux", "Dense", {"units": 1, "init": "zeros"}),
    ("aux_out", "Output", {"loss": "bce", "weight": 0.25}),
    ("total", "LossSum", {"wb": 0.1}),
]
ZOO_EDGES = """input.x feat.x; feat.out poly.x; poly.out d1.x; d1.out ln.x; ln.out a1.x;
a1.out rs.x; rs.out conv.x;
conv.out bn.x; bn.out act.x; act.out up.x; up.out mp.x; mp.out ct.x; ct.out ap.x; ap.out fl.x;
fl.out cat.a; a1.out cat.b; cat.out sp.x; sp.a samp.mean; sp.b samp.logvar; samp.z drop.x;
drop.out head.x; head.out out.pred; input.y out.target; samp.z recon.x; recon.out sig.x;
sig.out rec_out.pred; feat.out rec_out.target; sig.out skip.a; feat.out skip.b; skip.out aux.x;
aux.out aux_out.pred; input.y aux_out.target; rec_out.loss total.a; samp.kl total.b"""


def zoo_project(**train) -> Project:
    g = Graph()
    for node_id, kind, params in ZOO_NODES:
        g.add_node(kind, params, id=node_id)
    for pair in ZOO_EDGES.replace("\n", " ").split(";"):
        src, dst = pair.split()
        g.connect(*src.split("."), *dst.split("."))
    settings = {
        "optimizer": "adam",
        "learning_rate": 0.01,
        "batch_size": 32,
        "seed": 5,
        "regularization": "l2",
        "reg_rate": 0.001,
        **train,
    }
    return Project(
        g,
        DataSettings(name="circle", samples=200),
        TrainSettings(**settings),
        name="zoo",
        description="Every node type of the catalogue in one graph.",
    )
