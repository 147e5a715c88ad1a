"""Axes that read as people write numbers: whole epochs only, and a log axis whose
labels share one style (decades labelled, never "0.2" beside "1e-05")."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class EpochAxis(pg.AxisItem):
    """Ticks at whole numbers only: there is no epoch 2.5."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph's name
        levels = [(s, o) for s, o in super().tickSpacing(minVal, maxVal, size) if s >= 1]
        return levels or [(1.0, 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [f"{int(round(v * scale)):,}" for v in values]


def power_label(exponent: int) -> str:
    return "1" if exponent == 0 else f"10{str(exponent).translate(_SUPERSCRIPT)}"


def plain_label(value: float) -> str:
    return np.format_float_positional(value, precision=3, unique=True, fractional=False, trim="-")


class LogAwareAxis(pg.AxisItem):
    """In log mode: a tick and a label at every decade in view, unlabelled ticks at 2..9
    times a decade when few decades show, and one number style for all labels (plain
    from 0.001 to 10 000, powers of ten beyond)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802
        lo, hi = math.floor(minVal), math.ceil(maxVal)
        decades = [float(d) for d in range(lo, hi + 1) if minVal - 1e-9 <= d <= maxVal + 1e-9]
        minors = []
        if hi - lo <= 4:
            minors = [
                d + math.log10(m)
                for d in range(lo, hi)
                for m in range(2, 10)
                if minVal <= d + math.log10(m) <= maxVal
            ]
        self._decades_shown = bool(decades)
        return [(None, decades), (None, minors)]

    def logTickStrings(self, values, scale, spacing):  # noqa: N802
        values = [float(v) for v in values]
        decades = all(abs(v - round(v)) < 1e-6 for v in values)
        if not values or (not decades and getattr(self, "_decades_shown", True)):
            return [""] * len(values)  # minor ticks stay unlabelled beside decades
        if decades:
            plain = all(-3 <= round(v) <= 4 for v in values)
            return [plain_label(10.0 ** round(v)) if plain else power_label(round(v)) for v in values]
        return [plain_label(10.0**v) for v in values]  # within one decade: 0.2, 0.3, ...
