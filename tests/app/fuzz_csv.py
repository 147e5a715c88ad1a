"""A seeded mutator of point CSVs (issue #14): damaged variants of a valid x1,x2,label file.

Each mutant is the bytes of a CSV made from a small valid file by one named kind of
damage: missing or extra cells, text, NaN/inf and out-of-range numbers, other line
endings, a BOM, binary garbage, truncation, one class, too many classes, fractional
labels, other separators, unbalanced quotes, NUL bytes, a very long cell, and more rows
than the playground takes."""

from __future__ import annotations

import random

ROWS = 60


def base_rows(rng: random.Random) -> list[list[str]]:
    return [[f"{rng.uniform(-5, 5):.3f}", f"{rng.uniform(-5, 5):.3f}", str(i % 2)] for i in range(ROWS)]


def _join(rows, end="\n", sep=",", header=True) -> bytes:
    lines = (["x1,x2,label"] if header else []) + [sep.join(r) for r in rows]
    return (end.join(lines) + end).encode("utf-8")


def _cell(rng, rows, value: str):
    r = rng.randrange(len(rows))
    rows[r][rng.randrange(3)] = value


def missing_cell(rng, rows):
    rows[rng.randrange(len(rows))].pop()
    return _join(rows)


def extra_column(rng, rows):
    rows[rng.randrange(len(rows))].append("7")
    return _join(rows)


def text_cell(rng, rows):
    _cell(rng, rows, rng.choice(["abc", "", " ", "1,2", "0x1F", "—", "None"]))
    return _join(rows)


def non_finite(rng, rows):
    _cell(rng, rows, rng.choice(["nan", "NaN", "inf", "-inf", "Infinity", "1e300", "-1e300", "1e19"]))
    return _join(rows)


def line_endings(rng, rows):
    return _join(rows, end=rng.choice(["\r", "\r\n", "\n\n", "\r\r\n"]))


def bom_and_blank(rng, rows):
    return b"\xef\xbb\xbf" + _join(rows).replace(b"\n", b"\n\n", rng.randrange(1, 5))


def garbage(rng, rows):
    raw = bytearray(_join(rows))
    for _ in range(rng.choice([1, 5, 50])):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return bytes(raw)


def truncated(rng, rows):
    raw = _join(rows)
    return raw[: rng.randrange(len(raw))]


def one_class(rng, rows):
    for r in rows:
        r[2] = "1"
    return _join(rows)


def many_classes(rng, rows):
    for i, r in enumerate(rows):
        r[2] = str(i % rng.choice([11, 30]))
    return _join(rows)


def labels_out_of_range(rng, rows):
    _cell(rng, rows, "0")
    rows[rng.randrange(len(rows))][2] = rng.choice(["-1", "2.5", "1e6", "10", "9"])
    return _join(rows)


def separators(rng, rows):
    return _join(rows, sep=rng.choice([";", "\t", " ", "|"]))


def quotes_and_nul(rng, rows):
    _cell(rng, rows, rng.choice(['"1.0', '1"2', "\x00", '"', "1\x002"]))
    return _join(rows)


def long_cell(rng, rows):
    _cell(rng, rows, rng.choice(["1" * 5000, "x" * 200_000, "9" * 400 + ".5"]))
    return _join(rows)


def header_only(rng, rows):
    return rng.choice([b"x1,x2,label\n", b"", b"\n\n\n", b"x1,x2,label\r\r\r"])


def too_many_rows(rng, rows):
    n = rng.choice([100_001, 150_000])
    end = rng.choice(["\n", "\r"])  # CR-only lines once slipped past the row count
    return ("x1,x2,label" + end + (f"0.5,0.5,1{end}" * n)).encode()


MUTATORS = {
    f.__name__: f
    for f in (
        missing_cell,
        extra_column,
        text_cell,
        non_finite,
        line_endings,
        bom_and_blank,
        garbage,
        truncated,
        one_class,
        many_classes,
        labels_out_of_range,
        separators,
        quotes_and_nul,
        long_cell,
        header_only,
        too_many_rows,
    )
}
KINDS = tuple(MUTATORS)


def csv_mutants(count: int, seed: int = 14):
    """``count`` (kind, bytes) pairs, every kind in turn."""
    rng = random.Random(seed)
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        yield kind, MUTATORS[kind](rng, base_rows(rng))
