"""The command line as a user runs it: a fresh interpreter, real files."""

import json
import subprocess
import sys

import pytest

from nodeplay.cli import main


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "nodeplay", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_presets_lists_the_playground_sets(capsys):
    assert main(["presets"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert {"circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss", "spiral-deep"} <= set(names)


def test_new_then_train_json_then_resume(tmp_path):
    project = tmp_path / "c.nodeplay"
    assert run("new", "circle", "--out", str(project)).returncode == 0
    r = run(
        "train",
        str(project),
        "--epochs",
        "20",
        "--json",
        "--seed",
        "5",
        "--out",
        str(tmp_path / "t.nodeplay"),
    )
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["epoch"] == 20 and result["device"] == "cpu"
    assert result["path"] in ("compiled kernel", "numpy", "numpy, compiling…")  # which one trained
    assert result["test_loss"] < 0.6 and 0 <= result["test_acc"] <= 1
    trained = json.loads((tmp_path / "t.nodeplay").read_text())
    assert trained["state"]["epoch"] == 20 and trained["train"]["seed"] == 5
    r = run("train", str(tmp_path / "t.nodeplay"), "--steps", "25", "--json")
    assert json.loads(r.stdout)["epoch"] == 21


def test_headless_commands_never_import_qt(tmp_path):
    code = (
        "import sys; from nodeplay.cli import main; "
        f"main(['new', 'xor', '--out', r'{tmp_path / 'x.nodeplay'}']); "
        f"main(['train', r'{tmp_path / 'x.nodeplay'}', '--epochs', '1']); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'vispy', 'app')]; "
        "assert not bad, bad"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "missing.nodeplay"], "There is no project file at missing.nodeplay."),
        (["new", "nope", "--out", "x.nodeplay"], "There is no preset 'nope'"),
        (["train", "bad.nodeplay"], "bad.nodeplay is damaged: it is not valid JSON"),
        (["train", "invalid.nodeplay", "--epochs", "1"], "Input 'x' of Dense is not connected."),
        (["train", "ok.nodeplay", "--epochs", "0"], "--epochs must be at least 1."),
        (["new", "circle", "--out", "ok.nodeplay"], "ok.nodeplay already exists; pass --force"),
        (["open", "bad.nodeplay"], "bad.nodeplay is damaged"),
    ],
)
def test_user_mistakes_are_one_sentence_and_exit_2(tmp_path, args, message):
    (tmp_path / "bad.nodeplay").write_text("{oops")
    assert main(["new", "circle", "--out", str(tmp_path / "ok.nodeplay")]) == 0
    invalid = json.loads((tmp_path / "ok.nodeplay").read_text())
    invalid["graph"]["edges"] = [e for e in invalid["graph"]["edges"] if e["to"] != "dense1.x"]
    (tmp_path / "invalid.nodeplay").write_text(json.dumps(invalid))
    before = (tmp_path / "ok.nodeplay").read_text()
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert (tmp_path / "ok.nodeplay").read_text() == before


def test_a_megabyte_value_is_one_short_line_in_nodeplay_train(tmp_path, capsys):
    path = tmp_path / "big.nodeplay"
    assert main(["new", "circle", "--out", str(path)]) == 0
    data = json.loads(path.read_text())
    data["train"]["optimizer"] = "x" * 1_000_000
    path.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["train", str(path), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nodeplay: error: ") and "Setting 'train.optimizer'" in err
    assert len(err.strip().splitlines()) == 1 and len(err) < 300 + len(str(path))


def test_an_unwritable_output_is_one_sentence(tmp_path, capsys):
    (tmp_path / "afile").write_text("not a folder")  # the OS refuses to write inside it
    assert main(["new", "circle", "--out", str(tmp_path / "afile" / "p.nodeplay")]) == 2
    err = capsys.readouterr().err
    assert "p.nodeplay cannot be written (Not a directory)." in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_reader_that_leaves_early_gets_no_traceback():
    """`nodeplay lesson mlp | head -1`: the pipe closes before the text is written."""
    import subprocess

    p = subprocess.Popen(
        [sys.executable, "-m", "nodeplay", "lesson", "mlp"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait() == 0 and b"Traceback" not in err and b"Exception ignored" not in err
