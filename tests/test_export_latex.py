"""The chain rule as LaTeX, with the CS231n numbers (f = (x + y)·z at x = −2, y = 5, z = −4)."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_studio.engine import fileformat, run
from backprop_studio.engine.api import Graph
from backprop_studio.engine.export.latex import path_latex, step_latex, tex_name


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.fixture
def cs231n():
    graph = fileformat.load(fileformat.EXAMPLES / "cs231n_add_multiply.json")
    return graph, run(graph, trace=True)


def test_path_from_the_output_to_x(cs231n):
    graph, result = cs231n
    assert path_latex(graph, result, "x") == (
        r"\frac{\partial f}{\partial x} = \frac{\partial f}{\partial q} \cdot "
        r"\frac{\partial q}{\partial x} = (-4) \cdot 1 = -4")
    assert path_latex(graph, result, "z") == r"\frac{\partial f}{\partial z} = 3"
    assert path_latex(graph, result, "f") == r"\frac{\partial f}{\partial f} = 1"


def test_each_step_of_the_cs231n_backward_pass(cs231n):
    graph, result = cs231n
    texts = [step_latex(graph, result, s) for s in result.trace]
    assert texts == [
        r"\frac{\partial f}{\partial f} = 1",
        r"\frac{\partial f}{\partial q} = \frac{\partial f}{\partial f} \cdot "
        r"\frac{\partial f}{\partial q} = 1 \cdot (-4) = -4",
        r"\frac{\partial f}{\partial z} = \frac{\partial f}{\partial f} \cdot "
        r"\frac{\partial f}{\partial z} = 1 \cdot 3 = 3",
        r"\frac{\partial f}{\partial x} = \frac{\partial f}{\partial q} \cdot "
        r"\frac{\partial q}{\partial x} = (-4) \cdot 1 = -4",
        r"\frac{\partial f}{\partial y} = \frac{\partial f}{\partial q} \cdot "
        r"\frac{\partial q}{\partial y} = (-4) \cdot 1 = -4",
    ]
    assert step_latex(graph, result, "q") == "q = x + y = (-2) + 5 = 3"        # forward steps
    assert step_latex(graph, result, "f") == r"f = q \cdot z = 3 \cdot (-4) = -12"
    assert step_latex(graph, result, "x") == "x = -2"


def test_two_paths_are_summed_and_a_sum_step_lists_its_terms():
    g = Graph()
    x = g.input("x", 3.0)
    a = g.multiply(x, g.constant(2.0, label="c"), label="a")       # ∂a/∂x = 2
    b = g.multiply(x, x, label="b")                                 # does not reach L
    g.set_output(g.add(a, g.sigmoid(a, label="s"), label="L"))      # L = a + σ(a)
    result = run(g, trace=True)
    sigma = 1 / (1 + np.exp(-6.0))
    assert result.grads[x] == pytest.approx(2 + 2 * sigma * (1 - sigma))   # by hand
    assert path_latex(g, result, x) == (
        r"\frac{\partial L}{\partial x} = \frac{\partial L}{\partial a} \cdot "
        r"\frac{\partial a}{\partial x} + \frac{\partial L}{\partial s} \cdot "
        r"\frac{\partial s}{\partial a} \cdot \frac{\partial a}{\partial x} = "
        r"1 \cdot 2 + 1 \cdot 0.0025 \cdot 2 = 2.00")
    (sum_step,) = [st for st in result.trace if st.kind == "sum"]
    assert step_latex(g, result, sum_step) == (
        r"\frac{\partial L}{\partial a} = \frac{\partial L}{\partial L}\,"
        r"\left.\frac{\partial L}{\partial a}\right|_{\text{port } a} + "
        r"\frac{\partial L}{\partial s}\,"
        r"\frac{\partial s}{\partial a} = 1 + 0.0025 = 1.00")
    with pytest.raises(ValueError, match="does not depend"):
        path_latex(g, result, b)


def test_forward_rules_with_superscripts_and_settings():
    g = Graph()
    e = g.exp(g.input("x", 2.0), label="e")
    g.set_output(g.power(e, p=3.0, label="p"))
    result = run(g, trace=True)
    assert step_latex(g, result, e) == "e = e^{x} = e^{2} = 7.39"
    assert step_latex(g, result, g.output) == "p = e^{3} = 7.39^{3} = 403.43"


def test_arrays_are_bmatrices_and_names_become_latex():
    g = Graph()
    w = g.parameter("W¹", np.array([0.5, -1.25]))
    g.set_output(g.sum(g.multiply(w, g.input("x₀", np.array([2.0, 4.0])), label="z¹"),
                       label="L"))
    result = run(g, trace=True)
    text = path_latex(g, result, w)
    assert r"\frac{\partial L}{\partial W^{1}}" in text
    assert text.endswith(r"\begin{bmatrix} 2 & 4 \end{bmatrix}")
    assert _balanced(text)
    assert tex_name("σ(z²)") == r"\sigma(z^{2})"
    assert tex_name("W¹ᵀx⁰") == r"W^{1\top}x^{0}"
    assert tex_name("hidden σ") == r"\mathrm{hidden}\,\sigma"
    assert tex_name("a_b%") == r"a\_b\%"


def test_every_example_every_step_and_node_gives_balanced_latex():
    for path in sorted(fileformat.EXAMPLES.glob("*.json")):
        graph = fileformat.load(path)
        result = run(graph, trace=True)
        for step in result.trace:
            assert _balanced(step_latex(graph, result, step)), (path, step)
        for node in graph.nodes:
            if result.grads[node] is not None:
                text = path_latex(graph, result, node)
                assert _balanced(text) and text.startswith(r"\frac"), (path, node)


PORT = r"\left.\frac{\partial %s}{\partial %s}\right|_{\text{port } %s}"


def _twice():
    """f = (x + x)·x at x = 3: f = 2x², so ∂f/∂x = 4x = 12 by hand, along three paths: through
    q's port a (∂f/∂q · ∂q/∂x = x · 1 = 3), q's port b (3 again) and f's port b (q = 6)."""
    g = Graph()
    x = g.input("x", 3.0)
    q = g.add(x, x, label="q")
    g.set_output(g.multiply(q, x, label="f"))
    return g, run(g, trace=True), x


