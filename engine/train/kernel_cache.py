"""numba's on-disk cache, keyed on every source file a kernel is compiled from.

numba keys a cached kernel on its own file's time stamp and its own bytecode. The
kernels in ``engine.train.compiled`` and ``engine.train.compiled_lanes`` inline
helpers from other modules (``compiled_optim``, ``lane_ops``): an edit there, or a
release that changes only them, would leave the old machine code in the cache and
the app would train with it. ``key_on_sources`` keeps a digest of all the files
beside the cache and empties the cache's index when it changes, so the kernels
compile anew once.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Any


def _digest(files: list[str]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:24]


def key_on_sources(namespace: dict[str, Any], *helpers: str) -> int:
    """Empty the cache of every cached dispatcher in ``namespace`` (a module's globals)
    whose sources (that module and the ``helpers`` modules it inlines) changed since it
    was last stamped; how many."""
    files = [namespace["__file__"], *(importlib.import_module(h).__file__ or "" for h in helpers)]
    try:
        digest = _digest(files)
    except OSError:  # no source beside the code (a frozen bundle): numba's own keys stand
        return 0
    flushed = 0
    for obj in list(namespace.values()):
        cache: Any = getattr(obj, "_cache", None)
        path = getattr(cache, "_cache_path", None)
        if cache is None or path is None or not getattr(obj, "py_func", None):
            continue
        stamp = Path(path) / f"{namespace.get('__name__', '')}.{obj.py_func.__qualname__}.sources"
        try:
            if stamp.read_text() == digest:
                continue
        except OSError:
            pass
        try:
            cache.flush()  # an empty index: the next call compiles and caches anew
            stamp.write_text(digest)
        except OSError:  # a read-only install: numba then keeps no cache here either
            continue
        flushed += 1
    return flushed
