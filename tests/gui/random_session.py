"""A random editing session through the window's own edit commands and actions: add, connect,
disconnect, delete, move, settings, tensor values (good and bad), paste of random text (and of
real copies), undo and redo. Used by test_random_session.py (1,000 actions) and by
bench/bench_editing_session.py (10,000, timed)."""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit

from backprop_studio.engine import fileformat
from backprop_studio.engine.ops import REGISTRY

ACTIONS = ("add", "connect", "disconnect", "delete", "move", "setting", "tensor", "paste_text",
           "copy_paste", "undo", "redo", "inspector")
WEIRD_NUMBERS = (math.nan, math.inf, -math.inf, 1e400, -1e309, 1e308, -1e6, 0.0, -0.0, 1e-320,
                 2**63, -1, 0, 1)


@dataclass
class Session:
    """The counts of one session: actions done, refusals shown, messages seen."""
    done: dict = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    refused: int = 0
    messages: list = field(default_factory=list)


def random_value(rng: random.Random):
    """Anything a person (or a fuzzer) might type or paste into a setting or a tensor."""
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(WEIRD_NUMBERS)
    if kind == 1:     # whole numbers: small (a dense layer of a few KB) or out of range
        return rng.choice([rng.randint(-5, 40), 5000, 2**40])
    if kind == 2:
        return rng.uniform(-1e7, 1e7)
    if kind == 3:
        return [rng.uniform(-3, 3) for _ in range(rng.randint(0, 4))]
    if kind == 4:
        return [[rng.uniform(-1, 1) for _ in range(2)], [1.0]]          # ragged
    if kind == 5:
        return rng.choice(["x", "", "features", "targets", None, True, {"a": 1}])
    if kind == 6:
        return [rng.randint(-1, 5) for _ in range(rng.randint(0, 3))]
    if kind == 7:
        return [[rng.choice([1.0, math.nan, 2.0]) for _ in range(2)] for _ in range(2)]
    return rng.uniform(-3, 3)


def random_text(rng: random.Random) -> str:
    """Clipboard text: noise, broken JSON, deep nesting, near-miss graph documents."""
    kind = rng.randrange(8)
    if kind == 0:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 200)))
    if kind == 1:
        depth = rng.choice([10, 1000, 100_000])
        return "[" * depth + "]" * depth
    if kind == 2:
        return "{" * rng.randint(1, 50_000)
    if kind == 3:
        return '{"format": "backprop-studio", "version": 1, "graph": {"directed": true, ' \
               '"multigraph": true, "nodes": [{"id": "a", "op": "input", "pos": [1e400, 0]}], ' \
               '"edges": []}}'
    if kind == 4:
        return '{"format": "backprop-studio", "version": 1, "graph": {"directed": true, ' \
               '"multigraph": true, "nodes": [{"id": "a", "op": "power", "config": ' \
               '{"p": NaN}}], "edges": []}}'
    if kind == 5:
        return "<b>x</b><img src='file:///etc/passwd'>\x00\x1b[31m"
    if kind == 6:
        return '{"format": "backprop-studio", "version": 1, "graph": {"directed": true, ' \
               '"multigraph": true, "nodes": [{"id": "a", "op": "constant", "tensors": ' \
               '{"value": [[1, 2], [3]]}}], "edges": []}}'
    return '{"nodes": ' + str(rng.random()) + "}"


def run(window, actions: int, seed: int) -> Session:
    """``actions`` random edits on ``window``; an exception from any of them propagates."""
    rng = random.Random(seed)
    session = Session()
    w = window
    ops = sorted(REGISTRY)
    clipboard = QGuiApplication.clipboard()
    real_show = w.show_message

    def show(text, error=False):
        if error:
            session.refused += 1
            session.messages.append(text)
        real_show(text, error)
    w.show_message = show
    try:
        for _step in range(actions):
            g = w.graph
            nodes = g.nodes
            action = rng.choice(ACTIONS) if nodes else "add"
            node = rng.choice(nodes) if nodes else None
            if action == "add":
                w.scene.add_op(rng.choice(ops), QPointF(rng.uniform(-900, 900),
                                                        rng.uniform(-600, 600)))
            elif action == "connect":
                target = rng.choice(nodes)
                ports = list(g.op(target).ports) or ["x"]
                w.connect_ports(node, target, rng.choice(ports))
            elif action == "disconnect":
                edges = g.edges()
                if edges and rng.random() < 0.9:
                    _, target, port = rng.choice(edges)
                else:
                    target, port = node, "nope"
                w.disconnect_port(target, port)
            elif action == "delete":
                _select(w, rng.sample(nodes, min(len(nodes), rng.randint(1, 3))))
                w.actions["delete"].trigger()
            elif action == "move":
                pos = rng.choice([(rng.uniform(-900, 900), rng.uniform(-600, 600)),
                                  (math.nan, 0.0), (1e400, 1.0), ("a", 2)])
                w.move_nodes({node: pos})
            elif action == "setting":
                keys = list(g.node(node)["config"]) or ["p"]
                w.set_config(node, rng.choice(keys), random_value(rng))
            elif action == "tensor":
                owners = [n for n in nodes if g.op(n).tensors]
                if owners:
                    owner = rng.choice(owners)
                    w.set_tensor(owner, rng.choice(g.op(owner).tensors), random_value(rng))
            elif action == "paste_text":
                clipboard.setText(random_text(rng))
                w.actions["paste"].trigger()
            elif action == "copy_paste":
                _select(w, rng.sample(nodes, min(len(nodes), rng.randint(1, 3))))
                w.actions["copy"].trigger()
                w.actions["paste"].trigger()
            elif action == "inspector":
                _type_in_inspector(w, node, rng)
            elif action == "undo":
                # an undo can always be redone to exactly the state before it, even with text
                # typed (not entered) in the inspector as it rebuilds
                before = fileformat.dumps(g) if w.undo_stack.canUndo() else None
                w.actions["undo"].trigger()
                QApplication.processEvents()
                if before is not None:
                    w.actions["redo"].trigger()
                    QApplication.processEvents()
                    if fileformat.dumps(w.graph) != before:
                        raise AssertionError(f"redo after undo differs (step {_step})")
                    w.actions["undo"].trigger()
                    QApplication.processEvents()
            elif action == "redo":
                w.actions["redo"].trigger()
            session.done[action] += 1
            if _step % 25 == 0:
                fileformat.dumps(w.graph)      # raises if a value Save refuses got in
            # what the running app's event loop does: delete the inspector pages it replaced
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        w.show_message = real_show
    return session


def _type_in_inspector(window, node, rng: random.Random) -> None:
    """Select ``node``, type random text into one of its inspector fields (label, a setting,
    a tensor's text line); press Enter, or leave it typed (the next action may be an undo)."""
    _select(window, [node])
    window.inspector.rebuild()
    ins = window.inspector
    fields = [ins.label_edit] + [w for w in ins.config_widgets.values()
                                 if isinstance(w, (QLineEdit, QAbstractSpinBox))]
    fields += [e.text for e in ins.editors.values()]
    field = rng.choice([f for f in fields if f is not None])
    text = rng.choice(["0", "-1e6", "7", "nan", "inf", "1e400", "[1, 2]", "[[1], [2, 3]]", "",
                       "<b>x</b>", "3.5", "[2, 3]", "-0", "abc"])
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, text)
    if rng.random() < 0.6:
        QTest.keyClick(field, Qt.Key.Key_Return)


def _select(window, nodes) -> None:
    window.scene.clearSelection()
    for n in nodes:
        window.scene.node_item(n).setSelected(True)
