"""``train.py`` and ``README.md`` of an export: the project's training, written out.

The script repeats what ``engine.train.session.Session`` does, step for step, so
that it reproduces Nodeplay's loss curve on the CPU: the model is built right after
``torch.manual_seed(seed)``, each epoch shuffles with ``torch.randperm`` from a
``torch.Generator`` seeded once, batches take ``batch_size`` samples in that order,
the L1/L2 penalty acts on Linear and convolution weights only, and the test split is evaluated
in eval mode after every epoch. The train figures follow ``engine.train.epoch_metrics``:
for images the mean over the epoch's mini-batches (``batch_means``), otherwise the
whole train set evaluated as the test split is; images also take torch's fused
optimizer step, as Nodeplay does (``engine.train.optim``). Under torchrun it wraps the model in
DistributedDataParallel and each process trains on its shard of every permutation.
"""

from __future__ import annotations

import textwrap

from engine.export.codegen import docstring_text
from engine.export.python_code import ModelCode
from engine.project import Project
from engine.train.optim import FUSED

OPTIMIZER_CODE = {
    "sgd": "torch.optim.SGD(params, lr=LEARNING_RATE)",
    "momentum": "torch.optim.SGD(params, lr=LEARNING_RATE, momentum=0.9)",
    "rmsprop": "torch.optim.RMSprop(params, lr=LEARNING_RATE)",
    "adam": "torch.optim.Adam(params, lr=LEARNING_RATE)",
    "adagrad": "torch.optim.Adagrad(params, lr=LEARNING_RATE)",
    "adadelta": "torch.optim.Adadelta(params, lr=LEARNING_RATE)",
    "rprop": "torch.optim.Rprop(params, lr=LEARNING_RATE)",
}
ACCURACY_CODE = {
    "bce": "((pred[:, 0] > 0).long() == y).float().mean().item()",
    "cross_entropy": "(pred.argmax(1) == y).float().mean().item()",
}
DEFAULT_EPOCHS = 100  # when the project stops on a loss only, or not at all

TEMPLATE = '''"""Train {name} as Nodeplay does: same data, loss, optimizer, batches and seed.

    python train.py                              one process; Nodeplay's curve on the CPU
    torchrun --nproc_per_node 2 train.py         DistributedDataParallel, one shard each

Exported from Nodeplay; it needs only torch and numpy.
"""

import argparse
import os

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from model import Model
from weights import save_weights

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = {seed}
EPOCHS = {epochs}
STOP_LOSS = {stop_loss}  # stop early once the training loss is at most this
BATCH_SIZE = {batch_size}
LEARNING_RATE = {lr}
REGULARIZATION = "{reg}"  # none, l1 or l2, on the layers' weights (not the biases)
REG_RATE = {reg_rate}


def make_optimizer(params):
    return {optimizer}


def penalty(model):
    layers = (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)
    weights = [m.weight for m in model.modules() if isinstance(m, layers)]
    if REGULARIZATION == "l1":
        return REG_RATE * sum(w.abs().sum() for w in weights)
    return REG_RATE * 0.5 * sum((w * w).sum() for w in weights)


def accuracy(pred, y):
    return {accuracy}


def load_data(device):
    """{data_note}"""
    with np.load(os.path.join(HERE, "data.npz"), allow_pickle=False) as d:
        names = ("x_train", "y_train", "x_test", "y_test")
        return [torch.from_numpy(d[k]).to(device) for k in names]


{batch_means}def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        loss, pred = model(x, y)
    model.train()
    return loss.item(), accuracy(pred, y)


def start(device_name):
    """Rank, process count and device; torchrun announces itself through WORLD_SIZE."""
    if "WORLD_SIZE" not in os.environ:
        return 0, 1, torch.device(device_name)
    cuda = device_name == "cuda"
    dist.init_process_group("nccl" if cuda else "gloo")
    device = torch.device("cpu")
    if cuda:
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)
    return dist.get_rank(), dist.get_world_size(), device


def shard(order, rank, world):
    """This process's share of the permutation; padded so every share is as long."""
    if world == 1:
        return order
    order = torch.cat([order, order[: -len(order) % world]])
    return order[rank::world]


def main():
    parser = argparse.ArgumentParser(description="Train the exported model.")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--out", default="trained.safetensors", help="trained weights")
    args = parser.parse_args()
    rank, world, device = start(args.device)

    torch.manual_seed(args.seed)
    model = Model().to(device)  # the same initial weights as Nodeplay's for this seed
    x_train, y_train, x_test, y_test = load_data(device){ddp}
    optimizer = make_optimizer(model.parameters())
    shuffle = torch.Generator().manual_seed(args.seed)
    n = len(x_train)
    for epoch in range(1, args.epochs + 1):
        order = shard(torch.randperm(n, generator=shuffle), rank, world).to(device)
        batch = min(BATCH_SIZE, len(order)){seen_init}
        for first in range(0, len(order), batch):
            idx = order[first : first + batch]
{batch_loss}
            if REGULARIZATION != "none" and REG_RATE != 0:
                loss = loss + penalty(model)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        train_loss, train_acc = {train_metrics}
        test_loss, test_acc = evaluate(model, x_test, y_test)
        if rank == 0:
            print(
                f"epoch {{epoch}}  train loss {{train_loss:.6f}}  test loss {{test_loss:.6f}}"
                f"  train acc {{train_acc:.4f}}  test acc {{test_acc:.4f}}",
                flush=True,
            )
        if STOP_LOSS is not None and train_loss <= STOP_LOSS:
            break
    if rank == 0:
        save_weights(model.state_dict(), args.out)
    if world > 1:
        dist.barrier()  # no process leaves while another still talks to it
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
'''

