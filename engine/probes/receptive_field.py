"""Receptive fields: which input pixels one unit of an image-shaped layer can see.

Two answers, side by side. The theoretical field follows from the kernel sizes,
strides, paddings and dilations of the convolutions and poolings on the way
(Araujo et al., 2019, "Computing receptive fields of convolutional neural networks"):
each such layer grows the field by ``(k_eff - 1) * jump`` input pixels and multiplies
the jump (input pixels between neighbouring units) by its stride. The effective field
is what the trained network actually uses: the gradient of the unit's activation with
respect to the input image (Luo et al., 2016), always inside the theoretical box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from engine.probes.registry import COSTLY, register
from engine.probes.vision import image_layers

WINDOWED = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)  # layers that look at a window of pixels
EFFECTIVE_SHARE = 0.01  # pixels with at least this share of the largest gradient count as used


@dataclass(frozen=True)
class Field:
    """The field of a layer's units, per axis (rows, columns): ``size`` input pixels
    across, ``jump`` input pixels between neighbouring units, ``start`` the input
    coordinate (pixel centres count 0, 1, ...) of unit 0's centre."""

    size: tuple[float, float] = (1.0, 1.0)
    jump: tuple[float, float] = (1.0, 1.0)
    start: tuple[float, float] = (0.0, 0.0)

    def through(self, layer: nn.Module) -> Field:
        """The field after ``layer`` (a convolution or pooling)."""
        k, s, p, d = (_pair(getattr(layer, a, 1)) for a in ("kernel_size", "stride", "padding", "dilation"))
        size, jump, start = [], [], []
        for a in range(2):
            k_eff = d[a] * (k[a] - 1) + 1
            size.append(self.size[a] + (k_eff - 1) * self.jump[a])
            start.append(self.start[a] + ((k_eff - 1) / 2 - p[a]) * self.jump[a])
            jump.append(self.jump[a] * s[a])
        return Field((size[0], size[1]), (jump[0], jump[1]), (start[0], start[1]))

    def box(self, row: int, col: int) -> tuple[float, float, float, float]:
        """(top, left, bottom, right), inclusive pixel coordinates, of unit (row, col)'s
        field; it may reach past the image where the padding is."""
        cy, cx = self.start[0] + row * self.jump[0], self.start[1] + col * self.jump[1]
        hy, hx = (self.size[0] - 1) / 2, (self.size[1] - 1) / 2
        return cy - hy, cx - hx, cy + hy, cx + hx


def _pair(v) -> tuple[int, int]:
    if isinstance(v, tuple | list):
        return int(v[0]), int(v[1])
    if v is None:  # a pooling's stride defaults to its kernel; torch already filled it in
        return 1, 1
    return int(v), int(v)


def fields(model) -> dict[str, Field | None]:
    """value key -> the field of its units, for every value the graph computes; None
    where a layer on the way (a transposed convolution, an upsampling, a reshape) mixes
    positions in a way this does not follow."""
    known: dict[str, Field | None] = {f"{i}.x": Field() for i in model.inputs}
    for node, _out, ins in model.steps:
        layer = model.layers[node]
        before = [known.get(k) for k in ins]
        if not before or any(f is None for f in before):
            field = None
        elif isinstance(layer, WINDOWED):
            field = before[0].through(layer)  # type: ignore[union-attr]
        elif (
            isinstance(layer, nn.ConvTranspose2d | nn.Upsample | nn.Flatten | nn.Linear)
            or len(model.outputs[node]) > 1
        ):
            field = None
        else:  # element-wise (activations, batch norm, dropout) or a merge of aligned maps
            first = before[0]
            size = tuple(max(f.size[a] for f in before) for a in range(2))  # type: ignore[union-attr]
            field = Field((size[0], size[1]), first.jump, first.start)  # type: ignore[union-attr]
        for key in model.outputs[node]:
            known[key] = field
    return known


def _int(value, name: str, upper: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < upper:
        raise ValueError(f"{name} must be a whole number from 0 to {upper - 1}, not {value!r}")
    return value


def receptive_field(ctx, args) -> dict:
    """The probe: for unit (``channel``, ``position`` = [row, col], None: the centre) of
    image-shaped layer ``layer`` (None: the first) and test sample ``sample``: the
    sample's ``image`` (C, H, W), the channel's ``map`` (h, w), the theoretical ``box``
    (top, left, bottom, right, clipped to the image) and its ``size`` (rows, cols), the
    ``effective`` field (H, W: |gradient| summed over channels) and its ``effective_box``."""
    data = ctx.dataset.x_test
    sample = _int(args["sample"], "sample", len(data))
    device = getattr(ctx, "device", torch.device("cpu"))
    model = ctx.model
    x = torch.as_tensor(np.asarray(data[sample : sample + 1], np.float32), device=device)
    layers = image_layers(model, x)
    if not layers:
        raise ValueError("this network has no layer with image-shaped output")
    known = fields(model)
    drawable = [name for name, key in layers.items() if known.get(key) is not None]
    if args["layer"] is None and not drawable:
        raise ValueError("this network has no layer whose receptive field can be drawn (no convolutions)")
    layer = args["layer"] if args["layer"] is not None else drawable[0]
    if layer not in layers:
        raise ValueError(f"there is no image-shaped layer {layer!r}; choose one of {', '.join(layers)}")
    field = known.get(layers[layer])
    if field is None:
        raise ValueError(f"the receptive field of '{layer}' passes a layer that moves pixels around")
    was_training = model.training
    model.eval()
    try:
        x = x.clone().requires_grad_(True)
        value = model.values(x)[layers[layer]][0]
        channel = _int(args["channel"], "channel", value.shape[0])
        h, w = value.shape[1:]
        position = args["position"]
        row, col = (h // 2, w // 2) if position is None else (position[0], position[1])
        row, col = _int(row, "the row", h), _int(col, "the column", w)
        (grad,) = torch.autograd.grad(value[channel, row, col], x)
    finally:
        model.train(was_training)
    effective = grad[0].abs().sum(0).float().cpu().numpy()
    height, width = effective.shape
    top, left, bottom, right = field.box(row, col)
    box = np.array([max(0, top), max(0, left), min(height - 1, bottom), min(width - 1, right)], np.float32)
    used = np.argwhere(effective >= EFFECTIVE_SHARE * effective.max()) if effective.max() > 0 else None
    eff_box = (
        np.array([*used.min(0), *used.max(0)], np.float32)
        if used is not None
        else np.full(4, np.nan, np.float32)
    )
    return {
        "image": np.array(data[sample], np.float32),
        "map": value[channel].detach().float().cpu().numpy().copy(),
        "box": box,
        "size": np.array(field.size, np.float32),
        "jump": np.array(field.jump, np.float32),
        "effective": effective,
        "effective_box": eff_box,
        "layer": layer,
        "channel": channel,
        "position": np.array([row, col], np.int64),
        "sample": sample,
    }


def _applies(ctx) -> bool:
    model = getattr(ctx, "model", None)  # a network with convolutions: dense layers have no field
    return (
        model is not None
        and np.ndim(ctx.dataset.x_test) == 4
        and any(isinstance(m, nn.Conv2d) for m in model.modules())
    )


register(
    "receptive_field",
    receptive_field,
    cost=COSTLY,
    applies=_applies,
    args={"layer": None, "channel": 0, "position": None, "sample": 0},
)
