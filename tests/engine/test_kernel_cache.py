"""numba's cache notices edits to the helper modules a kernel inlines
(``engine.train.kernel_cache``): a stale kernel would train with old arithmetic."""

from __future__ import annotations

import sys

from engine.train.kernel_cache import key_on_sources


class FakeCache:
    def __init__(self, path):
        self._cache_path, self._name, self.flushes = str(path), "mod.kernel-1.py311", 0

    def flush(self):
        self.flushes += 1


def kernel_function():
    pass


class FakeDispatcher:
    def __init__(self, cache):
        self._cache, self.py_func = cache, kernel_function


def test_the_cache_is_emptied_once_each_time_a_helper_changes(tmp_path, monkeypatch):
    (tmp_path / "kernel_helper_mod.py").write_text("A = 1\n")
    (tmp_path / "mod.py").write_text("# the kernel's own file\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cache = FakeCache(tmp_path)
    namespace = {
        "__name__": "mod",
        "__file__": str(tmp_path / "mod.py"),
        "kernel": FakeDispatcher(cache),
        "other": 3,
    }
    assert key_on_sources(namespace, "kernel_helper_mod") == 1  # never stamped: emptied
    assert key_on_sources(namespace, "kernel_helper_mod") == 0  # the same sources: kept
    (tmp_path / "kernel_helper_mod.py").write_text("A = 2\n")  # a helper edited
    assert key_on_sources(namespace, "kernel_helper_mod") == 1
    assert key_on_sources(namespace, "kernel_helper_mod") == 0 and cache.flushes == 2
    sys.modules.pop("kernel_helper_mod", None)


def test_the_kernels_are_stamped_with_their_helpers():
    from engine.train import compiled, compiled_lanes

    for module, helper in (
        (compiled_lanes, "engine.train.lane_ops"),
        (compiled, "engine.train.compiled_optim"),
    ):
        assert key_on_sources(vars(module), helper) == 0  # stamped at import: nothing to empty now


def test_without_the_sources_numba_keeps_its_own_keys(tmp_path):
    cache = FakeCache(tmp_path)
    namespace = {"__name__": "mod", "__file__": str(tmp_path / "gone.py"), "kernel": FakeDispatcher(cache)}
    assert key_on_sources(namespace) == 0 and cache.flushes == 0
