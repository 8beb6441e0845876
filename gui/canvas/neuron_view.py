"""A dense layer on the canvas as the seeds draw networks: its inputs and neurons as scalar
units, every weight w_nm on its own edge.

Each weight's card shows the forward-pass term a_n (∂z_m/∂w_nm, the input it multiplies), the
backward-pass term ∂C/∂z_m and their product ∂C/∂w_nm; each neuron shows z_m, σ'(z_m) when the
layer feeds a sigmoid, and ∂C/∂z_m; each input a_n and ∂C/∂a_n. In the reverse-network view the
arrows point back to the inputs and each card shows × w_nm applied to ∂C/∂z_m, the terms of
∂C/∂a_n = Σ_m w_nm ∂C/∂z_m. The numbers are ``engine.neurons.expand_dense``'s records of a
Result; nothing is computed here. The layer's ``neurons`` setting (the context menu or the
inspector, neuron_toggle.py) switches between this and the one-node matrix form; what an
animation step reveals of it is neuron_reveal.py's.

All cards of a layer sit in one column, at a fraction 1/(K+1) along their edges (K units):
edge (n, m) then crosses that column at height (K·n + m)·S/(K+1) (S the row spacing), so no two
cards share a place and each sits on its own edge.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainterPath, QPen, QPolygonF

from backprop_studio.engine import neurons as engine_neurons
from backprop_studio.gui import format as fmt
from backprop_studio.gui import theme
from backprop_studio.gui.canvas import node_item
from backprop_studio.gui.canvas.neuron_reveal import Shown, shown_at
from backprop_studio.gui.canvas.neuron_toggle import SETTING
from backprop_studio.gui.canvas.node_item import HEADER, LOD_SHAPES, LOD_TEXT, PORT_R, NodeItem
from backprop_studio.gui.canvas.readable import number_font

PAD, GAP, PX, PY = 6.0, 6.0, 4.0, 2.0
CARD_BG = QColor(255, 255, 255, 235)
UNIT_BG = QColor("#f3eef8")
TEXT = QColor("#333333")
WIRE = QColor("#9a9a94")

FONT = number_font(QFont())
FONT.setPointSizeF(8.5)        # as tall as the nodes' numbers: 11 px at the readable zoom Fit
# keeps, and a layer compact enough that the seeds' 2-2-2 network fits a 1280 × 800 window;
# unhinted, so that text measured in scene units lines up at any zoom (a line is painted in
# coloured pieces)
FONT.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
BOLD = number_font(QFont(FONT))
BOLD.setBold(True)
SYMBOL = QFont(FONT)
# the widest numbers fmt.scalar writes (two significant digits)
WIDEST = ("−0.0088", "−1.2e−05", "−8888.88", "−8.8e+88")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _settle_fonts() -> None:
    """Give the fonts the application's family. Made at import, before the QApplication when
    main.py starts (it imports the window first), they have none, and the fallback's taller,
    wider lines would stretch every row of the layer."""
    from PySide6.QtGui import QGuiApplication
    if FONT.family() or QGuiApplication.instance() is None:
        return
    for font in (FONT, BOLD, SYMBOL):      # in place: readable.py holds these very fonts
        fresh = QFont()
        fresh.setPointSizeF(font.pointSizeF())
        fresh.setBold(font.bold())
        fresh.setHintingPreference(font.hintingPreference())
        font.swap(fresh)


def number(x) -> str:
    """One scalar of the neuron view, in the canvas's number format."""
    return fmt.scalar(x).replace("-", "−")


def sub(i: int) -> str:
    """Subscript of unit i (0-based), as the seeds number them from 1: a₁, w₁₂."""
    return str(i + 1).translate(_SUB)


def wanted(graph, node: str) -> bool:
    """Whether ``node`` is drawn as neurons: a dense layer of ≤ 8 × 8 with the setting on."""
    data = graph.node(node)
    return data["op"] == "dense" and bool(data["config"].get(SETTING)) and \
        engine_neurons.fits(graph, node)


