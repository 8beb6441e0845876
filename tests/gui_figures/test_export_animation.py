"""The animation as a GIF or MP4: one frame per pulse position of every step that sends one,
a hold after each, one frame per step without a pulse, a title and an end frame; each with the
step's explanation in the caption strip; a cancelled render leaves no file."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from backprop_studio.engine import GraphError
from backprop_studio.engine.resources import resource
from backprop_studio.gui.export_animation import caption, export_animation
from backprop_studio.gui.export_animation.dialog import render_with_progress

CS231N = resource("examples", "cs231n_add_multiply.json")
# f = (x + y)·z: 5 forward steps (x, y, z appear; q and f computed, 2 pulses each) and 5
# backward (the seed at f; the edges f→q, f→z, q→x, q→y): 6 steps with a pulse, 4 without
PULSE_STEPS, STILL_STEPS = 6, 4


def _frames(path):
    with Image.open(path) as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append((gif.convert("RGB"), gif.info["duration"]))
        return frames


@pytest.mark.parametrize("speed, per_pulse", [(1.0, 10), (2.0, 5)])
def test_gif_frame_count_is_the_steps_plus_holds(qapp, tmp_path, speed, per_pulse):
    path = tmp_path / "a.gif"
    assert export_animation(path, CS231N, "gif", (480, 300), fps=10, speed=speed)
    frames = _frames(path)
    # a pulse step: fps × its seconds while the pulse travels, then 1 hold frame; a step with
    # no pulse: 1 frame; plus the title frame and the end frame
    assert len(frames) == PULSE_STEPS * (per_pulse + 1) + STILL_STEPS + 2
    assert frames[0][0].size == (480, 300)
    if speed == 1.0:
        # 100 ms per pulse frame, the hold 350 ms (HOLD 0.35 of a 1 s step), an input's or the
        # seed's step 0.45 s + its hold = 610 ms, title 1.5 s, end 3 s
        assert [d for _, d in frames[:3]] == [1500, 610, 610]
        assert sum(d for _, d in frames) == PULSE_STEPS * 1350 + STILL_STEPS * 610 + 4500


def test_every_frame_has_its_explanation_in_the_caption_strip(qapp, tmp_path):
    path = tmp_path / "a.gif"
    assert export_animation(path, CS231N, "gif", (480, 300), fps=4)
    frames = [im for im, _ in _frames(path)]
    top = 300 - caption.strip_height(300)
    strips = []
    for im in frames:
        strip = im.crop((0, top, 480, 300))
        assert strip.getpixel((2, 298 - top)) == (0x26, 0x32, 0x38)      # the strip's colour
        light = int((np.asarray(strip).min(axis=2) > 200).sum())      # the white type
        assert light > 150
        strips.append(strip.tobytes())
    # the text changes with the step: the title frame, a forward and a backward step differ
    assert len({strips[0], strips[2], strips[-2]}) == 3


def test_mp4_holds_each_frame_for_its_duration(qapp, tmp_path):
    import imageio_ffmpeg
    path = tmp_path / "a.mp4"
    assert export_animation(path, CS231N, "mp4", (481, 301), fps=20)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    count = sum(1 for _ in reader)
    assert meta["size"] == (480, 300)          # H.264 wants even sides
    # at 20 frames/s: a pulse frame (1/20 s) once, a hold (0.35 s) 7 times, a still step
    # (0.6075 s) 12 times, the title 30 and the end 60
    assert count == PULSE_STEPS * (20 + 7) + STILL_STEPS * 12 + 30 + 60


def test_cancel_leaves_no_file_and_an_old_file_unchanged(qapp, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    path = tmp_path / "a.gif"
    seen = []

    def cancel_at_5(done, total):
        seen.append((done, total))
        return done < 5

    assert export_animation(path, CS231N, "gif", (320, 200), fps=5, progress=cancel_at_5) \
        is False
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert seen[-1][0] == 5 and all(t == seen[0][1] for _, t in seen)
    path.write_bytes(b"old")
    assert export_animation(path, CS231N, "gif", (320, 200), fps=5,
                            progress=lambda d, t: d < 3) is False
    assert path.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]


def test_gui_progress_dialog_cancel_leaves_no_file(example_window, tmp_path):
    window = example_window()
    cursor = window.animation.controller.cursor
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    path = tmp_path / "a.gif"
    assert render_with_progress(window, path, (320, 200), fps=5, cancel_after=4) is False
    assert list(tmp_path.iterdir()) == []
    assert "cancelled" in window.statusBar().currentMessage()
    assert render_with_progress(window, path, (320, 200), fps=5)
    assert Image.open(path).n_frames == PULSE_STEPS * 6 + STILL_STEPS + 2
    # the user's own window is left as it was: the export animates a hidden copy
    assert window.animation.controller.cursor == cursor


def test_bad_input_is_one_clear_error(qapp, tmp_path):
    with pytest.raises(GraphError, match="no folder"):
        export_animation(tmp_path / "missing" / "a.gif", CS231N, "gif", (320, 200), 5)
    with pytest.raises(GraphError, match="unknown animation format"):
        export_animation(tmp_path / "a.avi", CS231N, "avi", (320, 200), 5)


@pytest.mark.parametrize("total", [102, 10000])
def test_progress_dialog_is_as_wide_as_its_longest_text(example_window, total):
    """The dialog first sizes itself to "Rendering the animation…"; each frame's text, up to
    "Rendering frame 10000 of 10000…", is shown whole, with room to spare."""
    from PySide6.QtWidgets import QLabel, QProgressDialog

    from backprop_studio.gui.export_animation.dialog import show_frame
    window = example_window()
    dialog = QProgressDialog("Rendering the animation…", "Cancel", 0, 100, window)
    dialog.setMinimumDuration(0)
    dialog.show()
    label = dialog.findChild(QLabel)
    for done in (1, total // 3, total - 1, total):
        show_frame(dialog, done, total)
        assert label.text() == f"Rendering frame {done} of {total}…"
        assert label.fontMetrics().horizontalAdvance(label.text()) + 16 <= label.width()
        assert label.geometry().right() < dialog.width()
    dialog.reset()
