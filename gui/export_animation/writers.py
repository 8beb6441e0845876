"""Frames to a file: GIF through Pillow, MP4 through imageio-ffmpeg (the optional ``video``
extra: a wheel with ffmpeg inside). Both write to a temporary file beside the target and rename
it at the end, so a cancelled or failed export leaves no partial file (and an existing file at
the path stays as it was)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from backprop_studio.engine import GraphError


class Cancelled(Exception):
    """The user cancelled the export (the progress callback returned False)."""


def rgb_bytes(image: QImage) -> bytes:
    """The pixels as packed RGB rows (what Pillow and ffmpeg read)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = bytes(rgb.constBits())[: stride * h]
    if stride == 3 * w:
        return data
    return b"".join(data[y * stride: y * stride + 3 * w] for y in range(h))


def to_pil(image: QImage):
    from PIL import Image
    return Image.frombytes("RGB", (image.width(), image.height()), rgb_bytes(image))


def _temporary(path: Path) -> Path:
    if not path.parent.is_dir():
        raise GraphError(f"cannot write {path}: no folder {path.parent}")
    return path.with_name(f".{path.name}.{os.getpid()}.part")


def _finish(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GraphError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_gif(path, images, durations: list[float], palette_image: QImage) -> None:
    """``images`` (an iterable of QImage, consumed once) as a looping GIF; each frame shown
    for its duration (seconds, kept to GIF's 10 ms steps). The colours of ``palette_image``
    (the finished figure: every colour the frames use) are every frame's palette, so colours
    do not flicker from frame to frame."""
    from PIL import Image

    path = Path(path)
    tmp = _temporary(path)
    palette = to_pil(palette_image).quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    frames = (to_pil(im).quantize(palette=palette, dither=Image.Dither.NONE) for im in images)
    try:
        first = next(frames)
        first.save(tmp, format="GIF", save_all=True, append_images=frames, loop=0,
                   duration=[max(20, round(d * 100) * 10) for d in durations],
                   optimize=False, disposal=1)
    except BaseException as exc:          # cancelled, or failed: no partial file
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise GraphError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    _finish(tmp, path)


def repeats(durations: list[float], fps: float) -> list[int]:
    """How many video frames at ``fps`` each frame needs to last its duration."""
    return [max(1, round(d * fps)) for d in durations]


def write_mp4(path, images, durations: list[float], size: tuple[int, int], fps: float) -> None:
    """``images`` as H.264 at a constant ``fps`` (a held frame repeats)."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise GraphError("MP4 needs the optional video extra: pip install "
                         "'backprop-studio[video]' (GIF works without it)") from None
    path = Path(path)
    tmp = _temporary(path).with_suffix(".mp4")
    writer = imageio_ffmpeg.write_frames(str(tmp), size, fps=fps, quality=7,
                                         macro_block_size=2, ffmpeg_log_level="error")
    writer.send(None)
    try:
        for image, count in zip(images, repeats(durations, fps)):
            data = rgb_bytes(image)
            for _ in range(count):
                writer.send(data)
        writer.close()
    except BaseException as exc:
        writer.close()
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise GraphError(f"cannot write {path}: {exc}") from None
        raise
    _finish(tmp, path)
