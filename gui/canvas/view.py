"""The canvas view: zoom around the cursor, pan (middle drag or Space+drag), rubber-band
selection, fit, drops from the palette (an op) and from a file manager (a graph file), and the
quick-add search (Tab or double-click)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QGraphicsView

from backprop_studio.gui.canvas.overview import OVERVIEW_ZOOM
from backprop_studio.gui.canvas.readable import readable_zoom

OP_MIME = "application/x-backprop-op"
MIN_ZOOM, MAX_ZOOM = 0.03, 4.0
FIT_MARGIN = 12.0


def dropped_files(mime) -> list[str]:
    """The local files in a drop's data (a file manager's URLs); [] for anything else."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


class GraphView(QGraphicsView):
    zoom_changed = Signal(float)
    files_dropped = Signal(list)          # local paths of files dropped on the canvas

    def __init__(self, scene, parent=None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._space = False
        self._pan_from: QPoint | None = None
        self._fitted = False        # fit() was the last word on zoom: a resize fits again
        self.zoom_changed.connect(self._level_of_detail)

    def _level_of_detail(self, zoom: float) -> None:
        self.scene().overview.set_active(zoom < OVERVIEW_ZOOM)

    # ------------------------------------------------------------ zoom and fit
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom keeping the scene point under ``anchor`` (default: the cursor if it is over the
        view, else the centre) where it is."""
        self._fitted = False
        target = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom * factor))
        factor = target / self.zoom
        if anchor is None:
            cursor = self.mapFromGlobal(self.cursor().pos())
            anchor = cursor if self.viewport().rect().contains(cursor) else \
                self.viewport().rect().center()
        before = self.mapToScene(anchor)
        old_anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.scale(factor, factor)
        after = self.mapToScene(anchor)
        self.translate(after.x() - before.x(), after.y() - before.y())
        self.setTransformationAnchor(old_anchor)
        self.zoom_changed.emit(self.zoom)

    def set_zoom(self, zoom: float) -> None:
        self.zoom_by(zoom / self.zoom, self.viewport().rect().center())

    def fit(self) -> None:
        """Fit the graph and its labels in view (F), never magnifying past 1.5× and never
        shrinking below the zoom at which numbers are 11 px tall (readable_zoom). A graph too
        big for that is shown from its start: its left edge (the inputs), and its top when it
        is also too tall; the rest is a pan away."""
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
            self.zoom_changed.emit(self.zoom)
            return
        rect = rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        port = self.viewport().rect()
        zoom = min(port.width() / rect.width(), port.height() / rect.height(), 1.5)
        zoom = max(zoom, readable_zoom())
        self.setTransform(QTransform.fromScale(zoom, zoom))
        seen_w, seen_h = port.width() / zoom, port.height() / zoom
        x = rect.center().x() if rect.width() <= seen_w else rect.left() + seen_w / 2
        y = rect.center().y() if rect.height() <= seen_h else rect.top() + seen_h / 2
        self.centerOn(x, y)
        self.zoom_changed.emit(self.zoom)
        self._fitted = True

    def resizeEvent(self, event) -> None:
        """A view the user has not zoomed or panned since Fit keeps fitting: the window
        growing, or the bottom dock giving back the height its Training tab took, shows more
        of the graph rather than the same part in a bigger frame."""
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def refit_later(self) -> None:
        """The graph's extent changed (a wrapped edge took a longer route once the nodes
        had their numbers): a view still as Fit left it fits again, once, when the event
        loop next runs."""
        if self._fitted and not getattr(self, "_refit_pending", False):
            self._refit_pending = True
            QTimer.singleShot(0, self, self._refit)

    def _refit(self) -> None:
        self._refit_pending = False
        if self._fitted:
            self.fit()

    def fits_readably(self) -> bool:
        """Whether the whole graph is in view at a readable zoom."""
        rect = self.scene().itemsBoundingRect()
        return self.mapToScene(self.viewport().rect()).boundingRect().contains(rect)

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self.zoom_by(1.0015 ** delta, event.position().toPoint())
        event.accept()

    # ------------------------------------------------------------ pan
    def _pan_start(self, event) -> bool:
        if event.button() == Qt.MouseButton.MiddleButton or (
                self._space and event.button() == Qt.MouseButton.LeftButton):
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return True
        return False

    def mousePressEvent(self, event) -> None:
        if self._pan_start(event):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            pos = event.position().toPoint()
            delta = pos - self._pan_from
            self._pan_from = pos
            self._fitted = False
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space
                                      else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        if item is None and event.button() == Qt.MouseButton.LeftButton:
            self.open_quick_add(event.position().toPoint())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # ------------------------------------------------------------ keys
    def event(self, event) -> bool:
        # Tab would move keyboard focus; on the canvas it opens the quick-add search instead.
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Tab:
            cursor = self.mapFromGlobal(self.cursor().pos())
            if not self.viewport().rect().contains(cursor):
                cursor = self.viewport().rect().center()
            self.open_quick_add(cursor)
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------ quick add
    def open_quick_add(self, view_pos: QPoint):
        from backprop_studio.gui.canvas.quick_add import QuickAdd
        scene_pos = self.mapToScene(view_pos)
        popup = QuickAdd(self)
        popup.chosen.connect(lambda op: self.scene().add_op(op, scene_pos))
        popup.popup_at(self.viewport().mapToGlobal(view_pos))
        self._quick_add = popup
        return popup

    # ------------------------------------------------------------ drops from the palette
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(OP_MIME) or dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(OP_MIME) or dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        files = dropped_files(event.mimeData())
        if files and not event.mimeData().hasFormat(OP_MIME):
            event.acceptProposedAction()
            self.files_dropped.emit(files)
        elif event.mimeData().hasFormat(OP_MIME):
            op = bytes(event.mimeData().data(OP_MIME)).decode()
            self.scene().add_op(op, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
            self.setFocus()
        else:
            super().dropEvent(event)

    def visible_center(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())
