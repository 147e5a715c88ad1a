"""File › Get dataset… and File › Import images…: data that is not built in.

A download (engine.data.downloads) or the reading of an image folder can take seconds,
so each runs on a plain thread and reports through queued signals; a progress dialog
shows the bytes as they come (Cancel stops the download and keeps nothing). Once the
data is ready it is built and checked off the GUI thread too (app.shell.project_loader),
then the current project switches to it as one undoable edit when its graph fits (an
image network; its class layer follows the new classes); otherwise a sentence says
where the data can be used. Nothing is downloaded unless the user asks here.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QProgressDialog

from engine.data import downloads, imported
from engine.data.dataset import IMPORTED
from engine.edits import edited, fit_class_head
from engine.errors import NodeplayError


class Cancelled(Exception):
    """Raised inside the download's progress callback when the user presses Cancel."""


class DataTasks(QObject):
    """Runs one download or import at a time off the GUI thread."""

    progressed = Signal(int, int)  # bytes so far, bytes in all (0: unknown)
    finished = Signal(str, str, object)  # kind, error sentence ("" when fine), result

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.thread: threading.Thread | None = None
        self.dialog: QProgressDialog | None = None
        self._cancel = threading.Event()
        self.progressed.connect(self._show_progress)
        self.finished.connect(self._finished)

    @property
    def busy(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    # -- downloads -----------------------------------------------------------------
    def download(self, name: str) -> None:
        """Download set ``name`` (a key of downloads.SOURCES), then use it."""
        if self.busy:
            self.window.show_info("Another download or import is still running; wait for it to finish.")
            return
        self._cancel.clear()
        source = downloads.SOURCES[name]
        self.dialog = QProgressDialog(f"Downloading {source.title}…", "Cancel", 0, 0, self.window)
        self.dialog.setWindowTitle("Get dataset")
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.canceled.connect(self._cancel.set)
        self.dialog.show()

        def progress(done: int, total: int) -> None:
            if self._cancel.is_set():
                raise Cancelled
            self.progressed.emit(done, total)

        def work() -> None:
            try:
                downloads.download(name, progress)
                downloads.load(name)  # read once here, so that switching to it is instant
                self._emit("download", "", name)
            except Cancelled:
                self._emit(
                    "download", f"The download of {source.title} was cancelled; nothing was kept.", name
                )
            except NodeplayError as err:
                self._emit("download", str(err), name)

        self._start(work, "download")

    # -- imports -------------------------------------------------------------------
    def import_images(self, path: str) -> None:
        """Read the .npz file or class folder at ``path``, then use it."""
        if self.busy:
            self.window.show_info("Another download or import is still running; wait for it to finish.")
            return

        def work() -> None:
            try:
                self._emit("import", "", (path, imported.load(path)))
            except NodeplayError as err:
                self._emit("import", str(err), (path, None))

        self._start(work, "import")

    # -- plumbing ------------------------------------------------------------------
    def _start(self, work, kind: str) -> None:
        self.thread = threading.Thread(target=work, name=f"data-{kind}", daemon=True)
        self.thread.start()

    def _emit(self, kind: str, error: str, result) -> None:
        try:
            self.finished.emit(kind, error, result)  # queued to the GUI thread
        except RuntimeError:  # the window closed meanwhile
            pass

    def _show_progress(self, done: int, total: int) -> None:
        if self.dialog is None:
            return
        kb = 1024
        self.dialog.setMaximum(max(total // kb, 1) if total else 0)
        self.dialog.setValue(min(done // kb, self.dialog.maximum()) if total else 0)
        self.dialog.setLabelText(
            f"Downloaded {done / 2**20:.1f} MB" + (f" of {total / 2**20:.1f} MB" if total else "")
        )

    def _finished(self, kind: str, error: str, result) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self._cancel.set)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if error:
            self.window.show_error(error)
            return
        if kind == "download":
            title, classes = downloads.SOURCES[result].title, downloads.CLASSES[result]
            self._use(result, title, classes, lambda p: setattr(p.data, "name", result))
            return
        path, images = result

        def mutate(p) -> None:
            p.data.name, p.data.path = IMPORTED, path

        title = f"the {images.classes}-class images from {path}"
        self._use(IMPORTED, title, images.classes, mutate, images.notes)

    def _use(self, name: str, title: str, classes: int, mutate, notes=()) -> None:
        """Switch the project to the new data as one undoable edit, when its graph fits.
        The data is built and checked off the GUI thread (app.shell.project_loader: a
        note meanwhile, the current project stays usable)."""
        window = self.window
        try:

            def change(p) -> None:
                mutate(p)
                fit_class_head(p.graph, classes)

            project = edited(window.document.base_project(), change)
        except NodeplayError as err:
            window.show_error(str(err))
            return
        notes = " ".join(notes)

        def unusable(problem: str) -> None:
            window.show_info(
                f"Ready: {title}. This project's network cannot use it: {problem} Open an image "
                f"network such as the cnn preset and choose it there. {notes}".strip()
            )

        def stale() -> None:
            window.panel.load(window.document.base_project(), window.dataset)
            window.show_info(
                f"Ready: {title}. The project changed while the data was checked, so it was "
                "not switched; get or import it again to use it."
            )

        window.loader.replace(
            project,
            f"Dataset {name}",
            note=f"Checking {title}…",
            done=lambda: window.show_info(f"Training on {title}. {notes}".strip()),
            refused=unusable,
            stale=stale,
        )


def ask_download(window) -> None:
    labels = []
    for name, s in downloads.SOURCES.items():
        have = "downloaded" if downloads.is_downloaded(name) else f"about {s.megabytes} MB"
        labels.append(f"{s.title}, {have}")
    choice, ok = QInputDialog.getItem(
        window, "Get dataset", "Download (SHA-256 checked, kept in your cache folder):", labels, 0, False
    )
    if ok:
        window.data_tasks.download(downloads.NAMES[labels.index(choice)])


def ask_import(window, kind: str) -> None:
    if kind == "folder":
        path = QFileDialog.getExistingDirectory(
            window, "Import images: a folder with one subfolder per class"
        )
    else:
        path, _ = QFileDialog.getOpenFileName(
            window, "Import images: arrays x and y", "", "NumPy arrays (*.npz)"
        )
    if path:
        window.data_tasks.import_images(path)


def add_data_actions(window, menu: QMenu) -> None:
    """File › Get dataset… and File › Import images ▸ (folder, .npz); ``window.data_tasks`` runs them."""
    window.data_tasks = DataTasks(window)
    window.get_dataset_action = menu.addAction("&Get dataset…", lambda: ask_download(window))
    window.get_dataset_action.setToolTip(
        "Download MNIST or Fashion-MNIST once; Nodeplay never downloads otherwise"
    )
    imports = menu.addMenu("&Import images")
    window.import_folder_action = imports.addAction(
        "&Folder of class subfolders…", lambda: ask_import(window, "folder")
    )
    window.import_npz_action = imports.addAction("&Arrays x, y (.npz)…", lambda: ask_import(window, "npz"))
