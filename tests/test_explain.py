"""The explanation panel's text: the chain rule of each step with the right numbers."""

from pathlib import Path

import pytest

from backprop_studio import engine
from backprop_studio.engine import explain
from backprop_studio.engine.api import Graph
from backprop_studio.engine.fileformat import load

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


def _run(name):
    graph = load(EXAMPLES / f"{name}.json")
    return graph, engine.run(graph)


def _edge(result, source, node):
    return next(s for s in result.trace if s.kind == "edge" and s.source == source
                and s.node == node)


def test_numbers_print_like_the_cs231n_figures():
    assert explain.num(-4.0) == "−4"
    assert explain.num(0.7310585786) == "0.73"
    assert explain.num(-0.0381) == "−0.038"
    assert explain.num(0.0) == "0"
    assert explain.value([[0.5, -1.0]]) == "[[0.50, −1]]"
    assert explain.shape([[1.0, 2.0]]) == "(1×2)"
    assert explain.paren(-4.0) == "(−4)"


def test_symbols_are_short_names():
    graph, _ = _run("two_layer_sigmoid")
    assert explain.symbol(graph, "dense") == "z¹"
    assert explain.layer_mark(graph, "dense_1") == "²"
    graph, _ = _run("max_gate")
    assert explain.symbol(graph, "max") == "max(x, y)"
    graph, _ = _run("sigmoid_neuron")
    assert explain.symbol(graph, "multiply") == "(w0·x0)"


def test_multiply_port_q_reads_as_in_the_issue():
    graph, result = _run("cs231n_add_multiply")
    text = explain.backward_text(graph, result, _edge(result, "q", "f"))
    assert text.splitlines()[0] == "∂f/∂q = ∂f/∂f · ∂f/∂q = 1 · z = 1 · (−4) = −4"
    text = explain.backward_text(graph, result, _edge(result, "z", "f"))
    assert text.splitlines()[0] == "∂f/∂z = ∂f/∂f · ∂f/∂z = 1 · q = 1 · 3 = 3"
    text = explain.backward_text(graph, result, _edge(result, "x", "q"))
    assert text.splitlines()[0] == "∂f/∂x = ∂f/∂q · ∂q/∂x = (−4) · 1 = −4"
    assert "unchanged" in text


def test_forward_text_substitutes_values():
    graph, result = _run("cs231n_add_multiply")
    assert explain.forward_text(graph, result, "q").startswith("q = x + y = (−2) + 5 = 3")
    assert explain.forward_text(graph, result, "f").startswith("f = q · z = 3 · (−4) = −12")
    assert explain.forward_text(graph, result, "x").startswith("x = −2")


def test_seed_step_starts_with_one():
    graph, result = _run("cs231n_add_multiply")
    assert explain.backward_text(graph, result, result.trace[0]).startswith("∂f/∂f = 1")


def test_sigmoid_neuron_explanations_carry_the_right_numbers():
    graph, result = _run("sigmoid_neuron")
    text = explain.backward_text(graph, result, _edge(result, "z", "sigmoid"))
    assert "σ'(z) = σ(z)(1−σ(z)) = 0.73 · 0.27 = 0.20" in text
    expected = {("w0", "multiply"): "−0.20", ("x0", "multiply"): "0.39",
                ("w1", "multiply_1"): "−0.39", ("x1", "multiply_1"): "−0.59",
                ("w2", "z"): "0.20"}
    for (source, node), grad in expected.items():
        first = explain.backward_text(graph, result, _edge(result, source, node)).splitlines()[0]
        assert first.endswith(f"= {grad}"), first
    first = explain.backward_text(graph, result, _edge(result, "w0", "multiply")).splitlines()[0]
    assert first == "∂σ/∂w0 = ∂σ/∂(w0·x0) · ∂(w0·x0)/∂w0 = 0.20 · x0 = 0.20 · (−1) = −0.20"


def test_max_gate_routes_to_the_larger_input():
    graph, result = _run("max_gate")
    for source in ("x", "y"):
        text = explain.backward_text(graph, result, _edge(result, source, "max"))
        assert "routes the gradient to the larger input (y = 4): x gets 0" in text
    first = explain.backward_text(graph, result, _edge(result, "x", "max")).splitlines()[0]
    assert first.endswith("= 2 · 0 = 0")
    first = explain.backward_text(graph, result, _edge(result, "y", "max")).splitlines()[0]
    assert first.endswith("= 2 · 1 = 2")


def test_dense_steps_use_the_matrix_form_with_shapes():
    graph, result = _run("two_layer_sigmoid")
    dense_x = _edge(result, "sigmoid", "dense_1")
    text = explain.backward_text(graph, result, dense_x)
    assert text.splitlines()[0] == "∂L/∂x¹ = δ²·W²ᵀ    (1×2)·(2×2) → (1×2)"
    assert "δ = (Wᵀ·δ_next) ∘ f'(z)" in text
    assert "[[0.036, 0.041]]" in text
    w_step = next(s for s in result.trace if s.kind == "param" and s.node == "dense_1"
                  and s.port == "W")
    text = explain.backward_text(graph, result, w_step)
    assert text.splitlines()[0] == "∂L/∂W² = x¹ᵀ·δ²    (2×1)·(1×2) → (2×2)"
    assert "∂L/∂W = x·δᵀ" in text
    assert "[[0.082, −0.023], [0.083, −0.023]]" in text
    b_step = next(s for s in result.trace if s.kind == "param" and s.node == "dense_1"
                  and s.port == "b")
    assert "[0.14, −0.038]" in explain.backward_text(graph, result, b_step)
    sig = _edge(result, "dense", "sigmoid")
    text = explain.backward_text(graph, result, sig)
    assert "∘" in text and "δ = (Wᵀ·δ_next) ∘ f'(z)" in text
    assert explain.forward_text(graph, result, "dense").startswith(
        "z¹ = x·W¹ + b¹    (1×2)·(2×2) + (2) → (1×2)")


def test_a_node_used_twice_sums_its_contributions():
    g = Graph()
    x, y = g.input("x", 3.0), g.input("y", 2.0)
    a = g.multiply(x, y, label="a")
    g.add(x, a, label="b")
    result = g.run()
    total = next(s for s in result.trace if s.kind == "sum")
    text = explain.backward_text(g, result, total)
    assert text.splitlines()[1] == "= 1 + 2 = 3"
    assert "multivariate chain rule" in text
    edge = _edge(result, "x", "a")
    assert "(via a)" in explain.backward_text(g, result, edge)


@pytest.mark.parametrize("name", ["cs231n_add_multiply", "sigmoid_neuron", "max_gate",
                                  "two_layer_sigmoid", "xor_mlp"])
def test_every_step_of_every_example_has_text_and_a_title(name):
    graph, result = _run(name)
    for node in result.order:
        assert explain.explain_step(graph, result, node)
        assert explain.title(graph, result, node).startswith("Forward")
    for step in result.trace:
        assert explain.explain_step(graph, result, step)
        assert explain.title(graph, result, step).startswith("Backward")
