"""The canvas as a PNG or SVG at a chosen scale, on the canvas colour or transparent: File ▸
Export ▸ PNG/SVG (with a small options dialog) and ``export FILE --to png|svg`` (offscreen).

The image covers the scene's items plus MARGIN on each side; its pixel size is that rectangle
× ``scale`` (rounded), which is what the tests check.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
)

from backprop_studio.gui import theme

MARGIN = 30.0
MAX_PIXELS = 64e6         # a PNG larger than this (8000×8000) is refused, not attempted


def source_rect(scene) -> QRectF:
    """The part of the scene the image shows: every item, plus a margin."""
    rect = scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    return rect if not rect.isEmpty() else QRectF(0, 0, 400, 300)


def image_size(scene, scale: float) -> tuple[int, int]:
    rect = source_rect(scene)
    return max(1, round(rect.width() * scale)), max(1, round(rect.height() * scale))


def default_scale(scene) -> float:
    """2× (sharp on a slide), 1× for a canvas too large for that to stay a reasonable file."""
    rect = source_rect(scene)
    return 2.0 if rect.width() * rect.height() < 4e6 else 1.0


def render(scene, path, kind: str, scale: float | None = None, transparent: bool = False,
           title: str = "") -> None:
    """Paint ``scene`` into ``path``; OSError when it cannot be written."""
    scale = default_scale(scene) if scale is None else scale
    source = source_rect(scene)
    width, height = image_size(scene, scale)
    if kind == "svg":
        from PySide6.QtSvg import QSvgGenerator
        Path(path).open("wb").close()   # OSError now, not a painter that cannot begin
        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(QSize(width, height))
        gen.setViewBox(QRectF(0, 0, width, height))
        gen.setTitle(title)
        # 96 dpi, as the canvas and a PNG: the painter's scale already enlarges the text, so a
        # resolution × scale would enlarge each font-size a second time.
        gen.setResolution(96)
        painter = QPainter(gen)
        if not transparent:
            painter.fillRect(QRectF(0, 0, width, height), theme.CANVAS_BG)
    else:
        if width * height > MAX_PIXELS:
            raise OSError(f"{width}×{height} pixels is too large; choose a smaller scale")
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent if transparent else theme.CANVAS_BG)
        painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.transparent_export = transparent      # the scene's grid and fill stay out
    try:
        scene.render(painter, QRectF(0, 0, width, height), source,
                     Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        painter.end()
        scene.transparent_export = False
    if kind != "svg" and not image.save(str(path)):
        raise OSError("the image could not be written")


class ImageOptions(QDialog):
    """Scale and background for File ▸ Export ▸ PNG/SVG."""

    def __init__(self, parent, kind: str, scene) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export {kind.upper()}")
        self.scene = scene
        form = QFormLayout(self)
        self.scale = QDoubleSpinBox(self)
        self.scale.setRange(0.25, 8.0)
        self.scale.setSingleStep(0.5)
        self.scale.setValue(default_scale(scene))
        self.scale.setSuffix(" ×")
        self.transparent = QCheckBox("Transparent background", self)
        self.size_label = QLabel(self)
        form.addRow("Scale", self.scale)
        form.addRow("Size", self.size_label)
        form.addRow("", self.transparent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.scale.valueChanged.connect(self._show_size)
        self._show_size()

    def _show_size(self) -> None:
        w, h = image_size(self.scene, self.scale.value())
        self.size_label.setText(f"{w} × {h} pixels")


def ask_options(window, kind: str):
    """(scale, transparent), or None when cancelled."""
    dialog = ImageOptions(window, kind, window.scene)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.scale.value(), dialog.transparent.isChecked()


def export_figure_offscreen(graph, path, kind: str, scale: float | None = None,
                            transparent: bool = False, palette: str = "cs231n") -> Path:
    """For the command line: the graph run and shown as the CS231n figure in an offscreen
    window, then painted into ``path``."""
    from backprop_studio.engine import GraphError
    from backprop_studio.gui.offscreen import discard, figure_window

    window = figure_window(graph, palette)
    try:
        if not window.files.export(path, kind, scale=scale, transparent=transparent):
            raise GraphError(window.statusBar().currentMessage() or f"could not write {path}")
    finally:
        discard(window)
    return Path(path)
