"""A node on the canvas: header (op symbol, label, op name), input ports left, output port
right, and once computed its value (green) and gradient (red).

A leaf folded into its consumer (engine.folding: W₁ inside W₁x₀) is still its own item, so it
is selected, edited and measured as any node, but it draws as two rows at the foot of its
consumer (its label and value, its gradient) and follows the consumer about.

Ports are drawn by the node rather than being items of their own: half the items for the scene
index to keep, and one cached picture per node. The node reads what it shows from the engine
graph (``refresh``); only the display strings of the last Result are held here.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from backprop_studio.engine.layout import FOLD_ROWS
from backprop_studio.gui import plain_text, theme
from backprop_studio.gui.canvas.folded_rows import FoldedRows
from backprop_studio.gui.canvas.readable import number_font

WIDTH = 164.0           # the narrowest node; wider ones hold their label and numbers
OUTPUT_TEXT = "output · ∂L/∂L = 1"
HEADER = 26.0
ROW = 19.0
VALUE_ROW = 17.0
PORT_R = 5.5
PORT_HIT = 10.0
OUTPUT_TAG = 16.0       # room above the node for the "output" tag
LOD_TEXT = 0.55        # below this zoom: no port names or values
LOD_SHAPES = 0.3       # below this zoom: a coloured block only

_FONT = QFont()
_FONT.setPointSizeF(9.0)
_BOLD = QFont(_FONT)
_BOLD.setBold(True)
_SMALL = QFont(_FONT)
_SMALL.setPointSizeF(7.5)
BOLD_SMALL = QFont(_SMALL)
BOLD_SMALL.setBold(True)
_MONO = QFont("DejaVu Sans Mono")
_MONO.setStyleHint(QFont.StyleHint.Monospace)
_MONO.setPointSizeF(8.5)
number_font(_MONO)
_TAG = number_font(QFont(_FONT))
_TAG.setPointSizeF(8.5)
MAX_WIDTH = 320.0       # a node grows to hold its label and numbers whole, up to this


class PaintedText(NamedTuple):
    """A string a canvas item paints: what it means ("label", "value", "grad"), the whole
    text, the text as painted (shorter only if cut) and its font. Tests measure these."""
    role: str
    text: str
    shown: str
    font: QFont


class NodeItem(FoldedRows, QGraphicsItem):
    def __init__(self, graph, node: str) -> None:
        super().__init__()
        self.graph = graph
        self.node = node
        self.value_text = ""
        self.grad_text = ""
        self.stale = False
        self.error: str | None = None
        self.error_port: str | None = None
        self.highlight_ports: set[str] = set()
        self.edges: list = []          # EdgeItems attached here; the scene keeps this current
        self.folded_into: NodeItem | None = None     # the consumer this leaf is drawn inside
        self.folds: list[NodeItem] = []              # leaves drawn inside this node
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(False)
        self.refresh()

    # ------------------------------------------------------------ model
    def refresh(self) -> None:
        """Re-read op, label, ports and position from the graph."""
        data = self.graph.node(self.node)
        self.spec = self.graph.op(self.node)
        self.label = data.get("label") or self.node
        self.ports = list(self.spec.ports)
        self.color = theme.category_color(self.spec.category)
        self._resize()
        self.setPos(self.fold_pos() if self.folded_into is not None else QPointF(*data["pos"]))
        self._update_tooltip()
        self.update()
        if self.folded_into is not None:        # its port says "a = W₁": the new label
            self.folded_into._resize()
            self.folded_into.update()

    def _needed_width(self) -> float:
        """Room for the header (symbol badge, label, op name) and the value rows, whole."""
        sym_w = max(QFontMetrics(_BOLD).horizontalAdvance(self.spec.symbol) + 8, 18)
        op_w = QFontMetrics(_SMALL).horizontalAdvance(self.spec.name) + 6
        header = 4 + sym_w + 6 + QFontMetrics(_BOLD).horizontalAdvance(self.label) + 8 + op_w + 4
        mono = QFontMetrics(_MONO)
        values = 48 + max(mono.horizontalAdvance(t) for t in (self.value_text, self.grad_text))
        folds = max((leaf._fold_needed_width() for leaf in self.folds), default=0.0)
        return min(MAX_WIDTH, max(WIDTH, header, values + 2, folds))

    def base_height(self) -> float:
        """Header, port rows and value rows: where folded leaves' rows start."""
        return HEADER + max(len(self.ports), 1) * ROW + 2 * VALUE_ROW + 6

    def _size(self) -> tuple[float, float]:
        """(width, height): wide enough for the label and the numbers, whole; a folded leaf
        is its consumer's width and two rows tall."""
        if self.folded_into is not None:
            return self.folded_into.width, FOLD_ROWS
        width = float(int(self._needed_width() + 0.999))
        return width, self.base_height() + len(self.folds) * FOLD_ROWS

    def _resize(self) -> None:
        """Set the node's size; edges follow when it changed."""
        width, height = self._size()
        if getattr(self, "_rect", None) == QRectF(0, 0, width, height):
            return
        self.prepareGeometryChange()
        self.width, self.height = width, height
        self._rect = QRectF(0, 0, width, height)
        for edge in self.edges:
            edge.update_path()
        for leaf in self.folds:
            leaf._resize()
        if self.folded_into is not None:
            self.folded_into._resize()

    def painted_texts(self) -> list[PaintedText]:
        """The label and, once computed, the value and gradient, as ``paint`` draws them."""
        shown = self._prefix_shown() if self.folded_into is not None else \
            self._header_label_shown()
        out = [PaintedText("label", self.label, shown, _BOLD)]
        for role, text in (("value", self.value_text), ("grad", self.grad_text)):
            if text:
                out.append(PaintedText(role, text, self._value_shown(text), _MONO))
        if self.is_output:
            out.append(PaintedText("grad", OUTPUT_TEXT, OUTPUT_TEXT, _TAG))
        return out

    @property
    def is_output(self) -> bool:
        return self.graph.output == self.node

    def set_values(self, value_text: str, grad_text: str, stale: bool = False) -> None:
        """What the last Result says about this node, as display strings."""
        self.value_text, self.grad_text, self.stale = value_text, grad_text, stale
        if self.folded_into is not None:        # the host is as wide as its rows need
            self.folded_into._resize()
        self._resize()
        self.update()
        if self.folded_into is not None:
            self.folded_into.update()

    def set_stale(self, stale: bool = True) -> None:
        if stale != self.stale:
            self.stale = stale
            self.update()

    def set_error(self, message: str | None, port: str | None = None) -> None:
        self.error, self.error_port = message, port
        self._update_tooltip()
        self.update()

    def set_highlight(self, ports) -> None:
        ports = set(ports)
        if ports != self.highlight_ports:
            self.highlight_ports = ports
            self.update()

    def _update_tooltip(self) -> None:
        e = plain_text.escaped
        tip = (f"<b>{e(self.label)}</b> ({e(self.node)}) — {e(self.spec.name)}<br>"
               f"{e(self.spec.summary)}")
        if self.error:
            tip = f"<span style='color:#c62828'><b>Error:</b> {e(self.error)}</span><br>" + tip
        self.setToolTip(tip)

    # ------------------------------------------------------------ geometry
    def boundingRect(self) -> QRectF:
        if self.folded_into is not None:
            return self._rect.adjusted(-1, -1, 1, 1)
        top = OUTPUT_TAG + 3 if self.is_output else 9                  # the tag; the halo
        return self._rect.adjusted(-PORT_R - 3, -top, PORT_R + 3, 7)

    def body_rect(self) -> QRectF:
        """The node's box without the halo and output tag, in item coordinates."""
        return QRectF(self._rect)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path

    def port_y(self, index: int) -> float:
        return HEADER + ROW * index + ROW / 2

    def input_anchor(self, port: str) -> QPointF:
        return self.mapToScene(QPointF(0.0, self.port_y(self.ports.index(port))))

    def output_anchor(self) -> QPointF:
        if self.folded_into is not None:
            return self.mapToScene(QPointF(0.0, VALUE_ROW / 2 + 1))
        return self.mapToScene(QPointF(self.width, self.port_y(0)))

    def port_at(self, scene_pos: QPointF, lenient: bool = False):
        """("out", None) or ("in", port) under scene_pos. ``lenient`` (when dropping an edge)
        takes the whole left half of a port's row, not just its circle."""
        if self.folded_into is not None:
            return None
        p = self.mapFromScene(scene_pos)
        out = QPointF(self.width, self.port_y(0))
        if (p - out).manhattanLength() <= PORT_HIT * 1.4 and not lenient:
            return ("out", None)
        for i, port in enumerate(self.ports):
            y = self.port_y(i)
            if lenient and -PORT_HIT <= p.x() <= self.width / 2 and abs(p.y() - y) <= ROW / 2:
                return ("in", port)
            if (p - QPointF(0.0, y)).manhattanLength() <= PORT_HIT * 1.4:
                return ("in", port)
        return None

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            scene = self.scene()
            if scene is not None and getattr(scene, "snap_to_grid", False):
                g = theme.GRID
                return QPointF(round(value.x() / g) * g, round(value.y() / g) * g)
        elif change == QGraphicsItem.GraphicsItemChange.ItemZValueHasChanged:
            for leaf in self.folds:         # raised (an error badge): its rows come along
                leaf.setZValue(self.zValue())
                self.stackBefore(leaf)
        elif change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for leaf in self.folds:
                leaf.setPos(leaf.fold_pos())
            for edge in self.edges:
                edge.update_path()
            scene = self.scene()
            if scene is not None and scene.overview.active:
                scene.overview.invalidate()
                scene.update()
        return super().itemChange(change, value)

    # ------------------------------------------------------------ painting
    def _paint_frame(self, painter, pal, rect) -> None:
        """The body's rounded box: a thin border, the highlight when selected, red on error."""
        border = QPen(theme.NODE_BORDER, 1.0)
        if self.isSelected():
            border = QPen(pal.highlight, 2.5)
        if self.error:
            border = QPen(pal.error, 3.0)
        painter.setPen(border)
        painter.setBrush(theme.NODE_BG)
        painter.drawRoundedRect(rect, 6, 6)

    def paint(self, painter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        pal = theme.current()
        rect = self._rect
        if self.folded_into is not None:
            self._paint_folded(painter, pal, lod)
            return
        if lod < LOD_SHAPES:
            painter.fillRect(rect, self.color)
            if self.error or self.isSelected():
                painter.setPen(QPen(pal.error if self.error else pal.highlight, 4 / max(lod, .05)))
                painter.drawRect(rect)
            return
        if self.is_output:
            # a soft halo in the gradient colour, where ∂L/∂L = 1 starts; not a stroke, which
            # would read like the solid red outline of an error
            halo = QColor(pal.grad)
            halo.setAlpha(45)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawRoundedRect(rect.adjusted(-6, -6, 6, 6), 10, 10)
        self._paint_frame(painter, pal, rect)
        header = QPainterPath()
        header.addRoundedRect(QRectF(0.5, 0.5, self.width - 1, HEADER), 5.5, 5.5)
        cut = QPainterPath()
        cut.addRect(QRectF(0, HEADER - 6, self.width, 6.5))
        painter.fillPath(header.united(cut), self.color)
        if self.is_output and lod >= LOD_TEXT:
            painter.setFont(_TAG)
            painter.setPen(pal.grad)
            painter.drawText(QRectF(0, -OUTPUT_TAG - 2, self.width, OUTPUT_TAG),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             OUTPUT_TEXT)
        self._paint_header(painter)
        if lod >= LOD_TEXT:
            self._paint_body(painter, pal)
        self._paint_ports(painter, pal, lod)

    def _paint_header(self, painter) -> None:
        sym_w = max(QFontMetrics(_BOLD).horizontalAdvance(self.spec.symbol) + 8, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 55))          # the op symbol sits on a darker badge
        painter.drawRoundedRect(QRectF(4, 4, sym_w, HEADER - 8), 4, 4)
        painter.setPen(QColor("white"))
        painter.setFont(_BOLD)
        painter.drawText(QRectF(4, 0, sym_w, HEADER), Qt.AlignmentFlag.AlignCenter,
                         self.spec.symbol)
        painter.setFont(_SMALL)
        op_w = QFontMetrics(_SMALL).horizontalAdvance(self.spec.name) + 6
        painter.drawText(QRectF(self.width - op_w - 4, 0, op_w, HEADER),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         self.spec.name)
        painter.setFont(_BOLD)
        x0 = 4 + sym_w + 6
        room = self._label_room()
        painter.drawText(QRectF(x0, 0, room, HEADER),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         self._header_label_shown())

    def _label_room(self) -> float:
        sym_w = max(QFontMetrics(_BOLD).horizontalAdvance(self.spec.symbol) + 8, 18)
        op_w = QFontMetrics(_SMALL).horizontalAdvance(self.spec.name) + 6
        return self.width - op_w - 8 - (4 + sym_w + 6)

    def _header_label_shown(self) -> str:
        """The label, cut only when longer than the widest node (MAX_WIDTH)."""
        return QFontMetrics(_BOLD).elidedText(self.label, Qt.TextElideMode.ElideRight,
                                              int(self._label_room()))

    def _value_shown(self, text: str) -> str:
        room = self.width - 48 if self.folded_into is None else \
            self.width - 14 - self._fold_prefix_width()
        return QFontMetrics(_MONO).elidedText(text, Qt.TextElideMode.ElideRight, int(room))

    def _paint_body(self, painter, pal) -> None:
        painter.setFont(_FONT)
        painter.setPen(theme.PORT_TEXT)
        for i, port in enumerate(self.ports):
            room = QRectF(PORT_R + 6, HEADER + ROW * i, self.width / 2, ROW)
            text = QFontMetrics(_FONT).elidedText(self.port_text(port),
                                                  Qt.TextElideMode.ElideRight, int(room.width()))
            painter.drawText(room, Qt.AlignmentFlag.AlignVCenter, text)
        painter.drawText(QRectF(self.width / 2, HEADER, self.width / 2 - PORT_R - 6, ROW),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, "out")
        top = HEADER + max(len(self.ports), 1) * ROW + 2
        painter.setPen(QPen(theme.GRID_MAJOR, 1))
        painter.drawLine(QPointF(6, top), QPointF(self.width - 6, top))
        for row, (prefix, text, color) in enumerate((("value", self.value_text, pal.value),
                                                     ("grad", self.grad_text, pal.grad))):
            y = top + 1 + row * VALUE_ROW
            painter.setFont(_SMALL)
            painter.setPen(theme.PORT_TEXT)
            painter.drawText(QRectF(8, y, 36, VALUE_ROW), Qt.AlignmentFlag.AlignVCenter, prefix)
            if text:
                c = QColor(color)
                if self.stale:
                    c.setAlpha(theme.STALE_ALPHA)
                painter.setPen(c)
                painter.setFont(_MONO)
                shown = self._value_shown(text)
                painter.drawText(QRectF(42, y, self.width - 48, VALUE_ROW),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 shown)

    def _paint_ports(self, painter, pal, lod) -> None:
        connected = self.graph.inputs_of(self.node)
        for i, port in enumerate(self.ports):
            centre = QPointF(0.0, self.port_y(i))
            if port in self.highlight_ports:
                painter.setPen(QPen(pal.highlight, 2.5))
                painter.setBrush(QBrush(pal.highlight.lighter(170)))
                painter.drawEllipse(centre, PORT_R + 2.5, PORT_R + 2.5)
                continue
            bad = self.error and self.error_port == port
            painter.setPen(QPen(pal.error if bad else theme.NODE_BORDER, 1.5))
            painter.setBrush(theme.EDGE if port in connected else theme.PORT_FILL)
            painter.drawEllipse(centre, PORT_R, PORT_R)
        painter.setPen(QPen(theme.NODE_BORDER, 1.5))
        painter.setBrush(self.color)
        painter.drawEllipse(QPointF(self.width, self.port_y(0)), PORT_R, PORT_R)
