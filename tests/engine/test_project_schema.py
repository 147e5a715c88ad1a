"""The schema at the door (issue #14, findings 2, 7 and 8): every damaged field is
refused with one short sentence naming it, before anything is built."""

import base64
import copy
import hashlib
import json
import os
import stat

import numpy as np
import pytest
import torch
from safetensors.numpy import load as st_load
from safetensors.numpy import save as st_save

from engine.errors import GraphError, NodeplayError, ProjectFileError
from engine.graph import Graph, graph_from_dict
from engine.presets import load_preset
from engine.project import load_project, project_from_dict, save_project
from engine.project_schema import RESERVED_IDS
from engine.share import from_share_string, to_share_string
from engine.train import Session


@pytest.fixture(scope="module")
def circle_dict():
    return load_preset("circle").to_dict()


@pytest.fixture(scope="module")
def trained_dict():
    project = load_preset("circle")
    session = Session(project)
    session.train(steps=2)
    project.weights, project.epoch = session.weights(), session.epoch
    return project.to_dict()


def refused(data: dict, match: str, error=ProjectFileError) -> str:
    with pytest.raises(error, match=match) as err:
        project_from_dict(data, "The project")
    return str(err.value)


def write(tmp_path, text: str):
    path = tmp_path / "bad.nodeplay"
    path.write_text(text)
    return path


# -- finding 2: the causes of the tracebacks ---------------------------------------------


@pytest.mark.parametrize("place", ["data.samples", "train.batch_size", "train.stop_epochs"])
@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_numbers_in_integer_settings_are_refused(circle_dict, place, value):
    data = copy.deepcopy(circle_dict)
    section, name = place.split(".")
    data[section][name] = value
    message = refused(data, rf"Setting '{place}' must be a whole number")
    assert message.endswith(".")


def test_non_finite_node_parameters_and_epoch_are_refused(circle_dict, trained_dict):
    data = copy.deepcopy(circle_dict)
    dense = next(n for n in data["graph"]["nodes"] if n["type"] == "Dense")
    dense["params"]["units"] = float("inf")
    refused(data, r"graph\.nodes\[\d+\]\.params\.units must be a number, finite")
    data = copy.deepcopy(trained_dict)
    data["state"]["epoch"] = float("nan")
    refused(data, r"state\.epoch must be a whole number")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_in_a_file_are_refused(tmp_path, circle_dict, literal):
    text = json.dumps(circle_dict).replace('"samples": 500', f'"samples": {literal}')
    assert literal in text
    path = write(tmp_path, text)
    with pytest.raises(ProjectFileError, match=r"is damaged: it is not valid JSON"):
        load_project(path)


def test_integers_over_4300_digits_are_refused(tmp_path, circle_dict):
    text = json.dumps(circle_dict).replace('"samples": 500', '"samples": 1' + "7" * 5000)
    path = write(tmp_path, text)
    with pytest.raises(ProjectFileError, match=r"too large") as err:
        load_project(path)
    assert len(str(err.value)) < 300
    data = copy.deepcopy(circle_dict)
    data["data"]["samples"] = 10**5000  # the same number handed over in memory
    assert len(refused(data, r"Setting 'data\.samples' must be a whole number")) < 300


@pytest.mark.parametrize("depth", [100, 1000, 5000])
def test_deep_nesting_is_refused(tmp_path, circle_dict, depth):
    text = json.dumps(circle_dict).replace(
        '"description": "', f'"deep": {"[" * depth}{"]" * depth}, "description": "'
    )
    text = text.replace('"samples": 500', '"samples": ' + "[" * depth + "]" * depth)
    path = write(tmp_path, text)
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    assert len(str(err.value)) < 300


def test_deep_nesting_in_a_setup_string_is_refused():
    import zlib

    text = '{"app": "nodeplay", "format_version": 1, "graph": ' + "[" * 3000 + "]" * 3000 + "}"
    packed = base64.urlsafe_b64encode(zlib.compress(text.encode())).decode().rstrip("=")
    with pytest.raises(NodeplayError, match=r"^This is not a Nodeplay setup string"):
        from_share_string("np1:" + packed)


