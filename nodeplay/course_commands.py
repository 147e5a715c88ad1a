"""The classroom's commands (issue #12): ``nodeplay lessons``, ``nodeplay lesson NAME
[--check]`` and ``nodeplay record``, kept apart from the core commands in ``cli``."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.errors import NodeplayError


# -- L1: lessons (issue #12): list them, run one headless and print each check ------------
def cmd_lessons(args) -> int:
    from engine.lessons import load_lessons

    lessons = load_lessons()
    width = max(len(lesson.name) for lesson in lessons)
    for lesson in lessons:
        print(
            f"{lesson.name:<{width}}  {lesson.title} "
            f"(preset {lesson.record.preset}, {len(lesson.steps)} steps)"
        )
    return 0


def cmd_lesson(args) -> int:
    import time

    from engine.lessons import load_lesson
    from engine.lessons.runner import failed, run_lesson

    lesson = load_lesson(args.name)
    if not args.check:
        print(f"{lesson.name}: {lesson.title}\n\n{lesson.text}\n")
        for i, step in enumerate(lesson.steps, 1):
            print(f"{i}. {' '.join(step.text.split())}")
        return 0
    if args.device == "cpu":  # the process is ours: small lesson models train fastest on one thread
        import torch

        torch.set_num_threads(1)

    def report(r) -> None:
        what = (
            "no check"
            if r.outcome is None
            else (f"{r.outcome.text}: {'met' if r.outcome.met else 'NOT met'}")
        )
        print(f"step {r.number}  epoch {r.epoch:>4}  {r.seconds:6.1f} s  {what}", flush=True)

    t0, c0 = time.perf_counter(), time.process_time()
    results = run_lesson(lesson, device=args.device, report=report)
    bad = failed(results)
    print(
        f"{lesson.name}: {len(results) - len(bad)} of {len(results)} steps passed in "
        f"{time.perf_counter() - t0:.1f} s ({time.process_time() - c0:.1f} CPU-s)."
    )
    if bad:
        print(f"nodeplay: error: the check of step {bad[0].number} was not met.", file=sys.stderr)
        return 1
    return 0


def add_lesson_commands(sub) -> None:
    s = sub.add_parser("lessons", help="list the built-in lessons")
    s.set_defaults(func=cmd_lessons)
    s = sub.add_parser("lesson", help="show a lesson's steps, or run them headless with --check")
    s.add_argument("name")
    s.add_argument("--check", action="store_true", help="run the steps and print each check's outcome")
    s.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu", help="where to train")
    s.set_defaults(func=cmd_lesson)


# -- L3: classroom (issue #12): record a training run to a GIF or an MP4, headless --------
def cmd_record(args) -> int:
    from nodeplay.cli import _load, _refuse_overwrite

    out = Path(args.out)
    _refuse_overwrite(out, args.force)
    if args.frames < 2:
        raise NodeplayError("--frames must be at least 2 (the start and the end of training).")
    if args.fps <= 0:
        raise NodeplayError("--fps must be positive.")
    project = _load(args.file)
    from app.record.headless import record_run
    from engine.export.animation import check_path

    check_path(out)
    shown = {"": -1}

    def progress(phase: str, done: int, total: int) -> None:
        # a text progress bar on stderr, redrawn in place, 30 cells wide
        cells = 30 * done // total
        line = f"\r{'training' if phase == 'train' else 'writing '} [{'#' * cells:<30}] {done}/{total}"
        if cells != shown.get(phase) or done == total:
            shown[phase] = cells
            print(line, end="\n" if done == total else "", file=sys.stderr, flush=True)

    n = record_run(project, args.view, out, args.epochs, args.frames, args.fps, progress)
    note = (
        " (MP4 is written by imageio-ffmpeg's bundled ffmpeg, which is GPL-licensed)"
        if (out.suffix.lower() == ".mp4")
        else ""
    )
    print(f"Wrote {n} frames of the {args.view} view to {out}{note}.", file=sys.stderr)
    return 0


def add_record_command(sub) -> None:
    s = sub.add_parser("record", help="train headless and record one view to a GIF or an MP4")
    s.add_argument("file")
    s.add_argument("--view", default="window", help="the view to record (as for render; default: window)")
    s.add_argument("--epochs", type=int, required=True, help="train this many epochs")
    s.add_argument(
        "--frames", type=int, required=True, help="this many frames, spread evenly over the epochs"
    )
    s.add_argument("--fps", type=float, default=10.0, help="frames a second on playback (default 10)")
    s.add_argument(
        "--out",
        required=True,
        help="run.gif (Pillow) or run.mp4 (the optional 'video' extra: imageio-ffmpeg, whose ffmpeg is GPL)",
    )
    s.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    s.set_defaults(func=cmd_record)