def layer_of(graph, result, node: str):
    """The engine's per-neuron records of ``node`` in ``result``, or None without numbers."""
    if result is None or node not in result.values:
        return None
    try:
        return engine_neurons.expand_dense(graph, result, node)
    except (ValueError, KeyError, IndexError):
        return None


class Geometry:
    """Where the units and cards of an n_in × units layer go, in the item's coordinates."""

    def __init__(self, n_in: int, units: int, activation: bool) -> None:
        self.n_in, self.units = n_in, units
        _settle_fonts()
        fm, bold = QFontMetricsF(FONT), QFontMetricsF(BOLD)
        self.row = max(fm.height(), bold.height())
        num = max(fm.horizontalAdvance(w) for w in WIDEST)
        self.in_w = fm.horizontalAdvance("∂C/∂a = ") + num + 2 * PX
        # a neuron's name and ∂C/∂b sit on the line above it
        self.out_w = max(fm.horizontalAdvance("∂C/∂z = ") + num + 2 * PX,
                         fm.horizontalAdvance("z₈") + 12 + fm.horizontalAdvance("∂C/∂b = ")
                         + num + 4)
        # a card's rows: a × ∂C/∂z, and ∂C/∂w
        self.card_w = max(bold.horizontalAdvance("∂C/∂w⁸₈₈ = ") + max(
            bold.horizontalAdvance(w) for w in WIDEST),
            fm.horizontalAdvance(" × ") + 2 * num) + 2 * PX
        self.in_h = 2 * self.row + 2 * PY
        # z, σ'(z) when a sigmoid follows, and ∂C/∂z
        self.out_h = (3 if activation else 2) * self.row + 2 * PY
        self.card_h = 2 * self.row + 2 * PY
        self.t = 1.0 / (units + 1)
        self.spacing = max(self.in_h, self.out_h + self.row + 8, (self.card_h + 3) * (units + 1))
        rows = max(n_in, units)
        half = max(self.in_h, self.out_h) / 2
        self.top = HEADER + 2 + self.row + half     # a unit's name line under the header
        self.height = self.top + (rows - 1) * self.spacing + half + PAD
        self.in_x = PAD + 8
        self._rows = rows
        self.mid = (HEADER + self.height) / 2
        self._t: dict = {}
        self._set_span(self.card_w + 2 * GAP)
        # the narrowest span at which no card covers a unit or another card
        while self._crowded() and self.span < 4 * (self.card_w + 2 * GAP):
            self._set_span(self.span + 4)
        self.width = self.out_x + self.out_w + PAD

    def _set_span(self, span: float) -> None:
        """Units ``span`` apart; each card at 1/(K+1) along its edge (so no two share a
        place), or half way when that would cover a unit (an edge level with its units)."""
        self.span = span
        self.out_x = self.in_x + self.in_w + span
        self._t = {}
        units = [self.input_rect(n) for n in range(self.n_in)] + \
            [self.neuron_rect(m) for m in range(self.units)]
        for n in range(self.n_in):
            for m in range(self.units):
                self._t[n, m] = self.t
                if any(_near(self.card_rect(n, m), u) for u in units):
                    self._t[n, m] = 0.5

    def _crowded(self) -> bool:
        units = [self.input_rect(n) for n in range(self.n_in)] + \
            [self.neuron_rect(m) for m in range(self.units)]
        cards = [self.card_rect(n, m) for n in range(self.n_in) for m in range(self.units)]
        return any(_near(c, u) for c in cards for u in units) or \
            any(_near(a, b) for i, a in enumerate(cards) for b in cards[i + 1:])

    def _y(self, i: int, count: int) -> float:
        return self.top + (i + (self._rows - count) / 2) * self.spacing

    def input_rect(self, n: int) -> QRectF:
        y = self._y(n, self.n_in)
        return QRectF(self.in_x, y - self.in_h / 2, self.in_w, self.in_h)

    def neuron_rect(self, m: int) -> QRectF:
        y = self._y(m, self.units)
        return QRectF(self.out_x, y - self.out_h / 2, self.out_w, self.out_h)

    def wire(self, n: int, m: int) -> tuple[QPointF, QPointF]:
        a, b = self.input_rect(n), self.neuron_rect(m)
        return QPointF(a.right(), a.center().y()), QPointF(b.left(), b.center().y())

    def card_rect(self, n: int, m: int) -> QRectF:
        start, end = self.wire(n, m)
        centre = start + (end - start) * self._t.get((n, m), self.t)
        return QRectF(centre.x() - self.card_w / 2, centre.y() - self.card_h / 2,
                      self.card_w, self.card_h)


