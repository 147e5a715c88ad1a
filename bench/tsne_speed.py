"""t-SNE of scikit-learn's 1,797 digits (64-D): Nodeplay's progressive embedding
(engine.probes.embedding.Embedder) beside scikit-learn's TSNE and plain openTSNE, in
the same run, on the same threads.

    python bench/tsne_speed.py [--points N] [--threads T]

Prints, per method: time to the first picture, time to the final layout (wall and CPU
seconds), trustworthiness (10 neighbours); then a warm-started refresh after the
features change (as after an epoch) and how far it moves the points. ``--points``
repeats the digits with a little noise (10,000: the Embedding Projector's cap).
Targets (issue 10): first picture 0.5 s, final 2 s, trustworthiness >= 0.98, refresh < 1 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=0, help="repeat the digits to this many points")
    parser.add_argument("--threads", type=int, default=1, help="threads for every method")
    parser.add_argument("--skip-sklearn", action="store_true", help="leave out scikit-learn's TSNE")
    a = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))

    import numpy as np
    from openTSNE import TSNE as OpenTSNE
    from sklearn.datasets import load_digits
    from sklearn.manifold import TSNE, trustworthiness

    from engine.probes.embedding import Embedder

    x = load_digits().data.astype(np.float64)
    if a.points > len(x):
        rng = np.random.default_rng(0)
        reps = -(-a.points // len(x))
        x = np.concatenate([x + rng.normal(0, 0.5, x.shape) * (r > 0) for r in range(reps)])[: a.points]
    print(f"t-SNE of {len(x)} digits ({x.shape[1]}-D), {a.threads} thread(s)")
    print(f"{'method':<26}{'first s':>9}{'final s':>9}{'final CPU s':>13}{'trust':>8}")

    def row(name, first, final, coords):
        t = trustworthiness(x, coords, n_neighbors=10) if len(x) <= 5000 else float("nan")
        print(f"{name:<26}{first:>9.2f}{final[0]:>9.2f}{final[1]:>13.2f}{t:>8.3f}", flush=True)
        return t

    # Nodeplay: PCA at once, then the planned t-SNE iterations
    start = _clock()
    ours = Embedder(x, threads=a.threads)
    first = _since(start)[0]
    coords = ours.step(None)
    final = _since(start)
    row("Nodeplay (PCA, then t-SNE)", first, final, coords)

    # plain openTSNE, the same neighbours (exact) and its default schedule (250 + 500)
    start = _clock()
    plain = np.asarray(
        OpenTSNE(neighbors="exact" if len(x) <= 20_000 else "annoy", n_jobs=a.threads, random_state=0).fit(x)
    )
    final_plain = _since(start)
    row("openTSNE 1.0.4 (plain)", final_plain[0], final_plain, plain)

    if not a.skip_sklearn:
        start = _clock()
        sk = TSNE(n_components=2, init="pca", random_state=0, n_jobs=a.threads).fit_transform(x)
        final_sk = _since(start)
        row("scikit-learn TSNE", final_sk[0], final_sk, sk)

    # a refresh after an epoch: the features move a little; warm start from the layout
    changed = x + np.random.default_rng(1).normal(0, 1.0, x.shape)
    start = _clock()
    warm = Embedder(changed, previous=coords, threads=a.threads)
    warm_coords = warm.step(None)
    took = _since(start)
    spread = np.linalg.norm(coords - coords.mean(0), axis=1).mean()
    moved = np.linalg.norm(warm_coords - coords, axis=1).mean()
    t = trustworthiness(changed, warm_coords, n_neighbors=10) if len(x) <= 5000 else float("nan")
    print(
        f"warm-started refresh: {took[0]:.2f} s ({took[1]:.2f} CPU s), trustworthiness {t:.3f}, "
        f"points moved {moved / spread:.1%} of the layout's mean radius"
    )
    print(f"ratio Nodeplay final / plain openTSNE: {final[0] / final_plain[0]:.2f}")


if __name__ == "__main__":
    main()
