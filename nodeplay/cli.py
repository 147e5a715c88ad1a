"""The ``nodeplay`` command line.

Headless subcommands import only the engine, so that ``nodeplay train`` runs on a
GPU machine with no Qt installed; the GUI and ``render`` import ``app`` lazily.
User mistakes end in one sentence on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from pathlib import Path

from engine.errors import NodeplayError


def _load(path: str):
    from engine.project import load_project

    return load_project(path)


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise NodeplayError(f"{path} already exists; pass --force to overwrite it.")
    if not path.parent.exists():
        raise NodeplayError(f"The folder {path.parent} does not exist.")


def _save(project, path) -> None:
    from engine.project import save_project

    try:
        save_project(project, path)
    except OSError as err:  # a full disk or a folder the user may not write to
        raise NodeplayError(f"{path} cannot be written ({err.strerror or type(err).__name__}).") from None


def _one_line(message: str, limit: int = 500) -> str:
    """An error as one line of at most ``limit`` characters, whatever it quotes."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def cmd_gui(args) -> int:
    # a bad file is refused here, with a sentence, before any window opens; the window
    # takes the project read here (the file is read once)
    project = _load(args.file) if args.file is not None else None
    from app.main import run_gui

    return run_gui(args.file, project)


def cmd_presets(args) -> int:
    from engine.presets import preset_summaries

    rows = preset_summaries()
    width = max(len(name) for name, _ in rows)
    for name, text in rows:
        print(f"{name:<{width}}  {text}")
    return 0


def cmd_new(args) -> int:
    from engine.presets import load_preset

    project = load_preset(args.preset)
    out = Path(args.out)
    _refuse_overwrite(out, args.force)
    _save(project, out)
    print(f"Wrote preset '{args.preset}' to {out}.", file=sys.stderr)
    return 0


def cmd_train(args) -> int:
    from engine.train.factory import make_trainer

    project = _load(args.file)
    if args.seed is not None:
        project.train.seed = args.seed
        project.weights, project.epoch = None, 0  # a new seed means new initial weights
    if args.out:
        _refuse_overwrite(Path(args.out), args.force)
    session = make_trainer(project, device=args.device)
    # the process is ours: size torch's threads to the model; compile the kernel (issue #13)
    from engine.train import compile_warmup
    from engine.train.device import apply_thread_policy

    session.thread_policy = "cli"
    apply_thread_policy(session, gui=False)
    compile_warmup.start()
    result = session.train(epochs=args.epochs, steps=args.steps)
    if hasattr(session, "training_path"):  # which path trained (a GAN has only torch's)
        result["path"] = session.training_path
    if compile_warmup.state.error:  # the kernel could not be built: training went on, slower
        print(f"nodeplay: note: {_one_line(compile_warmup.state.error)}", file=sys.stderr)
    if args.out:
        project.weights, project.epoch = session.weights(), session.epoch
        _save(project, args.out)
    if args.json:
        clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in result.items()}
        print(json.dumps(clean))
    else:
        acc = f", test accuracy {result['test_acc']:.1%}" if math.isfinite(result["test_acc"]) else ""
        print(
            f"Trained to epoch {result['epoch']} on {result['device']} in "
            f"{result['seconds']:.1f} s: train loss {result['train_loss']:.4f}, "
            f"test loss {result['test_loss']:.4f}{acc}."
        )
    return 0


