"""``train.py`` and ``README.md`` of an exported GAN: the adversarial training, written out.

The script repeats what ``engine.train.adversarial.GanTrainer`` does, step for step:
``Gan()`` right after ``torch.manual_seed(seed)``, one ``torch.Generator`` seeded once
for the real batches and the noise, k discriminator steps (each on a fresh real and a
fresh generated batch) per generator step, the chosen generator loss, one-sided label
smoothing, instance noise, and Adam with DCGAN's β1 = 0.5.
"""

from __future__ import annotations

from engine.export.gan_code import GanCode
from engine.export.train_script import DEFAULT_EPOCHS, OPTIMIZER_CODE, _clean, _docstring
from engine.project import Project

# DCGAN's β1 = 0.5, as GanTrainer: plain Adam's momentum makes GANs oscillate
GAN_OPTIMIZER_CODE = {
    **OPTIMIZER_CODE,
    "adam": "torch.optim.Adam(params, lr=LEARNING_RATE, betas=(0.5, 0.999))",
}

TEMPLATE = '''"""Train the GAN {name} as Nodeplay does: same data, networks, losses and seed.

    python train.py                      the project's epochs on the CPU
    python train.py --iterations 200     a few iterations (k D-steps and one G-step each)

Exported from Nodeplay; it needs only torch and numpy.
"""

import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F

from model import Gan, noise
from weights import load_weights, save_weights

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = {seed}
EPOCHS = {epochs}  # an epoch is one pass over the real samples
BATCH_SIZE = {batch_size}
LEARNING_RATE = {lr}
D_STEPS = {d_steps}  # discriminator steps per generator step (k)
GENERATOR_LOSS = "{loss}"  # or the other of non_saturating, minimax
LABEL_SMOOTHING = {smoothing}  # real samples' target is 1 minus this
INSTANCE_NOISE = {instance_noise}  # std of Gaussian noise on every sample D sees


def make_optimizer(params):
    return {optimizer}


def load_real(device):
    """{data_note}"""
    with np.load(os.path.join(HERE, "data.npz"), allow_pickle=False) as d:
        return torch.from_numpy(d["x_train"]).to(device)


def noisy(x):
    return x + INSTANCE_NOISE * torch.randn_like(x) if INSTANCE_NOISE > 0 else x


def d_step(gan, d_opt, real, draw, device):
    """One discriminator step on a fresh real batch and a fresh generated one."""
    batch = min(BATCH_SIZE, len(real))
    idx = torch.randint(0, len(real), (batch,), generator=draw)
    real_batch = real[idx.to(device)]
    with torch.no_grad():
        fake = gan.generator(noise(batch, draw).to(device))
    logits = gan.discriminator(noisy(torch.cat([real_batch, fake])))
    on_real, on_fake = logits.reshape(2, batch)
    target = torch.full_like(on_real, 1.0 - LABEL_SMOOTHING)
    loss = F.binary_cross_entropy_with_logits(on_real, target)
    loss = loss + F.softplus(on_fake).mean()  # -log(1 - D(G(z)))
    d_opt.zero_grad(set_to_none=True)
    loss.backward()
    d_opt.step()
    d_real, d_fake = torch.sigmoid(on_real).mean(), torch.sigmoid(on_fake).mean()
    return loss.item(), d_real.item(), d_fake.item()


def g_step(gan, g_opt, real, draw, device):
    """One generator step: the discriminator's verdict on a fresh generated batch."""
    batch = min(BATCH_SIZE, len(real))
    logit = gan.discriminator(noisy(gan.generator(noise(batch, draw).to(device))))
    logit = logit.reshape(-1)
    if GENERATOR_LOSS == "minimax":
        loss = -F.softplus(logit).mean()  # log(1 - D(G(z))), minimised
    else:
        loss = F.softplus(-logit).mean()  # -log D(G(z))
    g_opt.zero_grad(set_to_none=True)
    loss.backward()
    g_opt.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser(description="Train the exported GAN.")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--iterations", type=int, help="this many iterations instead")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--resume", action="store_true", help="start from the weights")
    parser.add_argument("--every", type=int, default=100, help="print every N")
    parser.add_argument("--out", default="trained.safetensors", help="trained weights")
    args = parser.parse_args()
    device = torch.device(args.device)

    torch.manual_seed(args.seed)
    gan = Gan().to(device)  # the same initial weights as Nodeplay's for this seed
    if args.resume:
        gan.load_state_dict(load_weights(os.path.join(HERE, "weights.safetensors")))
    real = load_real(device)
    g_opt = make_optimizer(gan.generator.parameters())
    d_opt = make_optimizer(gan.discriminator.parameters())
    draw = torch.Generator().manual_seed(args.seed)  # real batches and noise
    per_epoch = max(1, len(real) // (min(BATCH_SIZE, len(real)) * D_STEPS))
    total = args.iterations if args.iterations is not None else args.epochs * per_epoch
    for it in range(1, total + 1):
        for _ in range(D_STEPS):
            d_loss, d_real, d_fake = d_step(gan, d_opt, real, draw, device)
        g_loss = g_step(gan, g_opt, real, draw, device)
        if it % args.every == 0 or it == total:
            print(
                f"iteration {{it}}  d loss {{d_loss:.6f}}  g loss {{g_loss:.6f}}"
                f"  D(x) {{d_real:.4f}}  D(G(z)) {{d_fake:.4f}}",
                flush=True,
            )
    save_weights(gan.state_dict(), args.out)


if __name__ == "__main__":
    main()
'''


