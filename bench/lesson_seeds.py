"""How reliable the measured outcomes of the filter-visualization and pca-basis lessons
are: each lesson's network trained from several seeds (the lesson's own settings), with
the numbers its checks compare at the start and after training, and the CPU time.
The thresholds in resources/lessons/*.toml were chosen from these figures: a check
must pass for every seed and fail on every untrained network.

    python bench/lesson_seeds.py [--seeds 0,1,2,3,4] [--lessons filter-visualization,pca-basis]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import torch

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.lessons import load_lesson
from engine.probes.registry import probe
from engine.train.session import Session

MEASURES = {"filter-visualization": "filter-edges", "pca-basis": "pca-match", "edge-filter": "sobel-match"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--lessons", default="filter-visualization,pca-basis")
    args = parser.parse_args()
    torch.set_num_threads(1)  # figures that do not depend on the machine's cores
    for name in args.lessons.split(","):
        lesson = load_lesson(name)
        measure = probe(MEASURES[name])
        for seed in map(int, args.seeds.split(",")):
            project = lesson.start_project()
            project.train = dataclasses.replace(project.train, seed=seed)
            session = Session(project, device="cpu")
            start = measure.run(session, {})
            wall, cpu = time.perf_counter(), time.process_time()
            session.train()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            end = measure.run(session, {})
            figures = "  ".join(f"{k} {float(start[k]):.3f} -> {float(end[k]):.3f}" for k in end)
            print(
                f"{name:22s} seed {seed}  {session.epoch} epochs  {wall:5.1f} s wall "
                f"{cpu:5.1f} CPU-s  {figures}"
            )


if __name__ == "__main__":
    main()
