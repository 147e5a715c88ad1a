"""Frames (H×W×3 uint8 arrays) to an animated GIF (Pillow) or an MP4 (imageio-ffmpeg).

No Qt here: the live recorder encodes on a plain thread. MP4 needs the optional
``video`` extra, whose bundled ffmpeg binary is GPL-licensed; GIF needs only Pillow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from engine.errors import NodeplayError

FORMATS = (".gif", ".mp4")
MP4_LICENCE = "MP4 uses the ffmpeg binary bundled with imageio-ffmpeg, which is GPL-licensed."


def check_path(path) -> Path:
    """``path`` if it ends in a format we write; else one sentence saying what to do."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise NodeplayError(
            f"A recording is written as .gif or .mp4, not '{path.suffix or path.name}'; choose one of those."
        )
    if suffix == ".mp4" and not mp4_available():
        raise NodeplayError(
            "MP4 needs the optional 'video' extra (pip install nodeplay[video]); write a .gif instead. "
            + MP4_LICENCE
        )
    if not path.parent.exists():
        raise NodeplayError(f"The folder {path.parent} does not exist.")
    return path


def mp4_available() -> bool:
    try:
        import imageio_ffmpeg  # type: ignore[import-untyped]

        imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return False
    return True


def write_frames(
    frames: Iterable[np.ndarray],
    path,
    fps: float,
    count: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write ``count`` frames to ``path`` (.gif or .mp4) at ``fps`` frames a second;
    ``progress(done, count)`` after each. Every frame is cropped to the first's size
    (MP4 also to even sides, as H.264 needs). Returns the frames written."""
    path = check_path(path)
    if fps <= 0:
        raise NodeplayError(f"The frame rate must be positive, not {fps}.")
    encode = _write_gif if path.suffix.lower() == ".gif" else _write_mp4
    try:
        return encode(iter(frames), path, fps, count, progress or (lambda _d, _c: None))
    except OSError as err:
        raise NodeplayError(
            f"The recording could not be written to {path} ({err.strerror or err}); "
            "check that the folder can be written."
        ) from None


def _fit(frame: np.ndarray, shape: tuple[int, int] | None, even: bool) -> np.ndarray:
    frame = np.ascontiguousarray(np.asarray(frame, np.uint8)[..., :3])
    if shape is None:
        h, w = frame.shape[:2]
        shape = (h - h % 2, w - w % 2) if even else (h, w)
    out = np.zeros((*shape, 3), np.uint8)  # a frame smaller than the first: black beyond it
    h, w = min(shape[0], frame.shape[0]), min(shape[1], frame.shape[1])
    out[:h, :w] = frame[:h, :w]
    return out


def _write_gif(frames, path: Path, fps: float, count: int, progress) -> int:
    from PIL import Image

    shape, pictures = None, []
    for i, frame in enumerate(frames):
        frame = _fit(frame, shape, even=False)
        shape = frame.shape[:2]
        # one palette per frame, quantized as it comes: a frame keeps 1 byte a pixel
        pictures.append(Image.fromarray(frame).quantize(colors=255, method=Image.Quantize.MEDIANCUT))
        progress(i + 1, count)
    if not pictures:
        raise NodeplayError("There were no frames to write; record for longer.")
    duration = max(20, round(1000 / fps))  # GIF delays are in hundredths: 20 ms is the least that plays
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=duration, loop=0, disposal=1)
    return len(pictures)


def _write_mp4(frames, path: Path, fps: float, count: int, progress) -> int:
    import imageio.v2 as iio

    shape, n = None, 0
    writer = iio.get_writer(str(path), fps=fps, codec="libx264", macro_block_size=1, quality=8)
    try:
        for frame in frames:
            frame = _fit(frame, shape, even=True)
            shape = frame.shape[:2]
            writer.append_data(frame)
            n += 1
            progress(n, count)
    finally:
        writer.close()
    if not n:
        raise NodeplayError("There were no frames to write; record for longer.")
    return n