@contextlib.contextmanager
def _quiet_native_output():
    """Silence what C++ code prints: torch's ONNX exporter dumps its whole graph to the
    terminal before it fails, and the user should read one sentence instead."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
        yield
    finally:
        for fd, copy in zip((1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)


def cmd_export(args) -> int:
    from engine.export import export_onnx, export_python

    project = _load(args.file)
    try:
        if args.format == "python":
            result = export_python(project, args.out, force=args.force)
            state = "trained" if result.trained else "initial (untrained)"
            print(
                f"Wrote {result.folder}/ with model.py, train.py and the {state} weights; "
                f"run 'python train.py' there.",
                file=sys.stderr,
            )
        else:
            with _quiet_native_output():
                path = export_onnx(project, args.out, force=args.force)
            print(f"Wrote the network in its inference form to {path}.", file=sys.stderr)
    except OSError as err:  # a full disk or a folder the user may not write to
        raise NodeplayError(f"The export to {args.out} failed ({err.strerror or err}).") from None
    return 0


def cmd_render(args) -> int:
    project = _load(args.file)
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise NodeplayError(
            f"--out names the picture: end it in .png or .svg, not '{out.suffix or out.name}'."
        )
    _refuse_overwrite(out, args.force)
    data = Path(args.data) if args.data else None
    if data is not None:
        if data.suffix.lower() != ".npz":
            raise NodeplayError(
                f"--data writes NumPy arrays: end it in .npz, not '{data.suffix or data.name}'."
            )
        _refuse_overwrite(data, args.force)
    from app.render import render_view

    render_view(
        project, args.view, str(out), args.epochs or 0, data, args.theme, args.layer, args.sample, args.method
    )
    extra = f" and its numbers to {data}" if data is not None else ""
    print(f"Wrote the {args.view} view to {out}{extra}.", file=sys.stderr)
    return 0


# -- V2 (issue #10): render --help lists every registered view -------------------------
class _ViewsHelp(str):
    """--view's help, naming the registered views only when help is printed: headless
    commands import nothing of ``app`` (the registry and its table import no Qt)."""

    def __mod__(self, params):
        try:
            from app.views.registry import all_views

            names = ", ".join(s.name for s in all_views())
        except ImportError:  # an engine-only install: no views to draw
            names = "none in this installation"
        return f"the view to draw, one of: {names}; each draws the projects it applies to (default: window)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nodeplay",
        description="A playground for deep learning. Without a command, opens the app on the default preset.",
    )
    p.set_defaults(func=cmd_gui, file=None)
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    s = sub.add_parser("open", help="open the app with a project file")
    s.add_argument("file")
    s.set_defaults(func=cmd_gui)

    s = sub.add_parser("presets", help="list the built-in presets")
    s.set_defaults(func=cmd_presets)

    s = sub.add_parser("new", help="write a preset as a project file")
    s.add_argument("preset")
    s.add_argument("--out", required=True)
    s.add_argument("--force", action="store_true", help="overwrite an existing file")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("train", help="train a project headless")
    s.add_argument("file")
    stop = s.add_mutually_exclusive_group()
    stop.add_argument("--epochs", type=int, help="train this many epochs")
    stop.add_argument("--steps", type=int, help="train this many optimizer steps")
    s.add_argument(
        "--device",
        choices=["auto", "cpu", "cuda"],
        default=None,
        help="where to train (default: the project's setting, usually auto)",
    )
    s.add_argument("--seed", type=int, help="seed for the initial weights and batch order")
    s.add_argument("--out", help="save the trained project (weights included) here")
    s.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    s.add_argument("--json", action="store_true", help="print final metrics as one JSON object")
    s.set_defaults(func=cmd_train)

    s = sub.add_parser("export", help="write a project as a PyTorch script folder or ONNX")
    s.add_argument("file")
    s.add_argument("--format", choices=["python", "onnx"], default="python")
    s.add_argument(
        "--out", required=True, help="a folder for --format python, an .onnx file for --format onnx"
    )
    s.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("render", help="draw one view to a PNG or SVG, offscreen")
    s.add_argument("file")
    s.add_argument(
        "--view",
        default="window",
        help=_ViewsHelp("the view to draw (default: window)"),
    )
    s.add_argument("--out", required=True, help="the picture: a .png or .svg file")
    s.add_argument("--data", help="also write the numbers behind the view to this .npz file")
    s.add_argument("--theme", choices=["light", "dark"], help="the colours around the data")
    s.add_argument(
        "--layer",
        help="the layer (node id) the hidden, filters, feature-maps, embedding, receptive-field "
        "or activation-max (also 'classes') view shows",
    )
    s.add_argument(
        "--sample",
        type=int,
        help="the test sample (index) the feature-maps, saliency, adversarial or receptive-field view shows",
    )
    s.add_argument(
        "--method",
        help="the saliency view's attribution method: gradient, smoothgrad, "
        "integrated-gradients, occlusion or grad-cam",
    )
    s.add_argument("--epochs", type=int, help="train this many epochs first")
    s.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    s.set_defaults(func=cmd_render)
    from nodeplay.course_commands import add_lesson_commands, add_record_command

    add_lesson_commands(sub)  # L1: lessons
    add_record_command(sub)  # L3: recording
    _add_metrics_option(sub)  # L3: saved runs
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    for name in ("epochs", "steps"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            print(f"nodeplay: error: --{name} must be at least 1.", file=sys.stderr)
            return 2
    try:
        status = args.func(args)
        sys.stdout.flush()  # a reader that left shows here, where it is caught
        return status
    except NodeplayError as err:
        print(f"nodeplay: error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nodeplay: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nodeplay lessons | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's recipe
        return 0


# -- L3: classroom (issue #12): `train --metrics run.csv` saves a run to compare later ------
def cmd_train_metrics(args) -> int:
    if not getattr(args, "metrics", None):
        return cmd_train(args)
    out = Path(args.metrics)
    _refuse_overwrite(out, args.force)
    from engine.train.factory import make_trainer
    from engine.train.run_log import train_logged

    project = _load(args.file)
    epochs = args.epochs if args.epochs is not None else project.train.stop_epochs  # S-GAN: its own
    if epochs is None:
        raise NodeplayError(
            "--metrics needs --epochs: a saved run has one row per epoch, and this project stops on no epoch."
        )
    if args.seed is not None:
        project.train.seed = args.seed
        project.weights, project.epoch = None, 0
    session = make_trainer(project, device=args.device)
    from engine.train.device import apply_thread_policy

    session.thread_policy = "cli"
    apply_thread_policy(session, gui=False)
    m = train_logged(session, epochs, out)
    if args.out:
        _refuse_overwrite(Path(args.out), args.force)
        project.weights, project.epoch = session.weights(), session.epoch
        _save(project, args.out)
    print(
        f"Trained to epoch {session.epoch}: train loss {m['train_loss']:.4f}; wrote the run to {out}.",
        file=sys.stderr,
    )
    return 0


def _add_metrics_option(sub) -> None:
    train = sub.choices["train"]
    train.add_argument(
        "--metrics", help="save the run (epoch, seconds, losses, accuracies) to this CSV, to compare later"
    )
    train.set_defaults(func=cmd_train_metrics)
