"""How quickly a too-large CSV is refused, against reading the largest one taken, in the
same run (a figure a test used to assert). Refusing a million rows should cost about as
much as reading the 100,000 the playground takes, or less: it stops counting early.

    .venv/bin/python bench/data_speed.py
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


if __name__ == "__main__":
    main()
