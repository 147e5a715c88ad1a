"""The course's point about VAEs as one picture: a plain autoencoder and a VAE of the
same encoder and decoder, trained alike, side by side: their latent planes (the dashed
circles are the prior N(0, I), where samples are drawn) and images decoded from the
same N(0, I) noise. The VAE's codes fill the prior and its samples are digits; the
plain one's codes sit wherever training left them, with holes between.

    xvfb-run -a python scripts/latent_compare.py --out compare.png [--epochs 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PAIR = (("autoencoder-2d", "Plain autoencoder"), ("vae", "Variational autoencoder"))
VIEWS = ("latent-scatter", "samples")
TITLE_H = 36


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=40)
    args = ap.parse_args()

    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from app.render import render_view
    from engine.presets import load_preset

    with tempfile.TemporaryDirectory() as tmp:
        shots = {}
        for preset, _title in PAIR:
            for view in VIEWS:
                path = Path(tmp) / f"{preset}-{view}.png"
                render_view(load_preset(preset), view, path, epochs=args.epochs)
                shots[preset, view] = QImage(str(path))
        width = max(shots[p, v].width() for p, _ in PAIR for v in VIEWS)
        heights = [max(shots[p, v].height() for p, _ in PAIR) for v in VIEWS]
        out = QImage(2 * width, TITLE_H + sum(heights), QImage.Format.Format_RGB32)
        out.fill(QColor("white"))
        p = QPainter(out)
        font = QFont(p.font())
        font.setPointSize(14)
        p.setFont(font)
        for col, (preset, title) in enumerate(PAIR):
            p.drawText(
                QRect(col * width, 0, width, TITLE_H), Qt.AlignmentFlag.AlignCenter, f"{title} ({preset})"
            )
            y = TITLE_H
            for view, h in zip(VIEWS, heights, strict=True):
                p.drawImage(col * width, y, shots[preset, view])
                y += h
        p.end()
        out.save(args.out)
    print(
        f"Wrote {args.out}: {', '.join(VIEWS)} of {' and '.join(n for n, _ in PAIR)} "
        f"after {args.epochs} epochs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
