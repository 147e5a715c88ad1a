"""L3 (issue #12): a recording has the frame count asked for and plays back."""

import imageio.v2 as iio2
import imageio.v3 as iio
import numpy as np
import pytest

from app.record.headless import frame_steps, record_run
from engine.errors import NodeplayError
from engine.export.animation import write_frames
from engine.presets import load_preset
from nodeplay.cli import main


def test_frames_are_spread_evenly_from_start_to_end():
    assert frame_steps(2, 5, 10) == [0, 5, 10, 15, 20]
    with pytest.raises(NodeplayError, match="at least 2 frames"):
        frame_steps(2, 1, 10)


def test_a_gif_of_the_boundary_has_the_frames_asked_for(tmp_path, qapp):
    out = tmp_path / "run.gif"
    phases = []
    n = record_run(
        load_preset("xor"), "boundary", out, epochs=2, frames=5, progress=lambda *a: phases.append(a)
    )
    frames = iio.imread(out, index=None)
    assert n == 5 and frames.shape[0] == 5 and frames.shape[-1] == 3
    assert not np.array_equal(frames[0], frames[-1])  # training changed the picture
    assert phases[-1] == ("write", 5, 5) and ("train", 5, 5) in phases


def test_frames_inside_an_epoch_show_training_between(tmp_path, qapp):
    out = tmp_path / "run.gif"
    record_run(load_preset("xor"), "boundary", out, epochs=1, frames=4)
    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 4
    assert all(not np.array_equal(a, b) for a, b in zip(frames[:-1], frames[1:]))


def test_an_mp4_reads_back_with_its_frame_count(tmp_path):
    out = tmp_path / "run.mp4"
    frames = [np.full((49, 65, 3), 40 * i, np.uint8) for i in range(6)]
    assert write_frames(frames, out, fps=5, count=6) == 6
    back = [frame for frame in iio2.get_reader(str(out))]  # its len() is inf
    assert len(back) == 6 and back[0].shape == (48, 64, 3)  # H.264 needs even sides


def test_the_command_records_and_refuses_a_wrong_ending(tmp_path, capsys):
    src = tmp_path / "p.json"
    assert main(["new", "xor", "--out", str(src)]) == 0
    assert (
        main(
            [
                "record",
                str(src),
                "--view",
                "loss",
                "--epochs",
                "1",
                "--frames",
                "3",
                "--out",
                str(tmp_path / "r.avi"),
            ]
        )
        == 2
    )
    assert "written as .gif or .mp4" in capsys.readouterr().err
    out = tmp_path / "r.gif"
    assert (
        main(["record", str(src), "--view", "loss", "--epochs", "2", "--frames", "3", "--out", str(out)]) == 0
    )
    assert iio.imread(out, index=None).shape[0] == 3
    assert "Wrote 3 frames of the loss view" in capsys.readouterr().err
