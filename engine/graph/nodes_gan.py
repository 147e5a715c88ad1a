"""Node types of a GAN: the generator's noise and output, and the adversarial loss.

A GAN graph holds both networks (``engine.graph.gan`` finds them): a Noise node feeds
the generator's layers, which end in a Generated node; the dataset's Input feeds the
discriminator's layers, which end in an Adversarial node. The adversarial trainer
(``engine.train.adversarial``) feeds the generator's samples to the discriminator's
input too, by convention, so no edge joins the two chains.
"""

from __future__ import annotations

from engine.errors import GraphError
from engine.graph.nodetype import NodeType, Param, Port, PortValue, tensor

GAN_TYPES = ("Noise", "Generated", "Adversarial")
GAN_LOSSES = ("non_saturating", "minimax")


def _infer_generated(p, i):
    tensor(i["x"], "Generated")
    return {}


def _infer_adversarial(p, i):
    logit = tensor(i["logit"], "Adversarial", "logit")
    if logit.shape != (1,):
        raise GraphError(
            f"Adversarial expects the discriminator's one logit per sample (N, 1); this port gives {logit}."
        )
    return {"loss": PortValue("loss", ())}


NODES = [
    NodeType(
        "Noise",
        "Generative",
        (),
        (Port("z"),),
        (
            Param(
                "size", "int", 2, low=1, high=4096, help="How many random numbers each sample starts from."
            ),
            Param(
                "distribution",
                "choice",
                "normal",
                ("normal", "uniform"),
                help="normal: standard normal; uniform: uniform in [-1, 1].",
            ),
        ),
        infer=lambda p, i: {"z": PortValue("tensor", (p["size"],))},
        doc="A GAN generator's input: a batch of random latent vectors.",
    ),
    NodeType(
        "Generated",
        "Generative",
        (Port("x"),),
        (),
        (),
        infer=_infer_generated,
        doc="A GAN generator's output: fake samples shaped like the data, which the "
        "discriminator sees as well as the real ones.",
    ),
    NodeType(
        "Adversarial",
        "Generative",
        (Port("logit"),),
        (Port("loss", "loss"),),
        (
            Param(
                "loss",
                "choice",
                "non_saturating",
                GAN_LOSSES,
                help="The generator's loss: non_saturating maximises log D(G(z)); "
                "minimax minimises log(1 - D(G(z))), which stalls when D wins.",
            ),
            Param(
                "label_smoothing",
                "float",
                0.0,
                low=0.0,
                high=0.5,
                help="Real samples' target is 1 minus this (one-sided label smoothing).",
            ),
            Param(
                "instance_noise",
                "float",
                0.0,
                low=0.0,
                high=10.0,
                help="Standard deviation of Gaussian noise added to every sample the discriminator sees.",
            ),
            Param("d_steps", "int", 1, low=1, high=20, help="Discriminator steps per generator step (k)."),
        ),
        infer=_infer_adversarial,
        doc="A GAN's losses: the discriminator's logit on real and on generated samples "
        "gives its loss and the generator's.",
    ),
]
