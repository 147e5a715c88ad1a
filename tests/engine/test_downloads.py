"""Downloads on request, served from a localhost http.server: the checksum, a wrong
checksum, a refused connection and a truncated transfer. No test reaches the network."""

import hashlib
import http.server
import io
import socket
import threading

import numpy as np
import pytest

from engine.data import downloads, make_dataset
from engine.data.downloads import RemoteFile
from engine.errors import DataError
from engine.settings import DataSettings

PAYLOAD = bytes(range(256)) * 400  # 100 kB


class Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self):
        if self.path.startswith("/truncated"):  # promise the whole file, send a third of it
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD[: len(PAYLOAD) // 3])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Handler.files = {"/data.bin": PAYLOAD}
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    thread.join()


SHA = hashlib.sha256(PAYLOAD).hexdigest()


def test_a_file_with_the_right_checksum_is_kept_and_progress_reported(server, tmp_path):
    seen = []
    path = downloads.fetch(
        RemoteFile("data.bin", server + "/data.bin", SHA),
        tmp_path,
        lambda done, total: seen.append((done, total)),
    )
    assert path.read_bytes() == PAYLOAD
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD)) and len(seen) > 1
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_wrong_checksum_deletes_the_file_and_says_so(server, tmp_path):
    bad = RemoteFile("data.bin", server + "/data.bin", "0" * 64)
    with pytest.raises(DataError, match="damaged .*checksum.* deleted"):
        downloads.fetch(bad, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_connection_says_to_check_the_connection(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DataError, match="could not reach 127.0.0.1.*internet connection"):
        downloads.fetch(RemoteFile("data.bin", f"http://127.0.0.1:{port}/data.bin", SHA), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_download_is_deleted_and_reported(server, tmp_path):
    with pytest.raises(DataError, match="(stopped before the end|damaged).*deleted"):
        downloads.fetch(RemoteFile("data.bin", server + "/truncated", SHA), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_names_the_servers_answer(server, tmp_path):
    with pytest.raises(DataError, match="404"):
        downloads.fetch(RemoteFile("data.bin", server + "/nothing", SHA), tmp_path)


def _mnist_npz(n_train=30, n_test=10) -> bytes:
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    np.savez(
        buf,
        x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        y_train=np.arange(n_train, dtype=np.uint8) % 10,
        x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        y_test=np.arange(n_test, dtype=np.uint8) % 10,
    )
    return buf.getvalue()


def test_mnist_downloads_on_request_then_trains_from_the_cache(server, tmp_path, monkeypatch):
    monkeypatch.setenv("NODEPLAY_DATA_DIR", str(tmp_path))
    downloads.load.cache_clear()
    with pytest.raises(DataError, match="not downloaded yet.*File › Get dataset"):
        make_dataset(DataSettings(name="mnist"))
    body = _mnist_npz()
    Handler.files["/mnist.npz"] = body
    local = RemoteFile("mnist.npz", server + "/mnist.npz", hashlib.sha256(body).hexdigest())
    source = downloads.SOURCES["mnist"]
    monkeypatch.setitem(
        downloads.SOURCES, "mnist", downloads.Source(source.title, (local,), 1, source.class_names)
    )
    seen = []
    downloads.download("mnist", lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(body), len(body))
    ds = make_dataset(DataSettings(name="mnist", samples=1000, train_percent=75))
    assert ds.x_train.shape == (30, 1, 28, 28) and ds.classes == 10 and ds.x_train.max() <= 1
    # a file damaged in the cache is deleted and the user told to download again
    (tmp_path / "mnist.npz").write_bytes(body[:100])
    downloads.load.cache_clear()
    with pytest.raises(DataError, match="damaged .*deleted.*Get dataset"):
        make_dataset(DataSettings(name="mnist"))
    assert not (tmp_path / "mnist.npz").exists()
    downloads.load.cache_clear()