@pytest.mark.parametrize(
    "kind, word",
    [(["Dense"], "a list"), ({"name": "Dense"}, "an object"), (3, "a whole number"), (None, "null")],
)
def test_a_node_type_that_is_not_text_is_refused(circle_dict, kind, word):
    data = copy.deepcopy(circle_dict)
    data["graph"]["nodes"][1]["type"] = kind
    refused(data, rf"graph\.nodes\[1\]\.type must be text, not {word}\.$")


@pytest.mark.parametrize(
    "bad", ["dense.1", "", "training", "forward", "add_module", "1dense", "a b", "x" * 41, "état"]
)
def test_node_ids_that_cannot_name_a_module_are_refused(circle_dict, bad):
    data = copy.deepcopy(circle_dict)
    old = data["graph"]["nodes"][1]["id"]
    data["graph"]["nodes"][1]["id"] = bad
    for edge in data["graph"]["edges"]:
        for end in ("from", "to"):
            node, port = edge[end].rsplit(".", 1)
            if node == old:
                edge[end] = f"{bad}.{port}"
    message = refused(data, r"(graph\.nodes\[1\]\.id must be a name|is reserved by PyTorch)")
    assert len(message) < 200
    with pytest.raises(GraphError, match=r"(is not allowed|is reserved)"):
        Graph().add_node("Dense", id=bad)


def test_reserved_ids_cover_every_attribute_a_module_dict_has():
    public = {n for n in dir(torch.nn.ModuleDict()) if not n.startswith("_")}
    assert public <= RESERVED_IDS
    for name in sorted(public):  # and each really cannot be a key
        assert name in RESERVED_IDS


def test_pasted_graphs_go_through_the_same_schema(circle_dict):
    graph = copy.deepcopy(circle_dict["graph"])
    graph["nodes"][0]["pos"] = [float("nan"), 0]
    with pytest.raises(GraphError, match=r"nodes\[0\]\.pos\[0\] must be a number, finite"):
        graph_from_dict(graph)


# -- finding 7: weights ---------------------------------------------------------------------


def _with_blob(data: dict, weights: dict, checksum: bool = True) -> dict:
    data = copy.deepcopy(data)
    blob = st_save(weights)
    data["state"]["weights"]["data"] = base64.b64encode(blob).decode()
    if checksum:
        data["state"]["weights"]["sha256"] = hashlib.sha256(blob).hexdigest()
    else:
        data["state"]["weights"].pop("sha256", None)
    return data


def _weights(data: dict) -> dict:
    return dict(st_load(base64.b64decode(data["state"]["weights"]["data"])))


def test_saved_weights_carry_a_checksum_and_old_files_without_one_still_load(trained_dict):
    assert len(trained_dict["state"]["weights"]["sha256"]) == 64
    old = _with_blob(trained_dict, _weights(trained_dict), checksum=False)
    project = project_from_dict(old)
    assert project.epoch == trained_dict["state"]["epoch"] and project.weights


def test_a_flipped_byte_in_the_weights_is_detected(trained_dict):
    data = copy.deepcopy(trained_dict)
    blob = bytearray(base64.b64decode(data["state"]["weights"]["data"]))
    blob[-3] ^= 0x40  # inside the last tensor's values: the file still unpacks
    data["state"]["weights"]["data"] = base64.b64encode(bytes(blob)).decode()
    refused(data, r"checksum does not match")


