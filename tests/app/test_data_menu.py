"""File › Get dataset… and File › Import images: chosen from the menu, run off the GUI
thread, and the project switches to the new data as one undoable edit."""

import hashlib
import http.server
import io
import socket
import threading

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QInputDialog

from engine.data import downloads
from tests.app.conftest import shown_window


def wait_done(qtbot, window):
    qtbot.waitUntil(lambda: not window.data_tasks.busy, timeout=30_000)
    qtbot.wait(50)  # the queued result reaches the GUI thread
    qtbot.waitUntil(lambda: not window.loader.busy, timeout=30_000)  # the data checked off it


def class_folder(root, counts, size=(10, 10)):
    for cls, n in counts.items():
        (root / cls).mkdir(parents=True)
        for i in range(n):
            Image.new("L", size, 30 * i).save(root / cls / f"{i}.png")
    return root


def test_import_a_class_folder_from_the_menu(qtbot, tmp_path, monkeypatch):
    window = shown_window(qtbot, "digits-cnn")
    folder = class_folder(tmp_path / "letters", {"a": 4, "b": 4, "c": 4})
    Image.new("L", (12, 9)).save(folder / "c" / "odd.png")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.import_folder_action.trigger()
    wait_done(qtbot, window)
    p = window.project
    assert p.data.name == "imported" and p.data.path == str(folder)
    assert p.graph.nodes["head"].params["units"] == 3  # the class layer follows the classes
    assert window.panel.dataset_combo.currentData() == "imported"
    text = window.message.text.text()
    assert "Training on the 3-class images" in text and "c/odd.png" in text and "resized" in text
    window.document.undo_stack.undo()
    assert window.project.data.name == "digits"


def test_a_bad_folder_is_refused_naming_the_class(qtbot, tmp_path, monkeypatch):
    window = shown_window(qtbot, "digits-cnn")
    folder = class_folder(tmp_path / "set", {"a": 3, "b": 1})
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.import_folder_action.trigger()
    wait_done(qtbot, window)
    assert window.project.data.name == "digits"
    assert "class b has a single image" in window.message.text.text()


class Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_mnist(tmp_path, monkeypatch):
    """MNIST's entry pointed at a small .npz served on localhost; a fresh cache folder."""
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    np.savez(
        buf,
        x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8),
        y_train=np.arange(40, dtype=np.uint8) % 10,
        x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        y_test=np.arange(20, dtype=np.uint8) % 10,
    )
    Handler.body = buf.getvalue()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/mnist.npz"
    old = downloads.SOURCES["mnist"]
    local = downloads.RemoteFile("mnist.npz", url, hashlib.sha256(Handler.body).hexdigest())
    monkeypatch.setitem(downloads.SOURCES, "mnist", downloads.Source(old.title, (local,), 1, old.class_names))
    monkeypatch.setenv("NODEPLAY_DATA_DIR", str(tmp_path / "cache"))
    downloads.load.cache_clear()
    yield local
    srv.shutdown()
    srv.server_close()
    thread.join()
    downloads.load.cache_clear()


def choose_first(monkeypatch, seen):
    def get_item(parent, title, label, items, current, editable):
        seen.extend(items)
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)


def test_get_mnist_from_the_menu_shows_progress_and_switches_to_it(qtbot, local_mnist, monkeypatch):
    window = shown_window(qtbot, "cnn")
    items, progress = [], []
    choose_first(monkeypatch, items)
    window.data_tasks.progressed.connect(lambda done, total: progress.append((done, total)))
    window.get_dataset_action.trigger()
    assert window.data_tasks.dialog is not None and window.data_tasks.dialog.isVisible()
    wait_done(qtbot, window)
    assert items[0].startswith("MNIST") and "about 1 MB" in items[0]
    assert progress and progress[-1] == (len(Handler.body), len(Handler.body))
    assert window.project.data.name == "mnist" and window.data_tasks.dialog is None
    assert "Training on MNIST" in window.message.text.text()
    assert downloads.is_downloaded("mnist")
    items.clear()
    choose_first(monkeypatch, items)
    window.get_dataset_action.trigger()  # offered again, marked as downloaded
    wait_done(qtbot, window)
    assert "downloaded" in items[0]


def test_offline_download_says_so_and_keeps_the_project(qtbot, local_mnist, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = downloads.RemoteFile("mnist.npz", f"http://127.0.0.1:{port}/mnist.npz", local_mnist.sha256)
    old = downloads.SOURCES["mnist"]
    monkeypatch.setitem(downloads.SOURCES, "mnist", downloads.Source(old.title, (dead,), 1, old.class_names))
    window = shown_window(qtbot, "cnn")
    choose_first(monkeypatch, [])
    window.get_dataset_action.trigger()
    wait_done(qtbot, window)
    assert window.project.data.name == "digits28"
    assert "could not reach 127.0.0.1" in window.message.text.text()
    assert not downloads.is_downloaded("mnist")


def test_choosing_mnist_before_downloading_it_says_how_to_get_it(qtbot, local_mnist):
    window = shown_window(qtbot, "cnn")
    combo = window.panel.dataset_combo
    combo.setCurrentIndex(combo.findData("mnist"))
    assert window.project.data.name == "digits28"
    assert "not downloaded yet" in window.message.text.text() and "Get dataset" in window.message.text.text()
