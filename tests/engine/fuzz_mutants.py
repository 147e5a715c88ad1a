"""A seeded mutator of project files (issue #14): damaged variants of the presets.

Each mutant is the text of a project file made from a preset by one named kind of
damage: byte flips, truncations, deleted fields, swapped types, NaN/Infinity
literals, huge or negative sizes, deep nesting, long strings, unknown node types,
dangling edges, cycles, wrong versions, corrupted weight blobs and duplicate ids.
The generator lives here rather than a corpus so that the damage follows the format.
"""

from __future__ import annotations

import base64
import copy
import json
import random
import re

LEAF_TYPES = (None, True, 0, -1, 1.5, "", "text", [], {}, [1, 2], {"a": 1})


def _slots(obj, path=()):
    """(container, key, path) for every value inside ``obj``, nested ones included."""
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in items:
        if key == "data" and isinstance(value, str) and len(value) > 200:
            continue  # the weight blob is damaged by its own mutators
        yield obj, key, (*path, key)
        yield from _slots(value, (*path, key))


def _pick(rng: random.Random, data: dict, want=lambda v: True):
    slots = [s for s in _slots(data) if want(s[0][s[1]])]
    return rng.choice(slots) if slots else None


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# -- mutators on the parsed file ---------------------------------------------------------


def delete_field(rng, data):
    slot = _pick(rng, data)
    if slot:
        container, key, _ = slot
        container.pop(key) if isinstance(container, dict) else container.pop(key)


def swap_type(rng, data):
    slot = _pick(rng, data)
    if slot:
        container, key, _ = slot
        container[key] = copy.deepcopy(rng.choice(LEAF_TYPES))


def huge_or_negative(rng, data):
    slot = _pick(rng, data, lambda v: isinstance(v, int | float) and not isinstance(v, bool))
    if slot:
        container, key, _ = slot
        container[key] = rng.choice(
            [10**6, 10**9, 10**12, 2**63, 10**400, -1, -(10**9), 0, 1e308, -1e-300, 4096]
        )


def deep_nesting(rng, data):
    slot = _pick(rng, data)
    if slot:  # written into the text by ``mutants``: json.dumps itself stops at ~1,000
        container, key, _ = slot
        container[key] = f"@@deep {rng.choice([30, 200, 900, 1500, 5000])}@@"


def _nest(match: re.Match) -> str:
    depth = int(match.group(1))
    return (
        "".join("[" if i % 2 else '{"a": ' for i in range(depth))
        + "1"
        + "".join("]" if i % 2 else "}" for i in reversed(range(depth)))
    )


def long_string(rng, data):
    slot = _pick(rng, data, lambda v: isinstance(v, str))
    if slot:
        container, key, _ = slot
        container[key] = rng.choice(["x", "é", "\\", '"', "\n", "\x00"]) * rng.choice(
            [100, 10_000, 1_000_000]
        )


def unknown_type(rng, data):
    node = rng.choice(data["graph"]["nodes"])
    node["type"] = rng.choice(
        ["Dense2", "dense", "", "Input ", "__import__", "x" * 500, ["Dense"], {"Dense": 1}]
    )


def dangling_edge(rng, data):
    nodes = [n["id"] for n in data["graph"]["nodes"]]
    data["graph"]["edges"].append(
        rng.choice(
            [
                {"from": "ghost.y", "to": f"{rng.choice(nodes)}.x"},
                {"from": f"{rng.choice(nodes)}.nope", "to": f"{rng.choice(nodes)}.x"},
                {"from": f"{rng.choice(nodes)}.y", "to": "ghost.x"},
                {"from": f"{rng.choice(nodes)}", "to": f"{rng.choice(nodes)}"},
                {"from": None, "to": 3},
            ]
        )
    )


def cycle(rng, data):
    edges = data["graph"]["edges"]
    if edges:
        e = rng.choice(edges)
        src, dst = e["from"].rsplit(".", 1)[0], e["to"].rsplit(".", 1)[0]
        edges.append({"from": f"{dst}.y", "to": f"{src}.x"})
        edges.append({"from": f"{dst}.y", "to": f"{dst}.x"})


