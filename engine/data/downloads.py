"""Datasets downloaded on the user's request only: full MNIST and Fashion-MNIST.

Files come through pooch, SHA-256 checked, into the user's cache folder
(``NODEPLAY_DATA_DIR`` overrides it). Nothing here runs unless the user asks (File ›
Get dataset…); a project naming a set that is not downloaded yet is refused with a
sentence saying how to get it. A download that fails its checksum or stops half-way
leaves no file behind (pooch writes to a temporary file and keeps it only when the hash
matches), and every failure is one sentence in a DataError.
"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.errors import DataError

Progress = Callable[[int, int], None]  # (bytes so far, bytes in all or 0 when unknown)


@dataclass(frozen=True)
class RemoteFile:
    name: str
    url: str
    sha256: str


@dataclass(frozen=True)
class Source:
    title: str
    files: tuple[RemoteFile, ...]
    megabytes: int
    class_names: tuple[str, ...]


_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_ZALANDO = "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"
SOURCES = {
    "mnist": Source(
        "MNIST (70,000 handwritten digits)",
        (
            RemoteFile(
                "mnist.npz",
                _KERAS + "mnist.npz",
                "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
            ),
        ),
        11,
        tuple("0123456789"),
    ),
    "fashion-mnist": Source(
        "Fashion-MNIST (70,000 clothing images)",
        tuple(
            RemoteFile(f"fashion-{name}", _ZALANDO + name, sha)
            for name, sha in (
                (
                    "train-images-idx3-ubyte.gz",
                    "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
                ),
                (
                    "train-labels-idx1-ubyte.gz",
                    "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
                ),
                (
                    "t10k-images-idx3-ubyte.gz",
                    "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
                ),
                (
                    "t10k-labels-idx1-ubyte.gz",
                    "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
                ),
            )
        ),
        30,
        ("T-shirt", "trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"),
    ),
}
NAMES = tuple(SOURCES)
CLASSES = {name: len(s.class_names) for name, s in SOURCES.items()}


def cache_dir() -> Path:
    """Where downloads are kept: $NODEPLAY_DATA_DIR, else the user's cache folder."""
    if os.environ.get("NODEPLAY_DATA_DIR"):
        return Path(os.environ["NODEPLAY_DATA_DIR"])
    import pooch

    return Path(pooch.os_cache("nodeplay")) / "datasets"


def is_downloaded(name: str, folder: Path | None = None) -> bool:
    folder = folder or cache_dir()
    return all((folder / f.name).is_file() for f in SOURCES[name].files)


class _Bar:
    """The progress-bar object pooch feeds (total, update, reset, close) as calls of
    ``progress(done, total)``; ``offset`` and ``grand_total`` span several files."""

    def __init__(self, progress: Progress, offset: int = 0):
        self.progress, self.offset, self.total, self.done = progress, offset, 0, 0

    def update(self, n: int) -> None:
        self.done += n
        self.progress(self.offset + self.done, self.total)

    def reset(self) -> None:
        self.done = 0

    def close(self) -> None:
        pass


def fetch(file: RemoteFile, folder: Path, progress: Progress | None = None, timeout: float = 30) -> Path:
    """``file`` downloaded into ``folder`` (kept if already there with the right hash)."""
    import pooch
    import requests

    bar = _Bar(progress) if progress else False
    downloader = pooch.HTTPDownloader(progressbar=bar, timeout=timeout)
    try:
        path = pooch.retrieve(
            file.url,
            known_hash=f"sha256:{file.sha256}",
            fname=file.name,
            path=folder,
            downloader=downloader,
        )
    except ValueError as err:
        if "hash" not in str(err):
            raise
        raise DataError(
            f"{file.name} arrived damaged (its SHA-256 checksum does not match) and was "
            "deleted; try again later."
        ) from None
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as err:
        if _is_offline(err):
            raise DataError(
                f"Nodeplay could not reach {_host(file.url)} to download {file.name}; check the "
                "internet connection and try again."
            ) from None
        raise DataError(
            f"The download of {file.name} stopped before the end and was deleted; try again."
        ) from None
    except requests.exceptions.Timeout:
        raise DataError(f"{_host(file.url)} did not answer within {timeout:g} s; try again later.") from None
    except requests.exceptions.RequestException as err:  # HTTP errors, broken streams
        raise DataError(
            f"The download of {file.name} failed ({_reason(err)}); nothing was kept. Try again later."
        ) from None
    except OSError as err:
        raise DataError(f"Nodeplay could not save {file.name} in {folder} ({err.strerror}).") from None
    return Path(path)


