"""Setup strings: a whole project setup, without weights, as one URL-safe string."""

import base64
import json
import re
import zlib

import numpy as np
import pytest

import engine.train.session as session_module
from engine.data import make_dataset
from engine.data.user import add_point
from engine.errors import NodeplayError
from engine.graph.mlp import mlp_graph
from engine.project import Project
from engine.settings import DataSettings, TrainSettings
from engine.share import from_share_string, to_share_string
from engine.train import Session


def sessions_curve(project, monkeypatch, epochs=5):
    real = make_dataset  # pass the project's points whether or not session.py does yet
    monkeypatch.setattr(
        session_module,
        "make_dataset",
        lambda data, points=None: real(data, project.points if points is None else points),
    )
    s = Session(project)
    s.train(epochs=epochs)
    return s.history.train_loss


@pytest.fixture
def drawn():
    rng = np.random.default_rng(0)
    points = None
    for xy in rng.uniform(-5, 5, (60, 2)):
        points = add_point(points, xy, int(xy[0] > 0) + int(xy[1] > 0))
    return Project(
        mlp_graph([6, 3], "relu", outputs=3, loss="cross_entropy"),
        DataSettings(name="user", train_percent=70, seed=9),
        TrainSettings(optimizer="adam", learning_rate=0.05, batch_size=7, stop_epochs=30, seed=4),
        name="my quadrants",
        description="Three classes, drawn by hand.",
        points=points,
    )


def assert_same_setup(a, b):
    assert b.graph == a.graph
    assert b.data == a.data and b.train == a.train
    assert (b.name, b.description) == (a.name, a.description)
    if a.points is None:
        assert b.points is None
    else:
        assert np.array_equal(b.points[0], a.points[0]) and np.array_equal(b.points[1], a.points[1])
        assert b.points[0].dtype == a.points[0].dtype and b.points[1].dtype == a.points[1].dtype


def test_round_trip_of_a_generated_set_trains_the_same(circle, monkeypatch):
    circle.data.noise, circle.data.seed, circle.train.seed = 20.0, 11, 5
    text = to_share_string(circle)
    back = from_share_string(text)
    assert_same_setup(circle, back)
    assert np.array_equal(sessions_curve(circle, monkeypatch), sessions_curve(back, monkeypatch))


def test_round_trip_of_user_points_trains_the_same(drawn, monkeypatch):
    back = from_share_string(to_share_string(drawn))
    assert_same_setup(drawn, back)
    a, b = sessions_curve(drawn, monkeypatch), sessions_curve(back, monkeypatch)
    assert len(a) == 5 and np.array_equal(a, b)


def test_multiclass_settings_survive(monkeypatch):
    p = Project(
        mlp_graph([8], "tanh", outputs=4, loss="cross_entropy"),
        DataSettings(name="spiral", classes=4, noise=5),
    )
    back = from_share_string(to_share_string(p))
    assert back.data.classes == 4 and back.data == p.data


def test_weights_are_left_out(circle):
    s = Session(circle)
    s.train(epochs=1)
    circle.weights, circle.epoch = s.weights(), s.epoch
    text = to_share_string(circle)
    back = from_share_string(text)
    assert back.weights is None and back.epoch == 0
    assert "state" not in json.loads(
        zlib.decompress(base64.urlsafe_b64decode(text[4:] + "=" * (-len(text[4:]) % 4)))
    )
    circle.weights = None
    assert to_share_string(circle) == text  # the same setup gives the same string


def test_the_string_is_compact_and_url_safe(circle, drawn):
    for p in (circle, drawn):
        text = to_share_string(p)
        assert re.fullmatch(r"np1:[A-Za-z0-9_-]+", text)
        assert len(text) < 0.6 * len(json.dumps(p.to_dict(), separators=(",", ":")))
    assert len(to_share_string(circle)) < 800


def test_line_breaks_and_spaces_are_ignored(drawn):
    text = to_share_string(drawn)
    wrapped = "  " + "\n".join(text[i : i + 60] for i in range(0, len(text), 60)) + "\n"
    assert_same_setup(drawn, from_share_string(wrapped))


def _pack(obj) -> str:
    raw = json.dumps(obj).encode()
    return "np1:" + base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    "make_text, message",
    [
        (lambda t: "", r"^This is not a Nodeplay setup string: it is empty\.$"),
        (lambda t: "hello world", r"^This is not a Nodeplay setup string: it does not start with 'np1:'\.$"),
        (lambda t: "xx1:" + t[4:], r"it does not start with 'np1:'"),
        (lambda t: t[4:], r"it does not start with 'np1:'"),
        (lambda t: "np1:", r"^This is not a Nodeplay setup string: nothing follows the 'np1:' prefix\.$"),
        (
            lambda t: t[: len(t) // 2],
            r"^This is not a Nodeplay setup string: it is (incomplete|damaged); "
            r"copy the whole string again\.$",
        ),
        (lambda t: t[:-3], r"^This is not a Nodeplay setup string: it is (incomplete|damaged)"),
        (lambda t: t[:-1], r"^This is not a Nodeplay setup string: it is (incomplete|damaged)"),
        (lambda t: t + "!", r"^This is not a Nodeplay setup string: it holds the character '!', "),
        (lambda t: t.replace("np1:", "np1:%2B"), r"holds the character '%'"),
        (lambda t: "np1:" + "A" * 64, r"^This is not a Nodeplay setup string: it is damaged"),
        (lambda t: "np1:" + t[4:][::-1], r"^This is not a Nodeplay setup string: it is damaged"),
        (
            lambda t: "np1:" + base64.urlsafe_b64encode(zlib.compress(b"\xff\xfe")).decode(),
            r"^This is not a Nodeplay setup string: it does not hold a project setup\.$",
        ),
        (lambda t: _pack([1, 2, 3]), r"it does not hold a project setup\.$"),
        (
            lambda t: _pack({"format_version": 1, "graph": {"nodes": []}}),
            r"it does not hold a project setup\.$",
        ),
    ],
)
def test_garbage_is_refused_with_one_sentence(circle, make_text, message):
    with pytest.raises(NodeplayError, match=message):
        from_share_string(make_text(to_share_string(circle)))


def test_a_newer_format_asks_for_an_update(circle):
    text = "np2:" + to_share_string(circle)[4:]
    with pytest.raises(
        NodeplayError,
        match=r"^This setup string comes from a newer Nodeplay "
        r"\(format np2\); update Nodeplay to open it\.$",
    ):
        from_share_string(text)


def test_a_setup_with_bad_contents_names_the_problem(circle):
    data = circle.to_dict()
    data["train"]["learning_rate"] = "fast"
    with pytest.raises(
        NodeplayError,
        match=r"^The setup string cannot be used: Setting "
        r"'train\.learning_rate' must be a number",
    ):
        from_share_string(_pack(data))
    data = circle.to_dict()
    data["points"] = {"x": [[1, 2]], "y": [42]}
    with pytest.raises(NodeplayError, match=r"^The setup string has damaged points: label 0 is 42"):
        from_share_string(_pack(data))


def test_a_string_that_inflates_without_end_is_refused(monkeypatch):
    monkeypatch.setattr("engine.share.MAX_JSON_BYTES", 1000)
    bomb = "np1:" + base64.urlsafe_b64encode(zlib.compress(b" " * 100_000)).decode().rstrip("=")
    with pytest.raises(NodeplayError, match="it unpacks to more than a setup can hold"):
        from_share_string(bomb)
