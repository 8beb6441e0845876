"""The example graphs give the numbers of the seeds and CS231n, edge by edge."""

import numpy as np
import pytest

from backprop_studio.engine import fileformat, run
from backprop_studio.engine.datasets import builtin
from backprop_studio.engine.train import Trainer

EXAMPLES = fileformat.EXAMPLES


def load(name):
    return fileformat.load(EXAMPLES / f"{name}.json")


def by_label(graph, result, attr="grads"):
    return {graph.label(n): v for n, v in getattr(result, attr).items()}


def test_the_five_examples_exist_with_readable_labels():
    names = {p.stem for p in fileformat.example_paths()}
    assert {"cs231n_add_multiply", "sigmoid_neuron", "max_gate", "two_layer_sigmoid",
            "xor_mlp"} <= names
    g = load("cs231n_add_multiply")
    assert sorted(g.label(n) for n in g.nodes) == ["f", "q", "x", "y", "z"]


def test_cs231n_add_multiply_values_and_gradients():
    g = load("cs231n_add_multiply")
    r = run(g)
    values, grads = by_label(g, r, "values"), by_label(g, r)
    assert values == {"x": -2.0, "y": 5.0, "z": -4.0, "q": 3.0, "f": -12.0}
    assert grads == {"x": -4.0, "y": -4.0, "z": 3.0, "q": -4.0, "f": 1.0}
    assert r.loss == -12.0


def test_cs231n_add_multiply_trace_edge_by_edge_in_reverse_topological_order():
    g = load("cs231n_add_multiply")
    trace = run(g).trace
    assert trace[0].kind == "seed" and trace[0].downstream == 1.0
    edges = [(g.label(s.source), g.label(s.node), s.port, s.upstream, s.local, s.downstream,
              s.formula) for s in trace if s.kind == "edge"]
    assert edges == [
        ("q", "f", "a", 1.0, -4.0, -4.0, "b"),     # ∂f/∂q = z = −4
        ("z", "f", "b", 1.0, 3.0, 3.0, "a"),       # ∂f/∂z = q = 3
        ("x", "q", "a", -4.0, 1.0, -4.0, "1"),     # the add gate passes −4 on
        ("y", "q", "b", -4.0, 1.0, -4.0, "1"),
    ]


def test_sigmoid_neuron_matches_cs231n():
    g = load("sigmoid_neuron")
    r = run(g)
    assert r.loss == pytest.approx(0.7310585786, abs=1e-9)
    grads = by_label(g, r)
    s = 0.7310585786 * (1 - 0.7310585786)          # σ(1)(1 − σ(1)) ≈ 0.1966
    expected = {"w0": -1 * s, "x0": 2 * s, "w1": -2 * s, "x1": -3 * s, "w2": s}
    for name, value in expected.items():
        assert grads[name] == pytest.approx(value, rel=1e-9)
    rounded = {k: round(grads[k], 2) for k in expected}
    assert rounded == {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20}


def test_max_gate_routes_the_gradient_to_the_larger_input():
    g = load("max_gate")
    r = run(g)
    grads = by_label(g, r)
    assert by_label(g, r, "values")["f"] == 8.0
    assert grads["y"] == 2.0 and grads["x"] == 0.0 and grads["w"] == 4.0


def test_two_layer_sigmoid_matches_the_step_by_step_example():
    """The classic walkthrough: E_total = 0.298371109, ∂E/∂w5 = 0.082167041,
    ∂E/∂w1 = 0.000438568 (w5 is W²[0,0], w1 is W¹[0,0] in the seeds' w_nm indexing)."""
    g = load("two_layer_sigmoid")
    r = run(g)
    assert r.loss == pytest.approx(0.298371109, abs=1e-9)
    dense = [n for n in r.order if g.node(n)["op"] == "dense"]
    W1_grad = r.tensor_grads[(dense[0], "W")]
    W2_grad = r.tensor_grads[(dense[1], "W")]
    assert W2_grad[0, 0] == pytest.approx(0.082167041, abs=1e-9)
    assert W2_grad[1, 0] == pytest.approx(0.082667628, abs=1e-9)    # w6
    assert W2_grad[0, 1] == pytest.approx(-0.022602540, abs=1e-9)   # w7
    assert W1_grad[0, 0] == pytest.approx(0.000438568, abs=1e-9)


def test_dense_param_steps_are_x_transpose_delta_and_sum_of_delta():
    g = load("two_layer_sigmoid")
    r = run(g)
    params = {(s.node, s.port): s for s in r.trace if s.kind == "param"}
    dense = [n for n in r.order if g.node(n)["op"] == "dense"]
    step_W = params[(dense[1], "W")]
    delta, x = step_W.upstream, step_W.local
    np.testing.assert_allclose(step_W.downstream, x.T @ delta)
    np.testing.assert_allclose(params[(dense[1], "b")].downstream, delta.sum(axis=0))
    # δ¹ = (δ²·W²ᵀ) ∘ σ'(z¹): the seeds' matrix-form recursion
    W2 = g.node(dense[1])["tensors"]["W"]
    a1 = r.values[[n for n in r.order if g.label(n) == "x¹ = σ(z¹)"][0]]
    np.testing.assert_allclose(r.grads[dense[0]], (delta @ W2.T) * a1 * (1 - a1))


def test_xor_mlp_trains_to_a_low_loss_deterministically():
    def train():
        g = load("xor_mlp")
        t = Trainer(g, builtin("xor"), "adam", lr=0.1, batch_size=4, seed=0)
        t.run(1000)
        return t
    a, b = train(), train()
    assert a.history == b.history
    assert a.full_loss() < 0.01
    predictions = a.predict(builtin("xor").X)
    assert np.array_equal(predictions.round().ravel(), [0, 1, 1, 0])


def test_spirals_mlp_separates_the_two_spirals():
    g = load("spirals_mlp")
    data = builtin("spirals")
    t = Trainer(g, data, "adam", lr=0.03, batch_size=64, seed=0)
    t.run(3000)
    assert t.full_loss() < 0.05
    accuracy = ((t.predict(data.X) > 0.5) == data.Y).mean()
    assert accuracy > 0.97
