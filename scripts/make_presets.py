"""Write the built-in presets in resources/presets (run after changing them here).

The presets are data; this script only spares us hand-writing their graph JSON.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.graph.mlp import mlp_graph  # noqa: E402
from engine.project import Project  # noqa: E402
from engine.settings import DataSettings, TrainSettings  # noqa: E402
from resources import PRESETS  # noqa: E402

TF_DEFAULT = dict(learning_rate=0.03, batch_size=10)


def playground(name, dataset, text, *, regression=False, hidden=(4, 2), act="tanh",
               features=("x1", "x2"), stop=500, train=None, data=None):
    graph = mlp_graph(list(hidden), act, features=list(features),
                      loss="mse" if regression else "bce")
    return Project(graph, DataSettings(name=dataset, **(data or {})),
                   TrainSettings(**{**TF_DEFAULT, "stop_epochs": stop, **(train or {})}),
                   name=name, description=text)


PRESET_LIST = [
    playground("circle", "circle", "Circle: one class inside a ring of the other (TF Playground's default)."),
    playground("xor", "xor", "XOR: classes in opposite quadrants; no straight line separates them."),
    playground("gauss", "gauss", "Two Gaussians: two blobs a straight line can separate."),
    playground("spiral", "spiral", "Spiral: two interleaved arms, hard for a small network."),
    playground("reg-plane", "reg-plane", "Regression on a tilted plane: the target grows with x1 + x2.",
               regression=True),
    playground("reg-gauss", "reg-gauss", "Regression on six Gaussian bumps of alternating sign.",
               regression=True),
    playground("spiral-deep", "spiral",
               "Spiral with a deeper network and sine features, reaching 95% test accuracy.",
               hidden=(16, 16, 16), act="tanh",
               features=("x1", "x2", "sin x1", "sin x2"), stop=400,
               train=dict(optimizer="adam", learning_rate=0.01, batch_size=16)),
]

if __name__ == "__main__":
    PRESETS.mkdir(parents=True, exist_ok=True)
    for p in PRESET_LIST:
        (PRESETS / f"{p.name}.json").write_text(json.dumps(p.to_dict(), indent=1) + "\n")
        print("wrote", p.name)
