"""File > Open Recent: the last projects opened or saved, newest first.

The list lives in QSettings (the platform's usual place for preferences) when the
window is given one, and in memory otherwise (tests, renders). The list logic is two
pure functions so that tests call it without Qt.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

RECENT_LIMIT = 10
KEY = "recent_files"


def pushed(paths: list[str], path: str | os.PathLike, limit: int = RECENT_LIMIT) -> list[str]:
    """``paths`` with ``path`` moved (or added) to the front, at most ``limit`` long.

    Paths compare by their absolute form, so "a.nodeplay" and "./a.nodeplay" are one entry.
    """
    new = str(Path(path).absolute())
    return [new, *[p for p in paths if p != new]][:limit]


def pruned(paths: list[str]) -> tuple[list[str], list[str]]:
    """(paths that still exist, paths whose file is gone)."""
    kept = [p for p in paths if Path(p).is_file()]
    return kept, [p for p in paths if p not in kept]


class RecentFiles:
    """The recent-file list, kept in ``settings`` under ``recent_files`` when given."""

    def __init__(self, settings: QSettings | None = None, limit: int = RECENT_LIMIT) -> None:
        self.settings = settings
        self.limit = limit
        self._memory: list[str] = []

    def paths(self) -> list[str]:
        if self.settings is None:
            return list(self._memory)
        value = self.settings.value(KEY, [])
        if isinstance(value, str):  # QSettings gives a lone entry back as a string
            value = [value]
        return [str(p) for p in value or []][: self.limit]

    def _store(self, paths: list[str]) -> None:
        if self.settings is None:
            self._memory = list(paths)
            return
        self.settings.setValue(KEY, list(paths))
        self.settings.sync()

    def add(self, path: str | os.PathLike) -> None:
        self._store(pushed(self.paths(), path, self.limit))

    def remove(self, path: str | os.PathLike) -> None:
        gone = str(Path(path).absolute())
        self._store([p for p in self.paths() if p != gone])

    def prune(self) -> list[str]:
        """Drop entries whose file no longer exists; returns those dropped."""
        kept, missing = pruned(self.paths())
        if missing:
            self._store(kept)
        return missing

    def clear(self) -> None:
        self._store([])


def missing_sentence(missing: list[str]) -> str:
    """One sentence saying which recent files were dropped from the menu."""
    names = ", ".join(Path(p).name for p in missing[:3]) + (" …" if len(missing) > 3 else "")
    if len(missing) == 1:
        return f"{missing[0]} no longer exists; it was removed from Open Recent."
    return f"{len(missing)} recent projects no longer exist ({names}); they were removed from Open Recent."