def wrong_version(rng, data):
    data["format_version"] = rng.choice([0, 2, 999, -1, "1", 1.5, None, True, 10**30])


def duplicate_id(rng, data):
    nodes = data["graph"]["nodes"]
    twin = copy.deepcopy(rng.choice(nodes))
    if rng.random() < 0.5:
        twin["id"] = rng.choice(["dense.1", "", "training", "forward", "add_module", "1x", "a" * 300, "état"])
    nodes.append(twin)


def weight_blob(rng, data):
    weights = data.get("state", {}).get("weights")
    if not weights:
        data["state"] = {
            "epoch": rng.choice([-5, 3, 1.5]),
            "weights": {"data": rng.choice(["", "AAAA", "!!", "x" * 999])},
        }
        return
    raw = bytearray(base64.b64decode(weights["data"]))
    how = rng.choice(["flip", "flip-rehash", "truncate", "header", "base64", "epoch", "dtype"])
    if how in ("flip", "flip-rehash"):
        i = rng.randrange(len(raw))
        raw[i] ^= 1 << rng.randrange(8)
        if how == "flip-rehash":  # damage that a checksum cannot see: the checks must
            weights.pop("sha256", None)
    elif how == "truncate":
        del raw[rng.randrange(len(raw)) :]
    elif how == "header":
        raw[8 : 8 + 20] = rng.choice([b'{"a":{"dtype":"F32"}', b"\xff" * 20, b"[" * 20])
    elif how == "dtype":
        text = raw.decode("latin-1").replace(
            '"F32"', rng.choice(['"I32"', '"F16"', '"F64"', '"U8"', '"BOOL"']), 1
        )
        raw = bytearray(text.encode("latin-1"))
        weights.pop("sha256", None)
    elif how == "epoch":
        data["state"]["epoch"] = rng.choice([-5, -1, 1.5, "3", None, 10**20])
    weights["data"] = base64.b64encode(bytes(raw)).decode()
    if how == "base64":
        weights["data"] = weights["data"][:-7] + "*&^%$#@"


DICT_MUTATORS = {
    f.__name__: f
    for f in (
        delete_field,
        swap_type,
        huge_or_negative,
        deep_nesting,
        long_string,
        unknown_type,
        dangling_edge,
        cycle,
        wrong_version,
        duplicate_id,
        weight_blob,
    )
}


# -- mutators on the text -----------------------------------------------------------------


def byte_flip(rng, text: str) -> bytes:
    raw = bytearray(text.encode("utf-8"))
    for _ in range(rng.choice([1, 1, 2, 5])):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return bytes(raw)


def truncation(rng, text: str) -> bytes:
    return text.encode("utf-8")[: rng.randrange(len(text))]


def nan_literal(rng, text: str) -> bytes:
    numbers = list(re.finditer(r"(?<=[:\[, ])-?\d+(\.\d+)?(?=[,\]}\n])", text))
    if not numbers:
        return text.encode()
    m = rng.choice(numbers)
    literal = rng.choice(["NaN", "Infinity", "-Infinity", "1e999", "1" * 5000, "-0"])
    return (text[: m.start()] + literal + text[m.end() :]).encode()


TEXT_MUTATORS = {f.__name__: f for f in (byte_flip, truncation, nan_literal)}
KINDS = (*DICT_MUTATORS, *TEXT_MUTATORS)


def mutants(bases: dict[str, dict], count: int, seed: int = 14):
    """``count`` (kind, preset, file bytes) triples, every kind in turn, from ``bases``."""
    rng = random.Random(seed)
    names = sorted(bases)
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        name = rng.choice(names)
        data = copy.deepcopy(bases[name])
        if kind in DICT_MUTATORS:
            DICT_MUTATORS[kind](rng, data)
            text = re.sub(r'"@@deep (\d+)@@"', _nest, json.dumps(data, indent=1))
            raw = text.encode("utf-8")
        else:
            raw = TEXT_MUTATORS[kind](rng, json.dumps(data, indent=1))
        yield kind, name, raw
