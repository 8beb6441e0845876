"""The neuron view of a dense layer: readable at the opening view, switched per layer (undoable,
saved), animated unit by unit, and the reverse network inside the layer."""

from __future__ import annotations

import json

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.gui.canvas import neuron_toggle, neuron_view
from backprop_studio.gui.canvas.neuron_view import NeuronNodeItem

EXAMPLE = fileformat.EXAMPLES / "two_layer_sigmoid.json"
MIN_PX = 11.0


def neuron_items(window):
    return [i for i in window.scene.node_items() if isinstance(i, NeuronNodeItem)]


def painted(window, item):
    """(text, height in px, rect in the viewport) of every number the layer paints."""
    from PySide6.QtGui import QFontMetricsF
    view = window.view
    out = []
    for rect, font, text in item.text_rects():
        scene_rect = item.mapRectToScene(rect)
        view_rect = view.mapFromScene(scene_rect).boundingRect()
        out.append((text, QFontMetricsF(font).height() * view.transform().m11(), view_rect,
                    QFontMetricsF(font).horizontalAdvance(text) <= rect.width() + 0.5))
    return out


@pytest.fixture
def opened(make_window):
    window = make_window((1280, 800))
    assert window.open_path(EXAMPLE)
    window.run_graph()
    return window


def test_two_layer_sigmoid_opens_in_neuron_view_with_every_term_readable(opened):
    window = opened
    layers = neuron_items(window)
    assert len(layers) == 2                           # both dense layers, as in the seed figure
    viewport = window.view.viewport().rect()
    texts = []
    for item in layers:
        texts += painted(window, item)
    # per layer: 2 inputs × (a, ∂C/∂a), 2 neurons × (z, σ'(z), ∂C/∂z, ∂C/∂b), 4 weights ×
    # (a, ×, ∂C/∂z, ∂C/∂w)
    assert len(texts) == 2 * (2 * 2 + 2 * 4 + 4 * 4)
    for text, height, rect, fits in texts:
        assert height >= MIN_PX, (text, height)
        assert viewport.contains(rect), (text, rect, viewport)
        assert "…" not in text and fits, text
    shown = {t for t, *_ in texts}
    # the classic example's numbers (∂C/∂w²₁₁ = 0.082167, ∂C/∂w¹₁₁ = 0.000439, σ'(z²₁) =
    # 0.1868, a¹₁ = 0.5933, ∂C/∂b²₁ = 0.1385) in the canvas's two significant digits
    assert {"∂C/∂w²₁₁ = 0.082", "∂C/∂w¹₁₁ = 0.00044", "σ'(z) = 0.19", "0.59",
            "∂C/∂b = 0.14"} <= shown
    # the neuron view shows ∂C/∂W and ∂C/∂b itself: no ∂L/∂W badge under its layers
    assert not window.animation.overlay.param_badges


def test_text_rects_match_the_engine_records(opened):
    window = opened
    item = next(i for i in neuron_items(window) if i.label.startswith("z²"))
    layer = item.layer
    dW = window.last_result.tensor_grads[(item.node, "W")]
    texts = [t for _, _, t in item.text_rects()]
    for wt in layer.weights:
        want = f"∂C/∂w²{neuron_view.sub(wt.n)}{neuron_view.sub(wt.m)} = " \
               f"{neuron_view.number(dW[wt.n, wt.m])}"
        assert want in texts


