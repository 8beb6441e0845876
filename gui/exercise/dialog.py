"""Exercise ▸ New from This Graph: what the student fills in, which inputs and parameters get
random values (and in what range), how strictly answers are compared, and whether hints are
allowed. The result is a model.Exercise; the answers are never stored, the engine computes
them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from backprop_studio.engine.exercise import answers, model, variants
from backprop_studio.engine.exercise.model import Field

LEAVES = ("input", "parameter", "constant")


def _check_item(on: bool = False, enabled: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem()
    flags = Qt.ItemFlag.ItemIsUserCheckable
    if enabled:
        flags |= Qt.ItemFlag.ItemIsEnabled
    item.setFlags(flags)
    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
    return item


def _label(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    return item


def _checked(item: QTableWidgetItem | None) -> bool:
    return item is not None and item.checkState() == Qt.CheckState.Checked


class NewExerciseDialog(QDialog):
    def __init__(self, graph, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Exercise from This Graph")
        self.graph = graph
        self.result_ = answers.solve(graph)         # refuses a graph without an output
        r = self.result_
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Homework 3: the sigmoid neuron")
        # passes
        self.all_gradients = QCheckBox("All gradients (every ∂L/∂node)")
        self.all_gradients.setChecked(True)
        self.from_node = QCheckBox("The backward pass from node")
        self.from_combo = QComboBox()
        self.grad_nodes = [n for n in r.order if r.grads.get(n) is not None]
        for n in self.grad_nodes:
            self.from_combo.addItem(graph.label(n), n)
        passes = QGroupBox("Whole passes")
        pl = QVBoxLayout(passes)
        pl.addWidget(self.all_gradients)
        row = QHBoxLayout()
        row.addWidget(self.from_node)
        row.addWidget(self.from_combo, 1)
        pl.addLayout(row)
        # per node
        self.nodes = list(r.order)
        self.node_table = QTableWidget(len(self.nodes), 4)
        self.node_table.setHorizontalHeaderLabels(["node", "value", "gradient",
                                                   "layer ∂W, ∂b"])
        for i, n in enumerate(self.nodes):
            self.node_table.setItem(i, 0, _label(graph.label(n)))
            computed = graph.node(n)["op"] not in LEAVES     # a leaf's value is given
            self.node_table.setItem(i, 1, _check_item(n == graph.output, enabled=computed))
            self.node_table.setItem(i, 2, _check_item(enabled=r.grads.get(n) is not None))
            has_params = bool(graph.op(n).vjp.keys() & set(graph.op(n).tensors))
            self.node_table.setItem(i, 3, _check_item(enabled=has_params and
                                                      r.grads.get(n) is not None))
        # per edge
        self.edges = [(s.source, s.node, s.port) for s in r.trace if s.kind == "edge"]
        self.edge_table = QTableWidget(len(self.edges), 4)
        self.edge_table.setHorizontalHeaderLabels(["edge", "local", "upstream", "downstream"])
        for i, (src, tgt, port) in enumerate(self.edges):
            name = f"{graph.label(src)} → {graph.label(tgt)}.{port}"
            self.edge_table.setItem(i, 0, _label(name))
            for j in (1, 2, 3):
                self.edge_table.setItem(i, j, _check_item())
        # random values
        self.leaves = [n for n in r.order if graph.node(n)["op"] in LEAVES]
        targets = variants.loss_targets(graph)
        self.random_table = QTableWidget(len(self.leaves), 5)
        self.random_table.setHorizontalHeaderLabels(["input / parameter", "random", "low",
                                                     "high", "decimals"])
        for i, n in enumerate(self.leaves):
            name = _label(graph.label(n) + ("  (the loss's target)" if n in targets else ""))
            self.random_table.setItem(i, 0, name)
            self.random_table.setItem(i, 1, _check_item(graph.node(n)["op"] == "input" and
                                                        n not in targets))
            for j, value in ((2, variants.DEFAULT_LOW), (3, variants.DEFAULT_HIGH)):
                spin = QDoubleSpinBox()
                spin.setRange(-model.MAX_RANGE, model.MAX_RANGE)
                spin.setDecimals(model.MAX_DECIMALS)
                spin.setValue(value)
                self.random_table.setCellWidget(i, j, spin)
            digits = QSpinBox()
            digits.setRange(0, model.MAX_DECIMALS)
            self.random_table.setCellWidget(i, 4, digits)
        for table in (self.node_table, self.edge_table, self.random_table):
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.
                                                          ResizeToContents)
        # settings
        self.digits = QSpinBox()
        self.digits.setRange(1, model.MAX_DIGITS)
        self.digits.setValue(model.DEFAULT_DIGITS)
        self.digits.setSuffix(" significant digits")
        self.hints = QCheckBox("Students may take hints (each costs that blank's point)")
        self.hints.setChecked(True)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Answers count as right to", self.digits)
        form.addRow("", self.hints)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(passes)
        for title, table in (("Blanks per node", self.node_table),
                             ("Blanks per edge", self.edge_table),
                             ("Random values per student (exercise make)", self.random_table)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            layout.addWidget(box)
        layout.addWidget(buttons)
        self.resize(620, 760)

    def exercise(self) -> model.Exercise:
        """The exercise as chosen (its blanks, passes, random values and settings)."""
        ex = model.Exercise(digits=self.digits.value(), hints=self.hints.isChecked(),
                            title=self.title.text().strip())
        if self.all_gradients.isChecked():
            ex.passes.append({"kind": "all_gradients"})
        if self.from_node.isChecked() and self.from_combo.currentData() is not None:
            ex.passes.append({"kind": "backward_from", "node": self.from_combo.currentData()})
        for i, n in enumerate(self.nodes):
            if _checked(self.node_table.item(i, 1)):
                ex.fields.append(Field("value", node=n))
            if _checked(self.node_table.item(i, 2)):
                ex.fields.append(Field("grad", node=n))
            if _checked(self.node_table.item(i, 3)):
                op = self.graph.op(n)
                ex.fields += [Field("param", node=n, tensor=t) for t in op.tensors
                              if t in op.vjp]
        for i, (src, tgt, port) in enumerate(self.edges):
            for j, kind in ((1, "local"), (2, "upstream"), (3, "downstream")):
                if _checked(self.edge_table.item(i, j)):
                    ex.fields.append(Field(kind, source=src, target=tgt, port=port))
        for i, n in enumerate(self.leaves):
            if _checked(self.random_table.item(i, 1)):
                low = self.random_table.cellWidget(i, 2).value()
                high = self.random_table.cellWidget(i, 3).value()
                ex.random.append(model.RandomValue(n, min(low, high), max(low, high),
                                                   self.random_table.cellWidget(i, 4).value()))
        return ex
