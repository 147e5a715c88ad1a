"""Autosave and recovery after a crash.

While a project has unsaved work the window writes it, with its trained weights, to
its own file under the platform's app-data folder (``.../autosave``), never over the
user's file. A clean save, a discard or a clean close deletes that file; one still
there at the next start means the app did not close cleanly, and the window offers to
restore it when it is newer than the project file it belongs to.

An autosave is an ordinary project file (the same JSON, weights in safetensors) with
one extra ``autosave`` record that says where the work came from; the project loader
ignores that record. The naming and the "is it worth restoring" decisions are pure
functions here so that tests call them directly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from engine.project import Project

AUTOSAVE_SUFFIX = ".autosave.nodeplay"
AUTOSAVE_SECONDS = 30  # between autosaves while there is unsaved work


def default_directory() -> Path:
    """``<AppDataLocation>/autosave`` (e.g. ~/.local/share/Nodeplay/autosave)."""
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".nodeplay") / "autosave"


def autosave_name(original: str | os.PathLike | None, token: str) -> str:
    """The autosave file's name: one per project file (its stem plus a hash of its
    absolute path, so two ``model.nodeplay`` in different folders do not collide), or
    one per window (``token``) for a project never saved."""
    if original is None:
        return f"untitled-{token}{AUTOSAVE_SUFFIX}"
    full = str(Path(original).absolute())
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(original).stem)[:40] or "project"
    return f"{stem}-{hashlib.sha256(full.encode()).hexdigest()[:12]}{AUTOSAVE_SUFFIX}"


def autosave_document(
    project: Project,
    original: str | os.PathLike | None,
    saved_at: float | None = None,
    pid: int | None = None,
) -> dict:
    """The project's file contents plus the ``autosave`` record."""
    data = project.to_dict()
    data["autosave"] = {
        "original": None if original is None else str(Path(original).absolute()),
        "saved_at": time.time() if saved_at is None else saved_at,
        "pid": os.getpid() if pid is None else pid,
    }
    return data


SLICE = 2_000  # list items encoded in one call: ~1 ms, so the GUI thread gets the GIL between


def json_in_slices(value) -> str:
    """``json.dumps(value)``, the same text, but with long lists encoded a slice at a time:
    one C call for 100,000 points holds the GIL for ~80 ms, which the GUI thread would
    wait out (autosave runs on a pool thread for this)."""
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}: {json_in_slices(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list) and len(value) > SLICE:
        parts = (json.dumps(value[i : i + SLICE])[1:-1] for i in range(0, len(value), SLICE))
        return "[" + ", ".join(parts) + "]"
    return json.dumps(value)


def autosave_text(project: Project, original: str | os.PathLike | None) -> str:
    """The autosave file's text (the costly part: the weights and points serialized)."""
    return json_in_slices(autosave_document(project, original))


def write_atomically(text: str, path: Path) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class AutosaveEntry:
    file: Path
    original: Path | None  # the project file it belongs to; None if never saved
    saved_at: float  # seconds since the epoch
    pid: int  # the process that wrote it
    name: str  # the project's name


def read_entry(file: Path) -> AutosaveEntry | None:
    """The autosave record of ``file``; None when it is not a readable autosave."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        meta = data["autosave"]
        original = meta.get("original")
        return AutosaveEntry(
            file,
            None if original is None else Path(original),
            float(meta["saved_at"]),
            int(meta.get("pid", 0)),
            str(data.get("name", "untitled")),
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (another Nodeplay still working on it)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def needs_recovery(entry: AutosaveEntry, original_mtime: float | None) -> bool:
    """Whether an autosave holds work the project file lacks: it is newer than the file,
    or there is no file (never saved, or deleted since)."""
    return original_mtime is None or entry.saved_at > original_mtime


def _mtime(path: Path | None) -> float | None:
    try:
        return None if path is None else path.stat().st_mtime
    except OSError:
        return None


def pending_recoveries(directory: Path, own_pid: int | None = None, alive=pid_alive) -> list[AutosaveEntry]:
    """Autosaves left by a process that is gone, newest first, that are worth
    restoring. Those older than their project file are stale: they are deleted."""
    own_pid = os.getpid() if own_pid is None else own_pid
    found = []
    for file in sorted(Path(directory).glob(f"*{AUTOSAVE_SUFFIX}")):
        entry = read_entry(file)
        if entry is None:
            continue
        if entry.pid == own_pid or alive(entry.pid):
            continue  # a window still working on it (this one or another Nodeplay)
        if needs_recovery(entry, _mtime(entry.original)):
            found.append(entry)
        else:
            file.unlink(missing_ok=True)
    return sorted(found, key=lambda e: e.saved_at, reverse=True)


class Autosaver:
    """Writes one window's autosave file and removes it when the work is safe."""

    def __init__(self, directory: Path, token: str | None = None) -> None:
        self.directory = Path(directory)
        self.token = token or f"{os.getpid()}-{int(time.time() * 1000) % 10**8}"
        self.current: Path | None = None  # the file last written
        self.generation = 0  # one more at each discard: a text prepared before it is stale

    def file_for(self, original: str | os.PathLike | None) -> Path:
        return self.directory / autosave_name(original, self.token)

    def write(self, project: Project, original: str | os.PathLike | None) -> Path:
        return self.write_text(autosave_text(project, original), original)

    def write_text(self, text: str, original: str | os.PathLike | None) -> Path:
        """Write ``text`` (``autosave_text``) as the autosave of ``original``."""
        target = self.file_for(original)
        write_atomically(text, target)
        if self.current is not None and self.current != target:
            self.current.unlink(missing_ok=True)  # the project moved (Save As)
        self.current = target
        return target

    def adopt(self, file: Path) -> None:
        """Take over a recovered file: later autosaves replace it, a save removes it."""
        self.current = Path(file)

    def discard(self) -> None:
        self.generation += 1
        if self.current is not None:
            self.current.unlink(missing_ok=True)
            self.current = None