# engine.train.epoch_metrics: for images the train figures come from the epoch's batches
BATCH_MEANS = '''def batch_means(seen, world):
    """The epoch's train loss and accuracy as Nodeplay reports them for images: the
    mean over its mini-batches, each weighted by its size (summed over the processes
    under torchrun)."""
    losses = torch.stack([s[0] for s in seen])
    sizes = torch.tensor([s[1] for s in seen], dtype=losses.dtype, device=losses.device)
{right}
    sums = torch.stack([(losses * sizes).sum(), right, sizes.sum()])
    if world > 1:
        dist.all_reduce(sums)
    return (sums[0] / sums[2]).item(), (sums[1] / sums[2]).item()


'''
RIGHT_CODE = {
    "bce": "((pred[:, 0] > 0).long() == y).sum().to(losses.dtype)",
    "cross_entropy": "(pred.argmax(1) == y).sum().to(losses.dtype)",
}
PREDICTIONS = """    pred = torch.cat([s[2] for s in seen])
    y = torch.cat([s[3] for s in seen])
    right = """
NO_CLASSES = '    right = torch.full_like(sizes[0], float("nan"))  # no classes: no accuracy'
EXACT_LOSS = "            loss, _ = net(x_train[idx], y_train[idx])"
BATCH_LOSS = """            loss, pred = net(x_train[idx], y_train[idx])
            seen.append((loss.detach(), len(idx), pred.detach(), y_train[idx]))"""
BATCH_LOSS_ONLY = """            loss, _ = net(x_train[idx], y_train[idx])
            seen.append((loss.detach(), len(idx)))"""
SEEN = "\n        seen = []  # each mini-batch's loss and size (and prediction and targets)"

DDP = """
    net = model
    if world > 1:  # gradients are averaged over the processes after every step
        net = DistributedDataParallel(model{unused})"""