def test_the_toggle_switches_one_layer_is_undone_and_saved(opened, tmp_path):
    window = opened
    first = neuron_items(window)[0].node
    before = window.scene.node_item(first).sceneBoundingRect()
    positions = {n: tuple(window.graph.node(n)["pos"]) for n in window.graph.nodes}
    right = [n for n, p in positions.items() if p[0] >= before.right() - 10]
    assert right                                    # y and the loss sit to its right
    neuron_toggle.toggle(window.scene, first)
    item = window.scene.node_item(first)
    assert not isinstance(item, NeuronNodeItem)
    assert item.sceneBoundingRect().width() < before.width()
    assert len(neuron_items(window)) == 1
    assert window.last_result is not None           # a view setting leaves the result fresh
    assert len(item.edges) == 2                     # its edges came with it
    shift = before.width() - item.sceneBoundingRect().width()
    for n in right:                                 # the nodes to its right closed the gap
        assert window.graph.node(n)["pos"][0] == pytest.approx(positions[n][0] - shift)
    path = tmp_path / "g.json"
    fileformat.save(window.graph, path)
    nodes = {n["id"]: n for n in json.loads(path.read_text())["graph"]["nodes"]}
    assert nodes[first]["config"]["neurons"] is False
    window.undo_stack.undo()                        # one step: the setting and the moves
    assert isinstance(window.scene.node_item(first), NeuronNodeItem)
    assert window.graph.node(first)["config"]["neurons"] is True
    assert {n: tuple(window.graph.node(n)["pos"]) for n in window.graph.nodes} == positions


def test_the_inspector_checkbox_switches_the_view(opened):
    from PySide6.QtWidgets import QCheckBox
    window = opened
    node = neuron_items(window)[1].node
    window.scene.clearSelection()
    window.scene.node_item(node).setSelected(True)
    window.inspector.rebuild()
    box = window.inspector.config_widgets["neurons"]
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    assert not isinstance(window.scene.node_item(node), NeuronNodeItem)


def test_backward_animation_goes_neuron_by_neuron(opened):
    from backprop_studio.gui.animation import install
    window = opened
    anim = install(window)
    ctl = anim.controller
    anim.home()
    assert anim.overlay.engaged
    item = next(i for i in neuron_items(window) if i.label.startswith("z²"))
    param = next(s for s in ctl.timeline.steps
                 if s.kind == "param" and s.node == item.node and s.step.port == "W")
    ctl.seek(param.index + 1, animate=True)            # the ∂C/∂W step, its pulse starting
    dws = lambda: [t for _, _, t in item.text_rects() if t.startswith("∂C/∂w")]  # noqa: E731
    assert dws() == ["∂C/∂w²₁₁ = 0.082", "∂C/∂w²₂₁ = 0.083"]    # neuron 1's weights
    assert {("out", 0), ("w", 0, 0), ("w", 1, 0)} == item.active
    ctl.advance(0.6)                                  # past half of the step: neuron 2 too
    assert len(dws()) == 4 and ("out", 1) in item.active
    ctl.seek(param.index)                             # one step back: no ∂C/∂w yet
    assert dws() == []


def test_the_reverse_view_shows_the_reverse_network_in_the_layer(opened):
    window = opened
    anim = window.animation
    anim.reverse_action.setChecked(True)
    item = next(i for i in neuron_items(window) if i.label.startswith("z²"))
    assert item.reverse
    texts = [t for _, _, t in item.text_rects()]
    # ∂C/∂a₁ = w₁₁·∂C/∂z₁ + w₁₂·∂C/∂z₂: the terms 0.40·0.1385 and 0.50·(−0.0381)
    assert "→ a₁: 0.055" in texts and "→ a₁: −0.019" in texts
    assert "∂C/∂a = 0.036" in texts
    anim.reverse_action.setChecked(False)
    assert not item.reverse


def test_the_context_menu_of_a_dense_layer_switches_it(opened):
    window = opened
    node = neuron_items(window)[0].node
    menu = neuron_toggle.dense_menu(window.scene, node)
    action = menu.actions()[0]
    assert (action.text(), action.isChecked(), action.isEnabled()) == \
        ("Draw as Neurons and Weights", True, True)
    action.trigger()
    assert not isinstance(window.scene.node_item(node), NeuronNodeItem)
    again = neuron_toggle.dense_menu(window.scene, node)
    assert again.actions()[0].isChecked() is False
    other = next(n for n in window.graph.nodes if window.graph.op(n).name == "sigmoid")
    assert neuron_toggle.dense_menu(window.scene, other) is None
