"""The animation as a list of frames, and each frame painted: the real AnimationController and
Overlay of a hidden window are moved to each frame's cursor and pulse progress, and the scene is
painted with the step's explanation in a caption strip below it.

The frames of a step: a step with a pulse (values or gradients travelling along edges) gets
``round(step seconds × fps)`` frames (at least 2) while the pulse travels, then one hold frame
after it arrives (the Animation dock's pause, HOLD × the step); a step without a pulse (an input
appears, the seed, a dense layer's ∂L/∂W) is one frame shown for its step and its hold. A title
frame comes first and the finished figure last (START_HOLD, END_HOLD seconds). No two frames in
a row look the same, so a GIF writer keeps every one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from backprop_studio.engine import explain
from backprop_studio.gui import theme
from backprop_studio.gui.animation.controller import HOLD
from backprop_studio.gui.export_animation import caption

START_HOLD = 1.5           # seconds on the title frame
END_HOLD = 3.0             # seconds on the finished figure
MARGIN = 40.0              # scene units around the figure

START_TEXT = ("The forward pass computes every node's value from the inputs (green); the "
              "backward pass then hands the gradient of the output back along every edge (red): "
              "upstream × local gradient.")
END_TEXT = ("Every edge now shows the value it carried forward (above, green) and the gradient "
            "it carried back (below, red).")


@dataclass(frozen=True)
class Frame:
    cursor: int             # how many steps are shown
    progress: float         # the active step's pulse: 0 → 1 (1: arrived, no pulse drawn)
    duration: float         # seconds on screen
    role: str = "step"      # "start" | "step" | "end"


def plan(controller, fps: float, mode: str = "both") -> list[Frame]:
    """Every frame of the pass(es) ``mode`` at ``fps``, at the controller's speed."""
    lo, hi = controller.timeline.range(mode)
    steps = controller.timeline.steps
    frames = [Frame(lo, 1.0, START_HOLD, "start")]
    for cursor in range(lo + 1, hi + 1):
        seconds = controller.step_seconds(cursor)
        if steps[cursor - 1].edges:
            n = max(2, round(seconds * fps))
            frames += [Frame(cursor, i / n, seconds / n) for i in range(n)]
            frames.append(Frame(cursor, 1.0, seconds * HOLD))
        else:
            frames.append(Frame(cursor, 1.0, seconds * (1 + HOLD)))
    frames.append(Frame(hi, 1.0, END_HOLD, "end"))
    return frames


class FramePainter:
    """Paints frames of ``window``'s animation at ``size`` (width, height) pixels."""

    def __init__(self, window, size: tuple[int, int]) -> None:
        self.window = window
        self.animation = window.animation
        self.ctl = self.animation.controller
        # the export sets the time itself, frame by frame: the playback timer must not move it
        self.ctl._timer.timeout.disconnect(self.ctl._tick)
        self.width, self.height = size
        self.strip = caption.strip_height(self.height)
        scene = window.scene
        self.animation.overlay.show_figure()        # the whole figure decides the framing
        self.source = scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        scene.overview.set_active(False)
        for item in scene.node_items():
            item.setCacheMode(item.CacheMode.NoCache)
        self.ctl.seek(0)
        self.animation.overlay.engage()

    def move_to(self, frame: Frame) -> None:
        """The controller and overlay as they are at ``frame``; the end frame is the whole
        figure, with no step singled out."""
        ctl, overlay = self.ctl, self.animation.overlay
        if frame.role == "end":
            ctl.seek(frame.cursor)
            overlay.reset()
            overlay.show_figure()
            return
        if overlay.figure:
            overlay.engage()
        if frame.cursor != ctl.cursor:
            ctl.seek(frame.cursor, animate=frame.progress < 1.0)
        if frame.progress >= 1.0:
            ctl.advance(1e9)                     # paused: the pulse arrives and stops
        elif frame.progress > ctl.progress:
            ctl.advance((frame.progress - ctl.progress) * ctl.step_seconds())

    def texts(self, frame: Frame) -> tuple[str, str, str]:
        tl = self.ctl.timeline
        where = f"step {frame.cursor} / {len(tl)} · {tl.phase_at(frame.cursor)}"
        if frame.role == "start":
            return "Backpropagation, step by step", START_TEXT, where
        if frame.role == "end":
            return "Done: forward and backward", END_TEXT, where
        active = self.ctl.active
        if active is None:
            return "Start: nothing computed yet", START_TEXT, where
        return (explain.title(tl.graph, tl.result, active.subject),
                explain.explain_step(tl.graph, tl.result, active.subject), where)

    def paint(self, frame: Frame) -> QImage:
        self.move_to(frame)
        image = QImage(self.width, self.height, QImage.Format.Format_RGB32)
        image.fill(theme.CANVAS_BG)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene = self.window.scene
        scene.transparent_export = True          # no grid: the canvas colour is filled above
        try:
            scene.render(painter, QRectF(0, 0, self.width, self.height - self.strip),
                         self.source, Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            scene.transparent_export = False
        caption.paint(painter, QRectF(0, self.height - self.strip, self.width, self.strip),
                      *self.texts(frame))
        painter.end()
        return image
