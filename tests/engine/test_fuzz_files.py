"""Fuzzed project files (issue #14): every damaged preset is refused with one
NodeplayError sentence, or loads, builds and trains a step; no other exception, no
hang, no file changed on disk. ``python -m tests.engine.test_fuzz_files`` prints the
figures (mutants tried / refused / trained / traceback)."""

from __future__ import annotations

import collections
import contextlib
import json
import sys
import traceback
from pathlib import Path

import pytest

from engine.errors import NodeplayError
from engine.presets import load_preset, preset_names
from engine.project import load_project
from engine.train.session import Session
from nodeplay.cli import main
from tests.engine.fuzz_mutants import KINDS, mutants

COUNT = 420  # every kind 30 times, about 5 s here
CLI_SAMPLE = 24
MAX_MESSAGE = 400


def bases() -> dict[str, dict]:
    """Every preset's file, and two with trained weights for the weight mutators."""
    out = {name: load_preset(name).to_dict() for name in preset_names()}
    for name in ("circle", "xor"):
        project = load_preset(name)
        session = Session(project)
        session.train(steps=1)
        project.weights, project.epoch = session.weights(), session.epoch
        out[f"{name}+weights"] = project.to_dict()
    return out


def too_large(project) -> bool:
    """Legal but slow: the budget before building belongs to issue #14's runner part."""
    big_param = any(
        isinstance(v, int) and not isinstance(v, bool) and v > 256
        for n in project.graph.nodes.values()
        for v in n.params.values()
    )
    big_shape = any(
        isinstance(v, list) and any(isinstance(d, int) and d > 64 for d in v)
        for n in project.graph.nodes.values()
        for v in n.params.values()
    )
    return project.data.samples > 5_000 or big_param or big_shape


def try_mutant(path: Path) -> str:
    """'refused', 'trained' or 'skipped' (loaded, too large to train here); anything
    else raises."""
    try:
        project = load_project(path)
    except NodeplayError as err:
        check_sentence(str(err), path)
        return "refused"
    if too_large(project):
        return "skipped"
    try:
        Session(project).train(steps=1)
    except NodeplayError as err:
        check_sentence(str(err), path)
        return "refused"
    return "trained"


def check_sentence(message: str, path: Path) -> None:
    assert message.strip() and "\n" not in message.strip(), message[:500]
    assert len(message) <= MAX_MESSAGE + len(str(path)), message[:500]


def run(tmp_path: Path, count: int = COUNT) -> tuple[collections.Counter, list[str]]:
    tally: collections.Counter = collections.Counter()
    failures = []
    for i, (kind, name, raw) in enumerate(mutants(bases(), count)):
        path = tmp_path / f"m{i}.nodeplay"
        path.write_bytes(raw)
        try:
            tally[try_mutant(path)] += 1
        except Exception as err:  # a traceback the user would see: collect them all
            tally["traceback"] += 1
            failures.append(
                f"#{i} {kind} of {name}: {type(err).__name__}: {str(err)[:200]}\n"
                + "".join(traceback.format_tb(err.__traceback__)[-3:])
            )
        if path.read_bytes() != raw:
            tally["changed"] += 1
            failures.append(f"#{i} {kind} of {name}: the file changed on disk")
        path.unlink()
    tally["tried"] = count
    return tally, failures


@pytest.mark.timeout(300)  # a hang fails here instead of stalling CI
def test_every_mutant_is_refused_with_a_sentence_or_trains(tmp_path):
    tally, failures = run(tmp_path)
    print(dict(tally))
    assert not failures, "\n".join(failures[:10])
    assert tally["refused"] > COUNT // 3 and tally["trained"] > 10  # the fuzzer reaches both


@pytest.mark.timeout(300)
def test_nodeplay_train_refuses_mutants_with_one_line(tmp_path, capsys):
    codes = set()
    for i, (kind, name, raw) in enumerate(mutants(bases(), CLI_SAMPLE, seed=11)):
        path = tmp_path / f"c{i}.nodeplay"
        path.write_bytes(raw)
        project_ok = True
        with contextlib.suppress(NodeplayError):
            project_ok = not too_large(load_project(path))
        if not project_ok:
            continue
        code = main(["train", str(path), "--steps", "1", "--json"])
        codes.add(code)
        err = capsys.readouterr().err
        assert code in (0, 2), (kind, name, err[:300])
        if code == 2:
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err[:300]
            assert err.startswith("nodeplay: error: ") and len(err) < 600
        assert path.read_bytes() == raw
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            f"c{j}.nodeplay" for j in range(i + 1) if (tmp_path / f"c{j}.nodeplay").exists()
        )
    assert codes == {0, 2}  # the sample holds mutants that train and mutants refused


def test_every_kind_of_damage_is_generated():
    seen = {kind for kind, _, _ in mutants(bases(), len(KINDS) * 2)}
    assert seen == set(KINDS)
    texts = [raw for _, _, raw in mutants(bases(), len(KINDS))]
    assert len(set(texts)) == len(texts)


if __name__ == "__main__":  # figures for the report
    import tempfile
    import time

    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        tally, failures = run(Path(folder), int(sys.argv[1]) if len(sys.argv) > 1 else COUNT)
    print(
        json.dumps(dict(tally)),
        f"{time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU",
    )
    print("\n".join(failures[:20]))
