"""The GAN presets' graphs, built in code (scripts/make_presets.py and tests use them)."""

from __future__ import annotations

from engine.graph.layout import lay_out
from engine.graph.model import Graph


def _chain(g: Graph, ids: list[str]) -> None:
    for a, b in zip(ids, ids[1:]):
        src = {"Input": "x", "Noise": "z"}.get(g.nodes[a].type, "out")
        dst = "logit" if g.nodes[b].type == "Adversarial" else "x"
        g.connect(a, src, b, dst)


def _build(generator: list, discriminator: list, noise: dict, adversarial: dict) -> Graph:
    g = Graph()
    g.add_node("Noise", noise, id="noise")
    for node_id, type_, params in generator:
        g.add_node(type_, params, id=node_id)
    g.add_node("Generated", {}, id="generated")
    g.add_node("Input", {}, id="input")
    for node_id, type_, params in discriminator:
        g.add_node(type_, params, id=node_id)
    g.add_node("Adversarial", adversarial, id="adversarial")
    _chain(g, ["noise", *(n for n, _, _ in generator), "generated"])
    _chain(g, ["input", *(n for n, _, _ in discriminator), "adversarial"])
    return lay_out(g)


def gan_2d(width: int = 32, depth: int = 2, latent: int = 2, **adversarial) -> Graph:
    """GAN Lab's set-up made to converge: two ReLU layers of 32 in each network."""

    def mlp(prefix: str, out: int) -> list:
        layers = []
        for i in range(1, depth + 1):
            layers += [
                (f"{prefix}{i}", "Dense", {"units": width}),
                (f"{prefix}relu{i}", "Activation", {"fn": "relu"}),
            ]
        return [*layers, (f"{prefix}out", "Dense", {"units": out})]

    return _build(mlp("g", 2), mlp("d", 1), {"size": latent}, adversarial)


def dcgan_8x8(latent: int = 16, **adversarial) -> Graph:
    """A DCGAN for 8×8 images: dense to 64×2×2, two transposed convolutions up to 8×8
    (sigmoid pixels); two strided convolutions down and a logit."""
    generator = [
        ("gdense", "Dense", {"units": 256}),
        ("gbn0", "BatchNorm", {}),
        ("grelu0", "Activation", {"fn": "relu"}),
        ("gshape", "Reshape", {"shape": [64, 2, 2]}),
        ("gup1", "ConvTranspose2d", {"channels": 32, "kernel": 4, "stride": 2, "padding": 1}),
        ("gbn1", "BatchNorm", {}),
        ("grelu1", "Activation", {"fn": "relu"}),
        ("gup2", "ConvTranspose2d", {"channels": 1, "kernel": 4, "stride": 2, "padding": 1}),
        ("gpixels", "Activation", {"fn": "sigmoid"}),
    ]
    discriminator = [
        ("dconv1", "Conv2d", {"channels": 32, "kernel": 4, "stride": 2, "padding": 1}),
        ("dleaky1", "Activation", {"fn": "leaky_relu"}),
        ("dconv2", "Conv2d", {"channels": 64, "kernel": 4, "stride": 2, "padding": 1}),
        ("dleaky2", "Activation", {"fn": "leaky_relu"}),
        ("dflat", "Flatten", {}),
        ("dout", "Dense", {"units": 1}),
    ]
    return _build(generator, discriminator, {"size": latent}, adversarial)