def gan_train_source(project: Project, settings: dict, data_note: str) -> str:
    t = project.train
    return TEMPLATE.format(
        name=_clean(project.name),
        seed=t.seed,
        epochs=t.stop_epochs or DEFAULT_EPOCHS,
        batch_size=t.batch_size,
        lr=repr(float(t.learning_rate)),
        d_steps=int(settings["d_steps"]),
        loss=settings["loss"],
        smoothing=repr(float(settings["label_smoothing"])),
        instance_noise=repr(float(settings["instance_noise"])),
        optimizer=GAN_OPTIMIZER_CODE[t.optimizer],
        data_note=_docstring(f"The real samples the GAN imitates: {data_note}."),
    )


NOISE_NOTE = (
    "Instance noise is drawn from torch's global generator, which Nodeplay does not "
    "seed as `train.py` does, so with it the losses differ slightly from Nodeplay's; "
    "without it they are the same, iteration for iteration, on the CPU."
)


def gan_readme_text(project: Project, code: GanCode, settings: dict, trained: bool, data_note: str) -> str:
    if not trained:
        weights = f"the initial weights for seed {project.train.seed}: the GAN was not trained when exported"
    else:
        weights = f"the weights Nodeplay trained (epoch {project.epoch})"
    lines = [
        f"# {_clean(project.name)}",
        "",
        _clean(project.description) or "A GAN exported from Nodeplay.",
        "",
        "Exported from Nodeplay. It needs only Python with torch and numpy.",
        "",
        "| file | what it holds |",
        "|---|---|",
        "| `model.py` | `Generator`, `Discriminator`, `Gan` (both) and `noise(n)` |",
        "| `train.py` | the adversarial training: k D-steps per G-step, losses, optimizers, seed |",
        "| `weights.py` | reads and writes safetensors files with numpy alone |",
        f"| `weights.safetensors` | {weights} |",
        f"| `data.npz` | `x_train`, the real samples: {data_note} |",
        "",
        "## Train",
        "",
        "```sh",
        "python train.py                     # from the seed's initial weights",
        "python train.py --iterations 500 --resume --out more.safetensors",
        "```",
        "",
        *([NOISE_NOTE, ""] if settings["instance_noise"] > 0 else []),
        "## Generate",
        "",
        "```python",
        "import torch",
        "from model import Gan, noise",
        "from weights import load_weights",
        "",
        "gan = Gan()",
        'gan.load_state_dict(load_weights("weights.safetensors"))',
        "gan.eval()",
        "with torch.no_grad():",
        f"    z = noise(64, torch.Generator().manual_seed(0))  # {code.latent} random numbers per sample",
        "    samples = gan.generator(z)",
        "```",
        "",
    ]
    return "\n".join(lines)