class NeuronNodeItem(NodeItem):
    """A dense node drawn neuron by neuron; ports, selection and moving as any node."""

    shows_param_grads = True        # ∂C/∂w on every weight, ∂C/∂b at every neuron: no badge

    def __init__(self, graph, node: str) -> None:
        self.layer = None                 # engine.neurons.NeuronLayer of the shown Result
        self._layer_of = None             # the Result it came from (the animation's)
        self.shown = Shown()
        self.reverse = False
        self.active: set = set()          # ("in", n) / ("out", m) / ("w", n, m) lit by the step
        super().__init__(graph, node)

    # ------------------------------------------------------------ model
    def refresh(self) -> None:
        from backprop_studio.engine import explain
        self.mark = explain.layer_mark(self.graph, self.node)     # ¹, ² as in w¹₁₂
        data = self.graph.node(self.node)
        cfg = data["config"]
        self.n_in, self.units = int(cfg["in_features"]), int(cfg["units"])
        self.activation = engine_neurons.sigmoid_after(self.graph, self.node)
        self.geo = Geometry(self.n_in, self.units, self.activation is not None)
        super().refresh()

    def _size(self) -> tuple[float, float]:
        """The layer's size is its Geometry's, whatever the node's value texts would need."""
        return self.geo.width, self.geo.height

    def show_layer(self, layer, shown: Shown | None = None, stale: bool = False) -> None:
        """The numbers of one Result (None: none), and which of them to show."""
        self.layer, self.shown, self.stale = layer, shown or Shown(), stale
        self.update()

    def set_reverse(self, on: bool) -> None:
        if on != self.reverse:
            self.reverse = on
            self.update()

    def show_state(self, result, state, active, progress: float, stale: bool) -> None:
        """Follow the animation: the numbers the cursor has reached, unit by unit."""
        layer = self.layer if self._layer_of is result else layer_of(self.graph, result, self.node)
        self._layer_of = result
        shown, lit = shown_at(self.graph, self.node, state, active, progress)
        if (layer, shown, stale) != (self.layer, self.shown, self.stale):
            self.layer, self.shown, self.stale = layer, shown, stale
            self.update()
        self.set_active(lit)

    def set_active(self, parts) -> None:
        parts = set(parts)
        if parts != self.active:
            self.active = parts
            self.update()

    # ------------------------------------------------------------ geometry
    def port_y(self, index: int) -> float:
        return self.geo.mid

    def output_anchor(self) -> QPointF:
        return self.mapToScene(QPointF(self.width, self.geo.mid))

    def input_anchor(self, port: str) -> QPointF:
        return self.mapToScene(QPointF(0.0, self.geo.mid))

    def port_at(self, scene_pos: QPointF, lenient: bool = False):
        p = self.mapFromScene(scene_pos)
        if (p - QPointF(self.width, self.geo.mid)).manhattanLength() <= node_item.PORT_HIT * 1.4 \
                and not lenient:
            return ("out", None)
        near = abs(p.x()) <= node_item.PORT_HIT * 1.4 and \
            abs(p.y() - self.geo.mid) <= node_item.PORT_HIT * 1.4
        if near or (lenient and -node_item.PORT_HIT <= p.x() <= self.geo.in_x and
                    abs(p.y() - self.geo.mid) <= self.height / 2):
            return ("in", "x")
        return None

    def painted_texts(self) -> list[node_item.PaintedText]:
        """The title and every number of the layer, as painted (the readability tests)."""
        title = self._title()
        out = [node_item.PaintedText("label", title, self._title_shown(title), node_item._BOLD)]
        out += [node_item.PaintedText(role if role != "text" else "label", text, text, font)
                for _, font, text, role, _ in self._texts()]
        return out

    def text_rects(self) -> list[tuple[QRectF, QFont, str]]:
        """Every number painted, as (rect in item coordinates, font, text): what the
        readability test measures."""
        return [(rect, font, text) for rect, font, text, *_ in self._texts()]

    # ------------------------------------------------------------ content
    def _texts(self):
        """(rect, font, text, role, alignment) of every number on the layer, as shown: each
        line of a unit or card is centred in its row, segment by segment."""
        layer, geo, shown = self.layer, self.geo, self.shown
        out = []

        def rows(rect, lines):
            y = rect.top() + PY
            for line in lines:
                segments = [seg for seg in (line or ()) if seg[0]]
                # spaces around a piece (" × ") become gaps: painted text drops them
                pieces = []
                for text, role, font in segments:
                    fm = QFontMetricsF(font)
                    core = text.strip()
                    before = fm.horizontalAdvance(" ") * (len(text) - len(text.lstrip()))
                    after = fm.horizontalAdvance(" ") * (len(text) - len(text.rstrip()))
                    pieces.append((core, role, font, before, fm.horizontalAdvance(core), after))
                x = rect.center().x() - sum(b + w + a for *_, b, w, a in pieces) / 2
                middle = (len(pieces) - 1) / 2
                for k, (core, role, font, before, w, after) in enumerate(pieces):
                    # pieces lean towards the line's middle, so a glyph drawn wider than it
                    # measured (hinting at some zooms) grows outwards, not into a neighbour
                    align = Qt.AlignmentFlag.AlignRight if k < middle else \
                        Qt.AlignmentFlag.AlignLeft if k > middle else Qt.AlignmentFlag.AlignHCenter
                    out.append((QRectF(x + before, y, w, geo.row), font, core, role, align))
                    x += before + w + after
                y += geo.row

        if layer is None or len(layer.inputs) != self.n_in or len(layer.neurons) != self.units:
            weights = self.graph.node(self.node)["tensors"]["W"]      # before a run: the w_nm
            for n in range(min(self.n_in, len(weights))):
                for m in range(min(self.units, len(weights[n]))):
                    text = f"w{self.mark}{sub(n)}{sub(m)} = {number(weights[n][m])}"
                    rows(geo.card_rect(n, m), [[(text, "text", FONT)]])
            return out
        n_a, n_da = shown.count("a", self.n_in), shown.count("da", self.n_in)
        n_z, n_s = shown.count("z", self.units), shown.count("slope", self.units)
        n_dz, n_w = shown.count("dz", self.units), shown.count("dw", self.units)
        for unit in layer.inputs:
            n = unit.index
            rows(geo.input_rect(n), [
                [(f"a = {_terms(unit.a)}", "value", FONT)] if n < n_a else None,
                [(f"∂C/∂a = {_terms(unit.grad)}", "grad", FONT)]
                if n < n_da and unit.grad is not None else None])
        for nu in layer.neurons:
            m = nu.index
            lines = [[(f"z = {_terms(nu.z)}", "value", FONT)] if m < n_z else None]
            if self.activation is not None:
                lines.append([(f"σ'(z) = {_terms(nu.slope)}", "text", FONT)]
                             if m < n_s and nu.slope is not None else None)
            lines.append([(f"∂C/∂z = {_terms(nu.dz)}", "grad", FONT)]
                         if m < n_dz and nu.dz is not None else None)
            rows(geo.neuron_rect(m), lines)
            if m < n_w and nu.dbias is not None:   # ∂C/∂b_m, summed over the batch, arrives
                text = f"∂C/∂b = {number(nu.dbias)}"        # with ∂C/∂w: above the neuron
                rect = geo.neuron_rect(m)
                w = QFontMetricsF(FONT).horizontalAdvance(text)
                out.append((QRectF(rect.right() - 4 - w, rect.top() - geo.row, w, geo.row),
                            FONT, text, "grad", Qt.AlignmentFlag.AlignRight))
        for wt in layer.weights:
            n, m = wt.n, wt.m
            has_dz = m < n_dz and wt.dz is not None
            if self.reverse:
                first = [(number(wt.w), "text", FONT)]
                if has_dz:
                    first += [(" × ", "text", FONT), (_terms(wt.dz), "grad", FONT)]
                second = [(f"→ a{sub(n)}: {_terms(wt.back)}", "grad", BOLD)] \
                    if n < n_da and wt.back is not None else None
            else:
                if n < n_a:
                    first = [(_terms(wt.a), "value", FONT)]
                    first += [(" × ", "text", FONT), (_terms(wt.dz), "grad", FONT)] if has_dz \
                        else [(f"  (w = {number(wt.w)})", "text", FONT)]
                else:
                    first = [(f"w{self.mark}{sub(n)}{sub(m)} = {number(wt.w)}", "text", FONT)]
                second = [(f"∂C/∂w{self.mark}{sub(n)}{sub(m)} = {number(wt.dw)}", "grad", BOLD)] \
                    if m < n_w and wt.dw is not None else None
            rows(geo.card_rect(n, m), [first, second])
        return out

    # ------------------------------------------------------------ painting
    def paint(self, painter, option, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        pal = theme.current()
        rect = self._rect
        if lod < LOD_SHAPES:
            painter.fillRect(rect, self.color)
            return
        self._paint_frame(painter, pal, rect)
        self._paint_title(painter)
        self._paint_wires(painter, pal)
        self._paint_units(painter, pal)
        if lod >= LOD_TEXT:
            self._paint_texts(painter, pal)
        self._paint_ports_at_mid(painter, pal)

    def _paint_title(self, painter) -> None:
        header = QPainterPath()
        header.addRoundedRect(QRectF(0.5, 0.5, self.width - 1, HEADER), 5.5, 5.5)
        cut = QPainterPath()
        cut.addRect(QRectF(0, HEADER - 6, self.width, 6.5))
        painter.fillPath(header.united(cut), self.color)
        painter.setPen(QColor("white"))
        painter.setFont(node_item._BOLD)
        painter.drawText(QRectF(8, 0, self.width - 16, HEADER),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         self._title_shown(self._title()))

    def _title(self) -> str:
        examples = self.layer.examples if self.layer is not None else 1
        return f"{self.label}" + ("  ·  then σ" if self.activation is not None else "") + \
            (f"  ·  example 1 of {examples}; ∂C/∂w sums all {examples}" if examples > 1
             else "") + \
            ("  ·  reverse: w × ∂C/∂z → ∂C/∂a" if self.reverse else
             "  ·  weights: a × ∂C/∂z = ∂C/∂w")

    def _title_shown(self, text: str) -> str:
        return QFontMetricsF(node_item._BOLD).elidedText(text, Qt.TextElideMode.ElideRight,
                                                         self.width - 16)

    def _paint_wires(self, painter, pal) -> None:
        geo = self.geo
        port = QPointF(0.0, geo.mid)
        painter.setPen(QPen(WIRE, 1.2))
        for n in range(self.n_in):
            r = geo.input_rect(n)
            painter.drawLine(port, QPointF(r.left(), r.center().y()))
        out = QPointF(self.width, geo.mid)
        for m in range(self.units):
            r = geo.neuron_rect(m)
            painter.drawLine(QPointF(r.right(), r.center().y()), out)
        for n in range(self.n_in):
            for m in range(self.units):
                start, end = geo.wire(n, m)
                lit = ("w", n, m) in self.active
                colour = pal.grad if (lit or self.reverse) else theme.EDGE
                painter.setPen(QPen(colour, 2.6 if lit else 1.6))
                painter.drawLine(start, end)
                tip, back = (start, end) if self.reverse else (end, start)
                _arrow(painter, tip, back, colour)
        painter.setPen(QPen(TEXT, 1.0))
        painter.setBrush(CARD_BG)
        for n in range(self.n_in):
            for m in range(self.units):
                painter.drawRoundedRect(geo.card_rect(n, m), 4, 4)

    def _paint_units(self, painter, pal) -> None:
        geo = self.geo
        for n in range(self.n_in):
            self._unit(painter, geo.input_rect(n), ("in", n) in self.active, pal)
            self._symbol(painter, geo.input_rect(n), f"a{sub(n)}")
        for m in range(self.units):
            self._unit(painter, geo.neuron_rect(m), ("out", m) in self.active, pal)
            self._symbol(painter, geo.neuron_rect(m), f"z{sub(m)}")

    def _unit(self, painter, rect, lit, pal) -> None:
        painter.setPen(QPen(pal.grad if lit else self.color, 3.0 if lit else 1.6))
        painter.setBrush(UNIT_BG)
        painter.drawRoundedRect(rect, rect.height() / 2.6, rect.height() / 2.6)

    def _symbol(self, painter, rect, text) -> None:
        """The unit's name just above it, as the seeds label neurons."""
        painter.setPen(theme.PORT_TEXT)
        painter.setFont(SYMBOL)
        h = QFontMetricsF(SYMBOL).height()
        painter.drawText(QRectF(rect.left() + 4, rect.top() - h, rect.width(), h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)

    def _paint_texts(self, painter, pal) -> None:
        colours = {"value": pal.value, "grad": pal.grad, "text": TEXT}
        for rect, font, text, role, align in self._texts():
            c = QColor(colours[role])
            if self.stale:
                c.setAlpha(theme.STALE_ALPHA)
            painter.setPen(c)
            painter.setFont(font)
            painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter
                             | Qt.TextFlag.TextDontClip, text)

    def _paint_ports_at_mid(self, painter, pal) -> None:
        connected = self.graph.inputs_of(self.node)
        painter.setPen(QPen(theme.NODE_BORDER, 1.5))
        painter.setBrush(theme.EDGE if "x" in connected else theme.PORT_FILL)
        painter.drawEllipse(QPointF(0.0, self.geo.mid), PORT_R, PORT_R)
        painter.setBrush(self.color)
        painter.drawEllipse(QPointF(self.width, self.geo.mid), PORT_R, PORT_R)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-PORT_R - 3, -3, PORT_R + 3, 3)


def _near(a: QRectF, b: QRectF, gap: float = 2.0) -> bool:
    """Whether two rectangles come closer than ``gap``."""
    return a.adjusted(-gap, -gap, gap, gap).intersects(b)


def _terms(values) -> str:
    """A unit's number: over a batch, example 1's (the layer's title says so; ∂C/∂w is the
    sum over the whole batch)."""
    if values is None:
        return "—"
    return number(values[0])


def _arrow(painter, tip: QPointF, back: QPointF, colour, size: float = 8.0) -> None:
    import math
    angle = math.atan2(tip.y() - back.y(), tip.x() - back.x())
    left = QPointF(tip.x() - size * math.cos(angle - 0.45), tip.y() - size * math.sin(angle - 0.45))
    right = QPointF(tip.x() - size * math.cos(angle + 0.45),
                    tip.y() - size * math.sin(angle + 0.45))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(QPolygonF([tip, left, right]))

