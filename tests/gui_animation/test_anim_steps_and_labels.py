"""The replayed trace: exact numbers on each edge in reverse topological order, labels that
depend on the cursor alone (step back, step forward, scrub), sums and dense parameters."""

from __future__ import annotations

import pytest
from anim_helpers import edge_rows, label_snapshot

from backprop_studio.engine.api import Graph

# f = (x + y)·z at x = −2, y = 5, z = −4: (edge, upstream, local, product), hand-computed.
CS231N_BACKWARD = [
    (("q", "f", "a"), "1", "−4", "−4"),
    (("z", "f", "b"), "1", "3", "3"),
    (("x", "q", "a"), "−4", "1", "−4"),
    (("y", "q", "b"), "−4", "1", "−4"),
]


def test_timeline_is_forward_in_topological_order_then_the_trace(open_example):
    window, anim = open_example("cs231n_add_multiply")
    anim.home()
    tl = anim.controller.timeline
    assert [s.node for s in tl.steps[:tl.forward_count]] == ["x", "y", "z", "q", "f"]
    assert [s.kind for s in tl.steps[tl.forward_count:]] == ["seed", "edge", "edge", "edge",
                                                              "edge"]
    topo = {n: i for i, n in enumerate(tl.result.order)}
    consumers = [topo[s.node] for s in tl.steps[tl.forward_count:]]
    assert consumers == sorted(consumers, reverse=True)       # reverse topological order


def test_each_backward_edge_shows_hand_computed_upstream_local_product(open_example):
    window, anim = open_example("cs231n_add_multiply")
    anim.home()
    ctl = anim.controller
    ctl.seek(ctl.timeline.forward_count + 1)                  # the seed: f's gradient is 1
    assert window.scene.node_item("f").grad_text == "1"
    names = {"q": ("∂f/∂f", "∂f/∂q"), "z": ("∂f/∂f", "∂f/∂z"), "x": ("∂f/∂q", "∂q/∂x"),
             "y": ("∂f/∂q", "∂q/∂y")}
    for key, up, local, product in CS231N_BACKWARD:
        anim.step_forward()
        step = ctl.active.step
        assert (step.source, step.node, step.port) == key
        d_up, d_local = names[key[0]]
        rows = edge_rows(anim, key)
        assert rows[1:] == [f"upstream {d_up} = {up}", f"× local {d_local} = {local}",
                            f"= {product}  → {key[0]}"], rows
        assert window.scene.node_item(key[0]).grad_text == product     # the same digits
    # once passed, an edge keeps its value (green) over its gradient (red)
    assert edge_rows(anim, ("q", "f", "a")) == ["3", "−4"]
    assert edge_rows(anim, ("z", "f", "b")) == ["−4", "3"]


def test_forward_pass_reveals_values_node_by_node(open_example):
    window, anim = open_example("cs231n_add_multiply")
    anim.home()
    scene = window.scene
    assert all(item.value_text == "" for item in scene.node_items())
    for k, (node, text) in enumerate([("x", "−2"), ("y", "5"), ("z", "−4"),
                                      ("q", "3"), ("f", "−12")], start=1):
        anim.step_forward()
        assert anim.controller.cursor == k
        assert scene.node_item(node).value_text == text
        later = anim.controller.timeline.steps[k:anim.controller.timeline.forward_count]
        assert all(scene.node_item(s.node).value_text == "" for s in later)
    assert edge_rows(anim, ("q", "f", "a")) == ["3"]        # the value q carries into f
    assert edge_rows(anim, ("x", "q", "a")) == ["−2"]


def test_stepping_back_then_forward_restores_the_same_labels(open_example):
    window, anim = open_example("cs231n_add_multiply")
    anim.home()
    ctl = anim.controller
    snapshots = [label_snapshot(anim)]
    for _ in range(len(ctl.timeline)):
        anim.step_forward()
        snapshots.append(label_snapshot(anim))
    for k in range(len(ctl.timeline) - 1, -1, -1):
        anim.step_back()
        assert ctl.cursor == k
        assert label_snapshot(anim) == snapshots[k]
    for k in range(1, len(ctl.timeline) + 1):
        anim.step_forward()
        assert label_snapshot(anim) == snapshots[k]


