"""A hint changes only its own blank: the others keep the text the student typed (no
reformatting that widens boxes onto the ports), and a blank answered by a hint leaves the list
of what Check found wrong."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from backprop_studio.engine import fileformat
from backprop_studio.engine.exercise import answers, model
from backprop_studio.engine.exercise.model import Exercise

EX = fileformat.EXAMPLES


@pytest.fixture
def neuron(make_window, tmp_path):
    g = fileformat.load(EX / "sigmoid_neuron.json")
    model.store(g, Exercise(passes=[{"kind": "all_gradients"}]))
    path = tmp_path / "neuron.json"
    fileformat.save(g, path)
    window = make_window((1280, 800))
    assert window.open_path(path)
    return window, window.exercise


def _blank(window, mode, name):
    return next(b for b in mode.blanks if answers.describe(window.graph, b.field) == name)


def _type(window, mode, blank, text):
    mode.focus(blank)
    QTest.keyClicks(window.view, text)
    QTest.keyClick(window.view, Qt.Key.Key_Tab)


def test_a_hint_leaves_other_blanks_as_typed_and_clear_of_the_nodes(neuron):
    window, mode = neuron
    w1 = _blank(window, mode, "∂σ/∂w1")
    _type(window, mode, w1, "8.3e-7")
    width = w1.boundingRect().width()
    mode.focus(_blank(window, mode, "∂σ/∂x0"))
    mode.hint("reveal")
    assert w1.toPlainText() == "8.3e-7" and w1.boundingRect().width() == width
    _type(window, mode, _blank(window, mode, "∂σ/∂w0"), "-0.196611933241")   # a wide answer
    QTest.qWait(10)                                                        # the re-arrange
    nodes = [n.sceneBoundingRect() for n in window.scene.node_items()]
    for blank in mode.blanks:
        box = blank.mapRectToScene(blank.boundingRect())
        assert not any(box.intersects(n) for n in nodes), answers.describe(window.graph,
                                                                           blank.field)


def test_a_blank_revealed_by_a_hint_leaves_the_wrong_list(neuron):
    window, mode = neuron
    w1 = _blank(window, mode, "∂σ/∂w1")
    _type(window, mode, w1, "5")
    mode.check()
    rows = lambda: [mode.panel.found.item(i).text()                    # noqa: E731
                    for i in range(mode.panel.found.count())]
    assert any(r.startswith("✗ ∂σ/∂w1") for r in rows())
    mode.focus(w1)
    mode.hint("reveal")
    assert w1.status == "hint" and w1.mark == "✓"
    assert not any(r.startswith("✗ ∂σ/∂w1") for r in rows())
    assert rows()[0] == "Checked: ✓ 0 right, ✗ 0 wrong, 1 / 9 answered"
    mode.focus(w1)
    assert "✗" not in mode.panel.current.text()
