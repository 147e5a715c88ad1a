"""The user's own images: a ``.npz`` of arrays or a folder with one subfolder per class.

- ``.npz``: ``x`` (N, H, W) or (N, C, H, W) with C 1 or 3, uint8 (0–255) or float (0–1),
  and ``y`` (N,) whole-number class labels 0..K-1.
- folder: ``folder/<class name>/<image files>``, read with Pillow; classes are the
  subfolders in name order. Images of another size than the most common one are
  resized to it, images larger than MAX_SIDE are shrunk, and a folder of more than
  MAX_IMAGES images is cut to that many (spread over the classes); each of these is
  said in ``notes``. Unreadable files are skipped and named. An empty class, a class
  of a single image (it cannot be both trained on and tested), fewer than two classes
  or no readable image at all is refused with a DataError naming them.

A project names the file or folder in its data settings (``path``); it is read again
when the project opens (cached while the file is unchanged).
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.errors import DataError

MAX_IMAGES = 20_000
MAX_SIDE = 64  # pixels: a playground's network reads small images
MAX_CLASSES = 100
MAX_VALUES = 2**28  # numbers in an imported array: about a gigabyte as float32
EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}


@dataclass
class ImportedImages:
    x: np.ndarray  # float32 (N, C, H, W) in [0, 1]
    y: np.ndarray  # int64 (N,)
    class_names: tuple[str, ...]
    notes: list[str] = field(default_factory=list)  # what was changed or skipped, one sentence each

    @property
    def classes(self) -> int:
        return len(self.class_names)


def _list(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _check_classes(y: np.ndarray, names: tuple[str, ...], where: str) -> None:
    counts = np.bincount(y, minlength=len(names))
    empty = [names[k] for k in np.flatnonzero(counts == 0)]
    if empty:
        raise DataError(f"{where}: class {_list(empty)} has no images; every class needs at least two.")
    single = [names[k] for k in np.flatnonzero(counts == 1)]
    if single:
        raise DataError(
            f"{where}: class {_list(single)} has a single image; every class needs at least two "
            "(one to train on, one to test)."
        )
    if len(names) < 2:
        raise DataError(f"{where} holds one class only; a classifier needs at least two.")


def read_npz(path: str | os.PathLike) -> ImportedImages:
    path = Path(path)
    where = path.name
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in ("x", "y") if k not in z.files]
            if missing:
                raise DataError(
                    f"{where} has no array named {' or '.join(missing)}; it needs x (the images) "
                    f"and y (their labels), and holds {_list(sorted(z.files)) or 'nothing'}."
                )
            x, y = z["x"], z["y"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise DataError(f"{where} cannot be read as a NumPy .npz file ({type(err).__name__}).") from None
    if x.ndim == 3:
        x = x[:, None]
    if x.ndim != 4 or x.shape[1] not in (1, 3):
        raise DataError(
            f"{where}: x has shape {x.shape}; it must be N×H×W (grey) or N×C×H×W with 1 or 3 channels."
        )
    if x.size > MAX_VALUES or max(x.shape[2:]) > 4 * MAX_SIDE:
        raise DataError(
            f"{where}: x of shape {x.shape} is too large for Nodeplay; use at most {MAX_IMAGES:,} "
            f"images of up to {4 * MAX_SIDE}×{4 * MAX_SIDE} pixels."
        )
    if y.ndim != 1 or len(y) != len(x):
        raise DataError(
            f"{where}: y has shape {y.shape}; it must hold one label for each of the {len(x)} images."
        )
    if not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
        raise DataError(f"{where}: y holds {y.dtype} values; labels must be whole numbers.")
    if not np.all(np.isfinite(y)) or np.any(y != np.round(y)) or y.min() < 0 or y.max() >= MAX_CLASSES:
        raise DataError(f"{where}: labels in y must be whole numbers from 0 to {MAX_CLASSES - 1}.")
    if np.issubdtype(x.dtype, np.integer):
        images = x.astype(np.float32) / np.float32(255.0 if x.max() > 1 else 1.0)
    elif np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)):
            raise DataError(f"{where}: x holds NaN or infinite values; every pixel must be a finite number.")
        images = x.astype(np.float32)
    else:
        raise DataError(f"{where}: x holds {x.dtype} values; pixels must be numbers.")
    labels = y.astype(np.int64)
    names = tuple(str(k) for k in range(int(labels.max()) + 1))
    _check_classes(labels, names, where)
    notes = []
    if images.min() < 0 or images.max() > 1:
        notes.append(
            f"{where}: pixels range from {images.min():g} to {images.max():g}; they were clipped to 0–1."
        )
        images = np.clip(images, 0, 1)
    return ImportedImages(images, labels, names, notes)


def _classes_of(folder: Path) -> list[tuple[str, list[Path]]]:
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not subfolders:
        raise DataError(
            f"{folder.name} has no subfolders; put each class's images in a subfolder named after the class."
        )
    if len(subfolders) > MAX_CLASSES:
        raise DataError(
            f"{folder.name} has {len(subfolders)} subfolders; Nodeplay takes at most {MAX_CLASSES} classes."
        )
    return [
        (d.name, sorted(f for f in d.iterdir() if f.is_file() and f.suffix.lower() in EXTENSIONS))
        for d in subfolders
    ]


def _cap(classes: list[tuple[str, list[Path]]], notes: list[str], where: str) -> list[tuple[str, list[Path]]]:
    total = sum(len(files) for _, files in classes)
    if total <= MAX_IMAGES:
        return classes
    share = max(MAX_IMAGES // len(classes), 2)
    notes.append(
        f"{where} holds {total:,} images; Nodeplay read the first {share:,} of each class "
        f"(at most {MAX_IMAGES:,} in all)."
    )
    return [(name, files[:share]) for name, files in classes]


def read_folder(folder: str | os.PathLike) -> ImportedImages:
    from PIL import Image, UnidentifiedImageError  # only imports need Pillow

    folder = Path(folder)
    where = folder.name
    notes: list[str] = []
    classes = _cap(_classes_of(folder), notes, where)
    empty = [name for name, files in classes if not files]
    if empty:
        raise DataError(f"{where}: class {_list(empty)} has no images; every class needs at least two.")
    pictures: list = []
    labels, files_read, unreadable = [], [], []
    for k, (name, files) in enumerate(classes):
        for f in files:
            try:
                with Image.open(f) as im:
                    im.load()
                    pictures.append(im.copy())
                labels.append(k)
                files_read.append(f"{name}/{f.name}")
            except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
                unreadable.append(f"{name}/{f.name}")
    if unreadable:
        notes.append(
            f"{where}: {len(unreadable)} file(s) could not be read as images and were "
            f"skipped: {_list(unreadable)}."
        )
    if not pictures:
        raise DataError(f"{where} holds no image Nodeplay can read; use PNG or JPEG files.")
    y = np.array(labels, np.int64)
    names = tuple(name for name, _ in classes)
    _check_classes(y, names, where)
    colour = any(im.mode not in ("1", "L", "I", "I;16", "F", "LA") for im in pictures)
    sizes = Counter(im.size for im in pictures)
    w, h = sizes.most_common(1)[0][0]
    if len(sizes) > 1:
        odd = [f for im, f in zip(pictures, files_read) if im.size != (w, h)]
        notes.append(
            f"{where}: images come in {len(sizes)} sizes; {len(odd)} not {w}×{h} ({_list(odd)}) "
            "were resized to it."
        )
    if max(w, h) > MAX_SIDE:
        scale = MAX_SIDE / max(w, h)
        notes.append(f"{where}: images were shrunk from {w}×{h} to fit {MAX_SIDE}×{MAX_SIDE} pixels.")
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
    mode, channels = ("RGB", 3) if colour else ("L", 1)
    x = np.empty((len(pictures), channels, h, w), np.float32)
    for i, im in enumerate(pictures):
        im = im.convert(mode)
        if im.size != (w, h):
            im = im.resize((w, h), Image.Resampling.BILINEAR)
        a = np.asarray(im, dtype=np.float32) / np.float32(255.0)
        x[i] = a[None] if channels == 1 else a.transpose(2, 0, 1)
    return ImportedImages(x, y, names, notes)


def read(path: str | os.PathLike) -> ImportedImages:
    """The images at ``path``: a folder of class subfolders or a ``.npz`` file."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.is_file():
        return read_npz(path)
    raise DataError(
        f"The imported images at {path} are no longer there; import them again with "
        "File › Import images…, or choose another dataset."
    )


@lru_cache(maxsize=2)
def _cached(path: str, stamp: float) -> ImportedImages:
    return read(path)


def load(path: str) -> ImportedImages:
    """``read(path)``, cached while the file or folder is unchanged."""
    if not path:
        raise DataError("The imported dataset names no file; import images with File › Import images….")
    p = Path(path)
    try:
        stamp = (
            max([p.stat().st_mtime] + [d.stat().st_mtime for d in p.iterdir() if d.is_dir()])
            if p.is_dir()
            else p.stat().st_mtime
        )
    except OSError:
        stamp = -1.0
    return _cached(str(p), stamp)