def test_a_node_used_twice_in_one_op_gives_one_term_per_path():
    g, result, x = _twice()
    assert result.grads[x] == pytest.approx(12.0)
    text = path_latex(g, result, x)
    assert text == (
        r"\frac{\partial f}{\partial x} = " + PORT % ("f", "x", "b") + " + "
        r"\frac{\partial f}{\partial q} \cdot " + PORT % ("q", "x", "a") + " + "
        r"\frac{\partial f}{\partial q} \cdot " + PORT % ("q", "x", "b") +
        r" = 6 + 3 \cdot 1 + 3 \cdot 1 = 12")
    # the terms' numbers add up to the engine's gradient
    numbers = text.split(" = ")[-2].split(" + ")
    assert sum(np.prod([float(v) for v in t.split(r" \cdot ")]) for t in numbers) == 12.0


def test_a_sum_step_names_the_ports_of_a_consumer_fed_twice():
    from backprop_studio.engine import explain
    g, result, x = _twice()
    (total,) = [s for s in result.trace if s.kind == "sum"]
    assert step_latex(g, result, total) == (
        r"\frac{\partial f}{\partial x} = \frac{\partial f}{\partial f}\," + PORT % ("f", "x", "b")
        + r" + \frac{\partial f}{\partial q}\," + PORT % ("q", "x", "a")
        + r" + \frac{\partial f}{\partial q}\," + PORT % ("q", "x", "b") + " = 6 + 3 + 3 = 12")
    lines = explain.explain_step(g, result, total).splitlines()
    assert lines[0] == ("∂f/∂x = ∂f/∂f·∂f/∂x (port b) + ∂f/∂q·∂q/∂x (port a) "
                        "+ ∂f/∂q·∂q/∂x (port b)")
    assert lines[1] == "= 6 + 3 + 3 = 12"
    assert lines[2].startswith("x feeds 2 nodes through 3 inputs, so")


def test_too_many_paths_sum_over_each_consumer_edge_with_numbers():
    """q1 = x + x, q2 = q1 + q1, q3 = q2 + q2: eight paths from q3 to x, more than MAX_PATHS,
    so one term per edge out of x (∂f/∂q1 · the edge's local). f = q3·x = 8x², ∂f/∂x = 16x;
    at x = 0.5: ∂f/∂q1 = 4x = 2 through each of q1's ports, q3 = 4 straight into f."""
    g = Graph()
    x = g.input("x", 0.5)
    q1 = g.add(x, x, label="q1")
    q2 = g.add(q1, q1, label="q2")
    q3 = g.add(q2, q2, label="q3")
    g.set_output(g.multiply(q3, x, label="f"))
    result = run(g, trace=True)
    assert result.grads[x] == pytest.approx(8.0)
    text = path_latex(g, result, x)
    terms = text.split(" = ")[1].split(" + ")
    assert sorted(terms) == sorted([
        r"\frac{\partial f}{\partial q1}\," + PORT % ("q1", "x", "a"),
        r"\frac{\partial f}{\partial q1}\," + PORT % ("q1", "x", "b"),
        PORT % ("f", "x", "b")])
    assert sorted(text.split(" = ")[2].split(" + ")) == sorted([r"2 \cdot 1", r"2 \cdot 1", "4"])
    assert text.endswith(" = 8")
