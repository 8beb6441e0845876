"""The inspector (right dock): the selected node's label, settings and tensors, editable, with
its value and gradient (heatmaps for matrices); or the selected edge's upstream, local and
downstream gradients from the last Result's trace. It edits only through the window's command
methods.

Rebuilding a page is reserved for a new selection or a changed node (label, settings, output,
error, a tensor's kind or shape). A new Result (training sends one every second) refreshes
only the Result section, reusing its heatmaps; new tensor values of the same shape (a training
write-back, an undo) are shown in the existing editors."""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backprop_studio.gui import format as fmt
from backprop_studio.gui import plain_text, theme
from backprop_studio.gui.canvas.edge_item import EdgeItem
from backprop_studio.gui.canvas.node_item import NodeItem
from backprop_studio.gui.tensor_editor import TensorEditor


def _label(text: str, color=None, mono=False, bold=False) -> QLabel:
    label = plain_text.plain(QLabel(text))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    style = []
    if color is not None:
        style.append(f"color: {color.name()}")
    if mono:
        style.append("font-family: 'DejaVu Sans Mono', monospace")
    if bold:
        style.append("font-weight: bold")
    if style:
        label.setStyleSheet("; ".join(style))
    return label


class Inspector(QScrollArea):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.setWidgetResizable(True)
        self.setMinimumWidth(240)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.node: str | None = None
        self.edge: tuple | None = None
        self.editors: dict[str, TensorEditor] = {}
        self.config_widgets: dict[str, QWidget] = {}
        self.label_edit: QLineEdit | None = None
        self._pending = False
        self._signature = None           # what the current page was built for
        self._result_box: QGroupBox | None = None
        self._result_key = None
        self._result_rows: list = []     # (value label, heatmap or None) per shown quantity
        self.page_builds = 0             # full page builds (tests count them)
        self._build_empty()

    # ------------------------------------------------------------ what to show
    def follow_selection(self) -> None:
        if not shiboken6.isValid(self.window.scene):      # the window is being torn down
            return
        items = self.window.scene.selectedItems()
        nodes = [i for i in items if isinstance(i, NodeItem)]
        edges = [i for i in items if isinstance(i, EdgeItem)]
        self.node = nodes[0].node if len(nodes) == 1 and not edges else None
        self.edge = edges[0].key if len(edges) == 1 and not nodes else None
        self.rebuild()

    def show_kept_values(self) -> None:
        """An edit was refused: rebuild the page, so every editor shows the value that stayed
        (not the refused one typed into it)."""
        self._signature = None
        self.schedule()

    def schedule(self) -> None:
        """Coalesce many graph events (a training step, a macro) into one rebuild."""
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.rebuild)

    def rebuild(self) -> None:
        """Bring the page up to date: in place when it shows the same node the same way."""
        self._pending = False
        graph = self.window.graph
        if self.node is not None and self.node in graph:
            signature = self._node_signature(self.node)
            if signature != self._signature or not self._update_editors(self.node):
                self._build_node(self.node)
                self._signature = signature
            else:
                self._refresh_result()
        elif self.edge is not None and self.edge in set(graph.edges()):
            self._build_edge(self.edge)
        else:
            self.node = self.edge = None
            if not self._showing_empty:          # e.g. a new result while nothing is selected:
                self._build_empty()              # a new page would relayout the whole window
        page = self.widget()
        if page is not None and page.layout() is not None:
            page.layout().activate()       # lay out now: a grab or paint may come before events

    def _node_signature(self, node: str) -> tuple:
        graph = self.window.graph
        data = graph.node(node)
        return (node, graph.op(node).name, data["label"], graph.output == node,
                self.window.node_error(node), repr(data["config"]), id(theme.current()))

    def _update_editors(self, node: str) -> bool:
        """Show the node's current tensors in the built editors; False if one needs a new
        editor (its kind or shape changed)."""
        tensors = self.window.graph.node(node)["tensors"]
        if set(tensors) != set(self.editors):
            return False
        if not all(self.editors[n].can_show(v) for n, v in tensors.items()):
            return False
        for name, value in tensors.items():
            self.editors[name].set_value(value)
        return True

    def _page(self) -> QVBoxLayout:
        page = QWidget()
        # as wide as the dock, never wider: text wraps and tables scroll inside themselves
        # rather than the whole page scrolling sideways
        page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(page)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        old = self.widget()
        if old is not None:
            # An editor that loses focus as its page goes commits what was typed in it
            # (editingFinished, a spin box's valueChanged). The page goes because the node
            # changed (an undo, a redo, another edit): that text is stale, and committing it
            # would push a new edit on top of the undo and wipe the redo history.
            for child in old.findChildren(QWidget):
                child.blockSignals(True)
        old = self.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.setWidget(page)
        page.show()              # a widget set on a visible scroll area is not shown by itself
        self.editors, self.config_widgets, self.label_edit = {}, {}, None
        self._signature = self._result_box = self._result_key = None
        self._result_rows = []
        self._showing_empty = False
        self.page_builds += 1
        return layout

    def _build_empty(self) -> None:
        layout = self._page()
        hint = _label("Select a node to edit its label, settings and values, or an edge to see "
                      "the gradient flowing through it.\n\nDrag ops from the palette, or press "
                      "Tab on the canvas. Ctrl+R runs forward and backward.")
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        self._showing_empty = True

    # ------------------------------------------------------------ node page
    def _build_node(self, node: str) -> None:
        graph, w = self.window.graph, self.window
        spec, data = graph.op(node), graph.node(node)
        layout = self._page()
        layout.addWidget(_label(f"{spec.symbol}  {spec.name}  ·  id {node}", bold=True))
        layout.addWidget(_label(spec.summary))
        form = QFormLayout()
        self.label_edit = QLineEdit(data["label"])
        self.label_edit.editingFinished.connect(
            lambda: w.rename(node, self.label_edit.text()) if self.label_edit else None)
        form.addRow("Label", self.label_edit)
        out = QCheckBox("Output (backprop starts here)")
        out.setChecked(graph.output == node)
        out.setToolTip("The backward pass starts here: ∂L/∂L = 1 is seeded at this node")
        out.toggled.connect(lambda on: w.set_output(node if on else None))
        form.addRow(out)
        layout.addLayout(form)
        error = w.node_error(node)
        if error:
            layout.addWidget(_label(f"Error: {error}", theme.current().error))
        if spec.config:
            box = QGroupBox("Settings")
            cfg = QFormLayout(box)
            for key, value in data["config"].items():
                widget = self._config_widget(node, key, value)
                self.config_widgets[key] = widget
                cfg.addRow(key, widget)
            layout.addWidget(box)
        if spec.tensors:
            box = QGroupBox("Tensors" + (" (trainable)" if spec.trainable else ""))
            tl = QFormLayout(box)
            for name in spec.tensors:
                editor = TensorEditor(name, data["tensors"][name])
                editor.committed.connect(lambda v, n=name: w.set_tensor(node, n, v))
                self.editors[name] = editor
                tl.addRow(name, editor)
            layout.addWidget(box)
        self._add_result(layout, node, spec)

    def _config_widget(self, node: str, key: str, value) -> QWidget:
        """An editor for one setting, shaped by its declaration in the op registry (kind,
        range, choices), so the inspector offers exactly what the graph accepts."""
        w = self.window
        setting = w.graph.op(node).setting(key)
        widget = self._setting_editor(w, node, key, value, setting)
        if setting is not None and setting.doc:
            widget.setToolTip(setting.doc)
        return widget

    @staticmethod
    def _setting_editor(w, node: str, key: str, value, setting) -> QWidget:
        kind = setting.kind if setting is not None else "float"
        if kind == "choice":
            choices = list(setting.choices)
            combo = QComboBox()
            combo.addItems(["(none)" if c is None else str(c) for c in choices])
            combo.setCurrentIndex(choices.index(value) if value in choices else 0)
            combo.currentIndexChanged.connect(lambda i: w.set_config(node, key, choices[i]))
            return combo
        if kind in ("shape", "text"):
            edit = QLineEdit(str(list(value)) if kind == "shape" else str(value))
            if kind == "shape":
                edit.setToolTip("[] for a scalar, [3] for a vector, [2, 3] for a matrix")
                edit.editingFinished.connect(lambda: w.set_config_text(node, key, edit.text()))
            else:
                edit.editingFinished.connect(lambda: w.set_config(node, key, edit.text()))
            return edit
        if kind == "bool":
            from backprop_studio.gui.canvas.neuron_toggle import settings_checkbox
            return settings_checkbox(w, node, key, value)
        low = setting.min if setting is not None and setting.min is not None else -1e6
        high = setting.max if setting is not None and setting.max is not None else 1e6
        if kind == "int":
            spin = QSpinBox()
            spin.setRange(int(max(low, -(2**31))), int(min(high, 2**31 - 1)))
            spin.setValue(int(value))
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v: w.set_config(node, key, int(v)))
            return spin
        spin = QDoubleSpinBox()
        spin.setDecimals(4)
        spin.setRange(low + (1e-4 if setting is not None and setting.exclusive_min else 0), high)
        spin.setValue(float(value))
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(lambda v: w.set_config(node, key, float(v)))
        return spin

    def _result_content(self, node: str, spec):
        """(box title, rows): rows are (title, value, colour) or one hint string."""
        result, stale = self.window.shown_result, self.window.last_result is None
        title = "Result" + (" (stale: edited since the last run)" if stale and result else "")
        if result is None or node not in result.values:
            return title, "Run (Ctrl+R) to compute the value and gradient."
        pal = theme.current()
        shown = [("value", result.values.get(node), pal.value),
                 ("gradient ∂L/∂out", result.grads.get(node), pal.grad)]
        shown += [(f"∂L/∂{t}", result.tensor_grads.get((node, t)), pal.grad)
                  for t in spec.tensors if (node, t) in result.tensor_grads]
        return title, shown

    @staticmethod
    def _wants_heatmap(value) -> bool:
        return value is not None and np.ndim(value) == 2 and np.size(value) > 1

    def _result_layout_key(self, title, rows):
        if isinstance(rows, str):
            return (title, rows)
        return (title, tuple((t, self._wants_heatmap(v)) for t, v, _ in rows))

    def _add_result(self, layout, node: str, spec) -> None:
        title, rows = self._result_content(node, spec)
        box = QGroupBox(title)
        rl = QVBoxLayout(box)
        layout.addWidget(box)
        self._result_box, self._result_rows = box, []
        self._result_key = self._result_layout_key(title, rows)
        if isinstance(rows, str):
            rl.addWidget(_label(rows))
            return
        for name, value, color in rows:
            rl.addWidget(_label(name, bold=True))
            text = _label(fmt.long(value), color, mono=True)
            rl.addWidget(text)
            heat = None
            if self._wants_heatmap(value):
                from backprop_studio.gui.heatmap import Heatmap
                heat = Heatmap()
                heat.show_matrix(value, name)
                rl.addWidget(heat)
            self._result_rows.append((text, heat))

    def _refresh_result(self) -> None:
        """A new Result for the same page: new numbers in the same labels and heatmaps, or a
        new Result section alone when what it holds changed (none before, a new shape)."""
        node = self.node
        spec = self.window.graph.op(node)
        title, rows = self._result_content(node, spec)
        box = self._result_box
        if box is None or not shiboken6.isValid(box):
            self._build_node(node)
            self._signature = self._node_signature(node)
            return
        if self._result_layout_key(title, rows) == self._result_key:
            if not isinstance(rows, str):
                for (name, value, _), (text, heat) in zip(rows, self._result_rows):
                    text.setText(fmt.long(value))
                    if heat is not None:
                        heat.show_matrix(value, name)
            return
        layout = self.widget().layout()
        layout.removeWidget(box)
        box.hide()
        box.deleteLater()
        self._add_result(layout, node, spec)       # appended: the Result section comes last

    # ------------------------------------------------------------ edge page
    def _build_edge(self, edge: tuple) -> None:
        source, target, port = edge
        graph = self.window.graph
        layout = self._page()
        layout.addWidget(_label(f"Edge {graph.label(source)} → {graph.label(target)}.{port}",
                                bold=True))
        spec = graph.op(target)
        layout.addWidget(_label(f"local gradient ∂{graph.label(target)}/∂{port} = "
                                f"{spec.formula.get(port, '?')}"))
        result = self.window.shown_result
        step = None
        if result is not None and result.trace:
            step = next((s for s in result.trace if s.kind == "edge" and s.node == target
                         and s.source == source and s.port == port), None)
        if step is None:
            layout.addWidget(_label("Run (Ctrl+R) to see the gradients through this edge."
                                    if result is None else
                                    "The output does not depend on this edge."))
            return
        pal = theme.current()
        if self.window.last_result is None:
            layout.addWidget(_label("(stale: edited since the last run)"))
        for title, value, color in (
                (f"upstream ∂L/∂{graph.label(target)}", step.upstream, pal.grad),
                (f"local ∂{graph.label(target)}/∂{port} = {step.formula}", step.local, None),
                (f"downstream = upstream × local, to {graph.label(source)}", step.downstream,
                 pal.grad)):
            layout.addWidget(_label(title, bold=True))
            layout.addWidget(_label(fmt.long(value), color, mono=True))
