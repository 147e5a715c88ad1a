"""How quickly a too-large CSV is refused, against reading the largest one taken, in the
same run (a figure a test used to assert). Refusing a million rows should cost about as
much as reading the 100,000 the playground takes, or less: it stops counting early.

    .venv/bin/python bench/data_speed.py

V1 (issue #10): then the embedded image sets' load times, each in a fresh process
(first load: file read, decode, cut) and again in the same process (cached), beside
scikit-learn's 8×8 digits as the baseline measured in the same run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from engine.data.user import MAX_POINTS, read_points_csv
from engine.errors import DataError


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        full, big = Path(tmp) / "full.csv", Path(tmp) / "big.csv"
        full.write_text("x1,x2,label\n" + "0.5,-0.25,1\n1.5,2.25,0\n" * (MAX_POINTS // 2))
        big.write_text("x1,x2,label\n" + "0.5,-0.25,1\n1.5,2.25,0\n" * 500_000)
        base = timed(lambda: read_points_csv(full))

        def refuse():
            try:
                read_points_csv(big)
            except DataError:
                return
            raise SystemExit("a million rows were not refused")

        t = timed(refuse)
    print(f"read {MAX_POINTS:,} rows (baseline): {base[0]:.3f} s wall, {base[1]:.3f} s CPU")
    print(f"refuse 1,000,000 rows: {t[0]:.3f} s wall, {t[1]:.3f} s CPU; {t[0] / base[0]:.2f}x the baseline")


# -- V1: the embedded image sets -----------------------------------------------------
FIRST_LOAD = """
import sys, time
w, c = time.perf_counter(), time.process_time()
from engine.data import make_dataset
from engine.settings import DataSettings
w1, c1 = time.perf_counter(), time.process_time()
make_dataset(DataSettings(name=sys.argv[1], samples=int(sys.argv[2])))
w2, c2 = time.perf_counter(), time.process_time()
make_dataset(DataSettings(name=sys.argv[1], samples=int(sys.argv[2]), seed=1))
w3, c3 = time.perf_counter(), time.process_time()
print(w2 - w1, c2 - c1, w3 - w2, c3 - c2, w1 - w, 'mlxtend' in sys.modules)
"""


def image_sets() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    sets = [("digits", 1797), ("digits28", 5000), ("photo-patches", 4000)]
    sets += [("photo-patches-grey", 4000), ("photo-edges", 1000), ("faces", 200)]
    print("image set (samples): first load wall / CPU, cached wall / CPU; first load vs digits")
    base = None
    for name, n in sets:
        out = subprocess.run(
            [sys.executable, "-c", FIRST_LOAD, name, str(n)],
            capture_output=True,
            text=True,
            cwd=root,
            check=True,
        ).stdout.split()
        w, c, w2, c2 = map(float, out[:4])
        base = base or w
        extra = "; mlxtend imported!" if out[5] == "True" else ""
        print(
            f"  {name} ({n}): {w * 1000:.0f} / {c * 1000:.0f} ms, {w2 * 1000:.0f} / {c2 * 1000:.0f} ms;"
            f" {w / base:.1f}x{extra}"
        )


if __name__ == "__main__":
    main()
    image_sets()
