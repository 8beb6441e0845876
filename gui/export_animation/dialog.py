"""File ▸ Export ▸ Animation…: where, which format (from the file name), size, frame rate and
speed, then the render with a cancellable progress dialog. Cancelling leaves no file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from backprop_studio.engine import GraphError
from backprop_studio.gui import refusals
from backprop_studio.gui.export_animation import export_animation

SPEEDS = (0.5, 1.0, 1.5, 2.0, 3.0)
FILTERS = "Animated GIF (*.gif);;MP4 video (*.mp4)"


class AnimationOptions(QDialog):
    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Animation")
        form = QFormLayout(self)
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        self.width_box, self.height_box = QSpinBox(row), QSpinBox(row)
        for spin, value in ((self.width_box, 960), (self.height_box, 600)):
            spin.setRange(160, 3840)
            spin.setSingleStep(40)
            spin.setValue(value)
            spin.setSuffix(" px")
            box.addWidget(spin)
        form.addRow("Size", row)
        self.fps = QSpinBox(self)
        self.fps.setRange(5, 50)
        self.fps.setValue(15)
        self.fps.setSuffix(" frames/s")
        form.addRow("Frame rate", self.fps)
        self.speed = QComboBox(self)
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        form.addRow("Speed", self.speed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        return {"size": (self.width_box.value(), self.height_box.value()),
                "fps": self.fps.value(), "speed": self.speed.currentData()}


def ask(window):
    """(path, options) or None when cancelled (tests call ``render_with_progress``)."""
    start = str(window.files.path.with_suffix(".gif") if window.files.path
                else Path.home() / "animation.gif")
    path, chosen = QFileDialog.getSaveFileName(window, "Export Animation", start, FILTERS)
    if not path:
        return None
    if Path(path).suffix.lower() not in (".gif", ".mp4"):
        path += ".mp4" if "mp4" in chosen else ".gif"
    dialog = AnimationOptions(window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return path, dialog.values()


def render_with_progress(window, path, size=(960, 600), fps=15, speed=1.0,
                         cancel_after: int | None = None) -> bool:
    """Render ``window``'s graph to ``path`` under a cancellable QProgressDialog; True when
    written. ``cancel_after`` (tests) presses Cancel once that many frames are done."""
    fmt = Path(path).suffix.lower().lstrip(".")
    dialog = QProgressDialog("Rendering the animation…", "Cancel", 0, 100, window)
    dialog.setWindowTitle("Export Animation")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)

    def progress(done: int, total: int) -> bool:
        show_frame(dialog, done, total)
        if cancel_after is not None and done >= cancel_after:
            dialog.cancel()
        return not dialog.wasCanceled()

    try:
        written = export_animation(path, window.graph, fmt, size, fps, progress=progress,
                                   speed=speed)
    except GraphError as exc:
        window.show_refusal("Could not export the animation", refusals.short(str(exc)))
        return False
    finally:
        dialog.reset()
        dialog.deleteLater()
    window.show_message(f"Exported {path}" if written else "Animation export cancelled; "
                        "no file was written")
    return written


def show_frame(dialog: QProgressDialog, done: int, total: int) -> None:
    """Frame ``done`` of ``total`` in the dialog, which is widened once, when the total is
    first known, to its longest text ("Rendering frame 102 of 102…"): the dialog sized itself
    to its first, shorter label and would otherwise cut the digits off."""
    if dialog.property("frames") != total:
        dialog.setProperty("frames", total)
        dialog.setMaximum(total)
        label = dialog.findChild(QLabel)
        margins = max(dialog.width() - label.width(), 0)
        needed = label.fontMetrics().horizontalAdvance(_frame_text(total, total)) + margins + 32
        if dialog.width() < needed:
            dialog.setMinimumWidth(needed)
            dialog.resize(needed, dialog.height())
    dialog.setValue(done)
    dialog.setLabelText(_frame_text(done, total))


def _frame_text(done: int, total: int) -> str:
    return f"Rendering frame {done} of {total}…"


def export_dialog(window) -> bool:
    from backprop_studio.gui.exercise.lock import ANIMATION_LOCKED, locked_graph
    if locked_graph(window.graph):         # refused before asking where to write
        window.show_refusal("Could not export the animation", ANIMATION_LOCKED)
        return False
    chosen = ask(window)
    return chosen is not None and render_with_progress(window, chosen[0], **chosen[1])