def _host(url: str) -> str:
    return url.split("/")[2]


def _reason(err: Exception) -> str:
    response = getattr(err, "response", None)
    if response is not None and response.status_code:
        return f"the server answered {response.status_code} {response.reason}"
    return type(err).__name__


def _is_offline(err: Exception) -> bool:
    """A connection that never opened (refused, no route, no name), not one cut short."""
    text = repr(err)
    return any(
        w in text
        for w in ("NewConnectionError", "NameResolutionError", "Connection refused", "ConnectTimeout")
    )


def download(name: str, progress: Progress | None = None, folder: Path | None = None) -> list[Path]:
    """Every file of set ``name``, downloaded on request; progress over all of them."""
    if name not in SOURCES:
        raise DataError(f"There is no downloadable dataset '{name}'; choose one of {', '.join(NAMES)}.")
    folder = folder or cache_dir()
    paths, done = [], 0
    for f in SOURCES[name].files:

        def report(n: int, total: int, offset: int = done) -> None:
            if progress:
                progress(offset + n, 0 if not total else offset + total)

        paths.append(fetch(f, folder, report if progress else None))
        done += paths[-1].stat().st_size
    load.cache_clear()
    return paths


def _idx(path: Path, offset: int) -> np.ndarray:
    return np.frombuffer(gzip.decompress(path.read_bytes()), np.uint8, offset=offset)


@lru_cache(maxsize=2)
def load(name: str, folder: Path | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test) uint8 (N, 28, 28) images and int64 labels."""
    folder = folder or cache_dir()
    if not is_downloaded(name, folder):
        raise DataError(
            f"{SOURCES[name].title} is not downloaded yet; get it with File › Get dataset… "
            f"(about {SOURCES[name].megabytes} MB), or choose another dataset."
        )
    paths = [folder / f.name for f in SOURCES[name].files]
    try:
        if name == "mnist":
            with np.load(paths[0], allow_pickle=False) as z:
                arrays = [z[k] for k in ("x_train", "y_train", "x_test", "y_test")]
        else:
            arrays = [_idx(p, 16 if "images" in p.name else 8) for p in paths]
            arrays[0], arrays[2] = arrays[0].reshape(-1, 28, 28), arrays[2].reshape(-1, 28, 28)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        for p in paths:  # a damaged download is no use; the next Get dataset… fetches it again
            p.unlink(missing_ok=True)
        raise DataError(
            f"The downloaded {SOURCES[name].title} files were damaged ({type(err).__name__}) and "
            "were deleted; download them again with File › Get dataset…."
        ) from None
    x_train, y_train, x_test, y_test = arrays
    return x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64)


def make(name: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``n`` images of the downloaded set (float32 (n, 1, 28, 28) in [0, 1]) and labels,
    drawn from its training and test parts together (the project's split decides)."""
    x_train, y_train, x_test, y_test = load(name)
    total = len(y_train) + len(y_test)
    keep = np.arange(total) if n >= total else np.sort(rng.permutation(total)[:n])
    x = np.concatenate([x_train, x_test])[keep] if n < total else np.concatenate([x_train, x_test])
    y = np.concatenate([y_train, y_test])[keep]
    return x.astype(np.float32)[:, None] / np.float32(255.0), y