def train_source(project: Project, code: ModelCode, data_note: str, batch_metrics: bool = False) -> str:
    """``batch_metrics``: the train figures are the mean over each epoch's batches
    (``engine.train.epoch_metrics.from_batches`` of the project's data)."""
    t = project.train
    epochs = t.stop_epochs or DEFAULT_EPOCHS
    kind = code.main_loss if code.main_on_data else None
    right = PREDICTIONS + RIGHT_CODE[kind] if kind in RIGHT_CODE else NO_CLASSES
    return TEMPLATE.format(
        batch_means=BATCH_MEANS.format(right=right) if batch_metrics else "",
        seen_init=SEEN if batch_metrics else "",
        batch_loss=(BATCH_LOSS if kind in RIGHT_CODE else BATCH_LOSS_ONLY) if batch_metrics else EXACT_LOSS,
        train_metrics="batch_means(seen, world)" if batch_metrics else "evaluate(model, x_train, y_train)",
        name=_clean(project.name),
        seed=t.seed,
        epochs=epochs,
        stop_loss=repr(t.stop_loss) if t.stop_loss is not None else "None",
        batch_size=t.batch_size,
        lr=repr(float(t.learning_rate)),
        reg=t.regularization,
        reg_rate=repr(float(t.reg_rate)),
        optimizer=OPTIMIZER_CODE[t.optimizer].replace(")", ", fused=True)")
        if batch_metrics and t.optimizer in FUSED
        else OPTIMIZER_CODE[t.optimizer],
        accuracy=(
            ACCURACY_CODE.get(code.main_loss, 'float("nan")  # a regression: no classes')
            if code.main_on_data
            else 'float("nan")  # a reconstruction: no classes'
        ),
        data_note=_docstring(f"The project's train and test split as Nodeplay made it: {data_note}."),
        ddp=DDP.format(unused=", find_unused_parameters=True" if code.unused_params else ""),
    )


RANDOM_NOTE = (
    "This network draws random numbers while training (dropout or sampling) from "
    "torch's global generator. `train.py` seeds it before building the model, as "
    "Nodeplay does, so on the CPU the curves match; on another device or torch "
    "version the draws, and so the curve, may differ slightly."
)
MEANING = {
    "bce": "one logit per sample: class 1 where it is above 0",
    "cross_entropy": "one logit per class: the largest wins",
}


def readme_text(project: Project, code: ModelCode, trained: bool, data_note: str) -> str:
    if not trained:
        weights = (
            f"the initial weights for seed {project.train.seed}: the project was not "
            "trained when it was exported"
        )
    elif project.epoch == 0:
        weights = "the project's weights before any training (epoch 0)"
    else:
        weights = f"the weights Nodeplay trained (epoch {project.epoch})"
    lines = [
        f"# {_clean(project.name)}",
        "",
        _clean(project.description) or "A network exported from Nodeplay.",
        "",
        "Exported from Nodeplay. It needs only Python with torch and numpy.",
        "",
        "| file | what it holds |",
        "|---|---|",
        "| `model.py` | the network as a `torch.nn.Module` (`Model`) |",
        "| `train.py` | the project's training: data, loss, optimizer, batch size and seed |",
        "| `weights.py` | reads and writes safetensors files with numpy alone |",
        f"| `weights.safetensors` | {weights} |",
        f"| `data.npz` | the train and test split: {data_note} |",
        "",
        "## Train",
        "",
        "```sh",
        "python train.py                    # Nodeplay's loss curve, epoch by epoch, on the CPU",
        "python train.py --epochs 10 --seed 3 --out mine.safetensors",
        "torchrun --nproc_per_node 4 train.py   # DistributedDataParallel; --device cuda for GPUs",
        "```",
        "",
        "Under torchrun each process trains on its share of every epoch's shuffled order and",
        "the gradients are averaged, so one step sees the batch size times the process count.",
        "",
        *([RANDOM_NOTE, ""] if code.random else []),
        "## Predict",
        "",
        "```python",
        "import numpy as np",
        "import torch",
        "from model import Model",
        "from weights import load_weights",
        "",
        "model = Model()",
        'model.load_state_dict(load_weights("weights.safetensors"))',
        "model.eval()",
        'x = torch.from_numpy(np.load("data.npz")["x_test"])',
        "with torch.no_grad():",
        "    prediction = model(x)  # " + MEANING.get(code.main_loss, "predicted values"),
        "```",
        "",
    ]
    return "\n".join(lines)


def _docstring(text: str) -> str:
    """A function's one-paragraph docstring body, wrapped to fit the line width."""
    lines = textwrap.wrap(_clean(text), 80)
    return "\n    ".join(lines)


def _clean(text: str) -> str:
    """Text safe inside a docstring or a Markdown heading, on one line."""
    return " ".join(docstring_text(str(text).replace('"""', "'''").replace("\\", "/")).split())