@pytest.mark.parametrize("name", ["cs231n_add_multiply", "two_layer_sigmoid"])
def test_the_timeline_slider_scrubs_to_any_step(open_example, name):
    window, anim = open_example(name)
    anim.home()
    ctl, slider = anim.controller, anim.panel.timeline
    n = len(ctl.timeline)
    assert slider.maximum() == n
    sequential = [label_snapshot(anim)]
    for _ in range(n):
        anim.step_forward()
        sequential.append(label_snapshot(anim))
    for k in [n, 0, 3, n - 1, 1, n // 2, 0, n]:
        slider.setValue(k)
        assert ctl.cursor == k
        assert label_snapshot(anim) == sequential[k]
        assert anim.overlay.state == ctl.timeline.state_at(k)


def test_a_node_feeding_two_consumers_visibly_sums(open_example):
    window, anim = open_example("cs231n_add_multiply")
    g = Graph()
    x, y = g.input("x", 3.0), g.input("y", 2.0)
    a = g.multiply(x, y, label="a")
    g.add(x, a, label="b")
    g.layout()
    window.set_graph(g, None, "sum")
    window.run_graph()
    anim.end()
    badge = anim.overlay.sum_badges["x"]
    assert [r.text for c in badge.cards for r in c.rows] == ["Σ 1 + 2", "= 3"]
    assert window.scene.node_item("x").grad_text == "3"
    tl = anim.controller.timeline
    k_sum = next(s.index for s in tl.steps if s.kind == "sum")
    anim.seek(k_sum - 2)                  # one contribution back, the other still to come
    texts = [r.text for c in anim.overlay.sum_badges["x"].cards for r in c.rows]
    assert texts == ["Σ 1 + …", "1 of 2 gradients back"]
    anim.seek(k_sum)                      # both back, not yet added
    texts = [r.text for c in anim.overlay.sum_badges["x"].cards for r in c.rows]
    assert texts == ["Σ 1 + 2", "2 of 2 gradients back"]
    assert window.scene.node_item("x").grad_text == ""
    assert len(tl.steps[k_sum].edges) == 2           # both consumer edges pulse into x


def test_dense_layers_show_their_weight_and_bias_gradients_arriving(open_example):
    from backprop_studio.gui.canvas import neuron_toggle
    window, anim = open_example("two_layer_sigmoid")
    for layer in ("dense", "dense_1"):              # in matrix form: the ∂L/∂W, ∂L/∂b badge
        neuron_toggle.toggle(window.scene, layer)
    anim.end()
    rows = [r.text for c in anim.overlay.param_badges["dense_1"].cards for r in c.rows]
    assert rows == ["∂L/∂W² (2×2) =", "[0.082, −0.023]", "[0.083, −0.023]",
                    "∂L/∂b² = [0.14, −0.038]"]
    tl = anim.controller.timeline
    w_step = next(s for s in tl.steps if s.kind == "param" and s.node == "dense")
    anim.seek(w_step.index)                         # just before ∂L/∂W¹ arrives
    assert "dense" not in anim.overlay.state.params
    anim.step_forward()
    assert anim.overlay.state.params[("dense", "W")].shape == (2, 2)
    assert anim.panel.title.text() == "Backward pass · ∂L/∂W¹ arrives in z¹"
    assert "∂L/∂W¹ = xᵀ·δ¹    (2×1)·(1×2) → (2×2)" in anim.panel.body.text()
    assert anim.panel.matrices.isVisibleTo(anim.panel)
    assert window.scene.selected_nodes() == ["dense"]   # the inspector shows its heatmaps


def test_a_consumer_that_leads_nowhere_hands_back_no_gradient_and_no_sigma():
    """x feeds q (to the output) and a dead end d: one gradient comes back to x, so the
    animation sets ∂f/∂x at q's edge step and waits for no Σ that never comes."""
    from backprop_studio.engine import explain, run
    from backprop_studio.engine.api import Graph
    from backprop_studio.gui.animation.timeline import Timeline
    g = Graph()
    x, y = g.input("x", 3.0), g.input("y", 2.0)
    q = g.multiply(x, y, label="q")
    g.multiply(x, x, label="d")                  # a dead end: not on the way to f
    f = g.sigmoid(q, label="f")
    g.set_output(f)
    result = run(g)
    assert explain.arrivals(result, x) == 1
    timeline = Timeline(g, result)
    end = timeline.state_at(len(timeline))
    assert x not in end.partial
    assert end.node_grad[x] == pytest.approx(result.grads[x])
    step = next(s for s in result.trace if s.kind == "edge" and s.source == x)
    assert "Σ step follows" not in explain.explain_step(g, result, step)


def test_each_steps_card_is_scrolled_into_view(make_window):
    """Stepping through seed_matrix_form at 1024×700: the active edge's upstream × local =
    product card is always whole in the view (a card placed above the figure scrolls it)."""
    from backprop_studio.engine.fileformat import EXAMPLES
    window = make_window((1024, 700))
    assert window.open_path(EXAMPLES / "seed_matrix_form.json")
    window.actions["run"].trigger()
    anim = window.animation
    steps = anim.controller.timeline.steps
    for cursor in range(anim.controller.timeline.forward_count + 1, len(steps) + 1):
        anim.seek(cursor)
        active = anim.controller.active
        if active.kind != "edge":
            continue
        label = anim.overlay.labels[active.edges[0]]
        seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
        for card in label.cards:
            box = card.rect.translated(label.pos())
            assert seen.contains(box), (cursor, active.edges, box, seen)
