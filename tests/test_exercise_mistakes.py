"""Each common mistake is named when a wrong answer is exactly it, and not otherwise."""

import numpy as np
import pytest

from backprop_studio.engine.api import Graph
from backprop_studio.engine.backprop import run
from backprop_studio.engine.exercise import mistakes as M
from backprop_studio.engine.exercise.answers import expected
from backprop_studio.engine.exercise.mistakes import Diagnoser
from backprop_studio.engine.exercise.model import Field
from backprop_studio.engine.exercise.replay import backward


def diagnose(g, f, answer, answers=None):
    result = run(g, trace=True)
    right = expected(g, [f], result)[f]
    return Diagnoser(g, result, 2).diagnose(f, answer, right, answers)


def grad(node):
    return Field("grad", node=node)


def used_twice():
    """f = x·y + x with x = 2, y = −3: ∂f/∂x = y + 1 = −2."""
    g = Graph()
    x, y = g.input("x", 2.0), g.input("y", -3.0)
    a = g.multiply(x, y, label="a")
    f = g.add(a, x, label="f")
    g.set_output(f)
    return g


def test_forgot_to_add_at_a_node_used_twice():
    g = used_twice()
    assert diagnose(g, grad("x"), -3.0) == M.SUM       # only the multiply's −3
    assert diagnose(g, grad("x"), 1.0) == M.SUM        # only the add's 1
    assert diagnose(g, grad("x"), 5.0) != M.SUM
    assert diagnose(g, grad("y"), 1.0) != M.SUM        # y is used once


def sigmoid_chain():
    """f = σ(w·x), w = 2, x = −1: σ(−2) = 0.1192, ∂f/∂z = 0.105."""
    g = Graph()
    w, x = g.parameter("w", 2.0), g.input("x", -1.0)
    z = g.multiply(w, x, label="z")
    f = g.sigmoid(z, label="f")
    g.set_output(f)
    return g


def test_sigmoid_used_instead_of_its_derivative():
    g = sigmoid_chain()
    s = 1 / (1 + np.exp(2.0))
    assert diagnose(g, grad("z"), s) == M.SIGMOID
    local = Field("local", source="z", target="f", port="z")
    assert diagnose(g, local, s) == M.SIGMOID
    assert diagnose(g, grad("z"), 1 - s) != M.SIGMOID
    # further down, the same mistake is named at the gate where it was made
    carried = diagnose(g, grad("w"), s * -1.0)
    assert carried.startswith("it follows from a mistake at f") and M.SIGMOID in carried


def max_gate(a=3.0, b=1.0):
    g = Graph()
    x, y = g.input("a", a), g.input("b", b)
    f = g.max(x, y, label="f")
    g.set_output(f)
    return g


def test_max_gate_sends_only_to_the_larger():
    g = max_gate()
    assert diagnose(g, grad("b"), 1.0) == M.MAX_BOTH       # the smaller input got it too
    assert diagnose(g, grad("a"), 0.0) == M.MAX_SMALLER    # the larger was left out
    assert diagnose(g, grad("b"), 2.0) not in (M.MAX_BOTH, M.MAX_SMALLER)
    assert diagnose(g, grad("a"), 2.0) not in (M.MAX_BOTH, M.MAX_SMALLER)


def product(a=3.0, b=-4.0):
    g = Graph()
    x, y = g.input("a", a), g.input("b", b)
    f = g.multiply(x, y, label="f")
    g.set_output(f)
    return g


def test_multiply_gate_not_swapped():
    assert diagnose(product(), grad("a"), 3.0) == M.NO_SWAP
    assert diagnose(product(), grad("b"), -4.0) == M.NO_SWAP
    assert diagnose(product(), grad("a"), 5.0) != M.NO_SWAP


@pytest.mark.parametrize("op, b_grad, sign_wrong", [("subtract", -1.0, 1.0),
                                                    ("divide", -2.0 / 16.0, 2.0 / 16.0)])
def test_sign_error_at_subtract_and_divide(op, b_grad, sign_wrong):
    g = Graph()
    a, b = g.input("a", 2.0), g.input("b", 4.0)
    g.set_output(g.apply(op, a, b, label="f"))
    assert run(g).grads["b"] == pytest.approx(b_grad)
    assert "sign error" in diagnose(g, grad("b"), sign_wrong)
    assert "sign error" not in diagnose(g, grad("b"), 3.0)
    assert "sign error" not in diagnose(g, grad("a"), -run(g).grads["a"])   # a has no minus


def batch_mse(rows):
    g = Graph()
    yhat = g.input("yhat", [[1.0], [3.0]][:rows])
    y = g.input("y", [[0.0], [1.0]][:rows])
    g.set_output(g.mse(yhat, y, label="L"))
    return g