def test_weights_of_another_dtype_are_refused_and_floats_are_converted(trained_dict):
    weights = _weights(trained_dict)
    key = next(iter(weights))
    as_int = {**weights, key: weights[key].view(np.int32)}
    refused(_with_blob(trained_dict, as_int), rf"'{key}' holds int32 values where float32")
    wide = {k: v.astype(np.float64) for k, v in weights.items()}
    project = project_from_dict(_with_blob(trained_dict, wide))
    assert all(v.dtype == np.float32 for v in project.weights.values())
    assert np.array_equal(project.weights[key], weights[key])


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_weights_are_refused(trained_dict, value):
    weights = _weights(trained_dict)
    key = next(iter(weights))
    weights[key] = np.full_like(weights[key], value)
    refused(_with_blob(trained_dict, weights), rf"'{key}' holds NaN or infinite values")


def test_weights_for_a_layer_the_graph_lacks_are_refused(trained_dict):
    weights = {**_weights(trained_dict), "layers.ghost.weight": np.zeros(2, np.float32)}
    refused(_with_blob(trained_dict, weights), r"'layers\.ghost\.weight' names no layer")


def test_a_negative_epoch_is_refused(tmp_path, trained_dict):
    data = copy.deepcopy(trained_dict)
    data["state"]["epoch"] = -5
    path = write(tmp_path, json.dumps(data))
    with pytest.raises(
        ProjectFileError,
        match=r"state\.epoch must be a whole number, finite "
        r"and at least 0\.$",
    ):
        load_project(path)


# -- finding 8: no long echo, permissions kept ----------------------------------------------

MEGABYTE = "x" * 1_000_000


@pytest.mark.parametrize(
    "place",
    [
        "name",
        "description",
        "data.name",
        "train.optimizer",
        "node.type",
        "node.id",
        "node.label",
        "node.param",
        "edge",
        "group",
        "unknown setting",
    ],
)
def test_a_megabyte_value_is_never_echoed_whole(tmp_path, circle_dict, place):
    data = copy.deepcopy(circle_dict)
    node = data["graph"]["nodes"][1]
    if place in ("name", "description"):
        data[place] = MEGABYTE
    elif place.startswith(("data.", "train.")):
        section, name = place.split(".")
        data[section][name] = MEGABYTE
    elif place.startswith("node."):
        field = place.removeprefix("node.")
        if field == "param":
            node["params"]["units"] = MEGABYTE
        else:
            node[field] = MEGABYTE
    elif place == "edge":
        data["graph"]["edges"][0]["from"] = MEGABYTE + ".y"
    elif place == "group":
        data["graph"]["groups"] = [{"name": MEGABYTE, "nodes": [node["id"]]}]
    else:
        data["train"][MEGABYTE] = 1
    path = write(tmp_path, json.dumps(data))
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    assert len(str(err.value)) < 300 + len(str(path))
    assert str(err.value).count("x" * 61) == 0


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_saving_keeps_the_files_permissions(tmp_path, mode):
    path = tmp_path / "p.nodeplay"
    save_project(load_preset("xor"), path)
    os.chmod(path, mode)
    save_project(load_preset("circle"), path)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert load_project(path).graph == load_preset("circle").graph


def test_a_new_file_gets_the_umasks_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = save_project(load_preset("xor"), tmp_path / "new.nodeplay")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_share_strings_still_round_trip(circle_dict):
    project = project_from_dict(circle_dict)
    assert from_share_string(to_share_string(project)).graph == project.graph


def test_batchnorm_step_counters_round_trip(tmp_path):
    project = load_preset("circle")
    g = project.graph
    g.disconnect(g.incoming("act1", "x"))
    g.add_node("BatchNorm", id="norm1")
    g.connect("dense1", "out", "norm1", "x")
    g.connect("norm1", "out", "act1", "x")
    session = Session(project)
    session.train(steps=2)
    project.weights, project.epoch = session.weights(), session.epoch
    counter = "layers.norm1.num_batches_tracked"
    assert project.weights[counter].dtype == np.int64
    back = load_project(save_project(project, tmp_path / "bn.nodeplay"))
    assert back.weights[counter].item() == project.weights[counter].item() > 0
    data = project.to_dict()
    refused(
        _with_blob(data, {**_weights(data), counter: np.array(-1, np.int64)}),
        rf"'{counter}' must be one non-negative int64",
    )