def test_forgot_one_over_e_of_a_batch_loss():
    g = batch_mse(2)
    np.testing.assert_allclose(run(g).grads["yhat"], [[0.5], [1.0]])
    assert M.BATCH.format(e=2) == diagnose(g, grad("yhat"), [[1.0], [2.0]])
    assert diagnose(g, grad("yhat"), [[3.0], [3.0]]) != M.BATCH.format(e=2)
    # one example: 1/E is 1, so forgetting it is not a mistake to name
    one = batch_mse(1)
    assert "1/E" not in diagnose(one, grad("yhat"), [[5.0]])


def test_forgot_to_sum_over_a_broadcast_axis():
    g = Graph()
    x = g.input("X", [[1.0, 2.0], [3.0, 4.0]])
    b = g.input("b", [0.5, -0.5])
    g.set_output(g.sum(g.add(x, b, label="s"), label="L"))
    np.testing.assert_allclose(run(g).grads["b"], [2.0, 2.0])
    assert diagnose(g, grad("b"), [[1.0, 1.0], [1.0, 1.0]]) == M.BROADCAST
    assert diagnose(g, grad("b"), [[2.0, 2.0], [2.0, 2.0]]) != M.BROADCAST
    assert diagnose(g, grad("X"), [[2.0, 2.0], [2.0, 2.0]]) != M.BROADCAST   # X is not broadcast


def test_w_where_w_transposed_belongs():
    g = Graph()
    a = g.input("a", [[1.0, 1.0]])
    m = g.input("B", [[1.0, 2.0], [3.0, 4.0]])
    g.set_output(g.sum(g.matmul(a, m, label="p"), label="L"))
    np.testing.assert_allclose(run(g).grads["a"], [[3.0, 7.0]])        # ones·Bᵀ
    assert diagnose(g, grad("a"), [[4.0, 6.0]]) == M.TRANSPOSE.format(w="b")
    assert diagnose(g, grad("a"), [[3.0, 6.0]]) != M.TRANSPOSE.format(w="b")
    d = Graph()
    x = d.input("x", [[1.0, 1.0]])
    d.set_output(d.sum(d.dense(x, 2, 2, label="h", W=[[1.0, 2.0], [3.0, 4.0]], b=[0.0, 0.0]),
                       label="L"))
    assert diagnose(d, grad("x"), [[4.0, 6.0]]) == M.TRANSPOSE.format(w="W")
    assert diagnose(d, grad("x"), [[3.0, 7.0]]) is not None
    assert diagnose(d, grad("x"), [[1.0, 6.0]]) != M.TRANSPOSE.format(w="W")


def cs231n():
    """f = (x + y)·z, x = −2, y = 5, z = −4."""
    g = Graph()
    x, y, z = g.input("x", -2.0), g.input("y", 5.0), g.input("z", -4.0)
    q = g.add(x, y, label="q")
    g.set_output(g.multiply(q, z, label="f"))
    return g


def test_add_gate_multiplied_by_the_input():
    g = cs231n()
    assert diagnose(g, grad("x"), 8.0) == M.ADD_INPUT      # −4 · x instead of −4 · 1
    assert diagnose(g, grad("y"), -20.0) == M.ADD_INPUT
    assert diagnose(g, grad("x"), 4.0) != M.ADD_INPUT
    # the multiply mistake one gate up reaches x too, and is named where it was made
    assert diagnose(g, grad("x"), 3.0) == f"it follows from a mistake at f: {M.NO_SWAP}"


def test_otherwise_it_names_the_upstream_value_to_recheck():
    g = cs231n()
    assert "re-check the upstream value ∂f/∂q" in diagnose(g, grad("x"), 11.0)
    assert "re-check the upstream value ∂f/∂q first" in diagnose(g, grad("x"), 11.0,
                                                                {grad("q"): 2.0})
    assert diagnose(g, grad("x"), 11.0, {grad("q"): -4.0}) == \
        "your upstream ∂f/∂q is right: re-check the local gradient it is multiplied by"
    assert "shape" in diagnose(g, grad("x"), [1.0, 2.0])


@pytest.mark.parametrize("make", [used_twice, sigmoid_chain, max_gate, product, cs231n,
                                  lambda: batch_mse(2)])
def test_replay_without_a_mistake_is_the_engines_backward_pass(make):
    g = make()
    result = run(g, trace=True)
    replay = backward(g, result)
    for node, value in result.grads.items():
        if value is not None:
            np.testing.assert_allclose(replay.grads[node], value)
    for step in result.trace:
        if step.kind == "edge":
            up, local, down = replay.edges[(step.source, step.node, step.port)]
            np.testing.assert_allclose(down, step.downstream)
            np.testing.assert_allclose(local, step.local)
