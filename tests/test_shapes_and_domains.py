"""Errors a student understands: shapes inferred without running (engine/shapes.py), an edge
refused with both shapes in words, and domain errors that say why (engine/domains.py)."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_studio.engine import GraphError, run
from backprop_studio.engine.graph import ComputationGraph
from backprop_studio.engine.shapes import check_edge, describe, infer


def inputs(g, **values):
    return {name: g.add_node("input", name, tensors={"value": v}) for name, v in values.items()}


def test_shapes_in_words():
    assert describe(()) == "a scalar"
    assert describe((3,)) == "a vector of 3"
    assert describe((2, 3)) == "a 2×3 matrix"
    assert describe((2, 3, 4)) == "a 2×3×4 array"


def test_infer_follows_the_ops_and_leaves_open_ports_unknown():
    g = ComputationGraph()
    n = inputs(g, x=[[1.0, 2.0, 3.0]], W=np.ones((3, 4)), c=2.0)
    m = g.add_node("matmul", "m")
    g.connect(n["x"], m, "a")
    assert infer(g)[m] is None                       # port b still open
    g.connect(n["W"], m, "b")
    s = g.add_node("multiply", "s")
    g.connect(m, s, "a")
    g.connect(n["c"], s, "b")
    total = g.add_node("sum", "t")
    g.connect(s, total, "x")
    shapes = infer(g)
    assert (shapes[m], shapes[s], shapes[total]) == ((1, 4), (1, 4), ())
    assert infer(g, extra=None)[n["c"]] == ()


def test_an_add_of_a_3_vector_and_a_2_vector_is_refused_in_words():
    g = ComputationGraph()
    n = inputs(g, a=[1.0, 2.0, 3.0], b=[1.0, 2.0])
    add = g.add_node("add", "sum of both")
    g.connect(n["a"], add, "a")
    with pytest.raises(GraphError) as err:
        check_edge(g, n["b"], add, "b")
    assert err.value.reason == ("a is a vector of 3, b is a vector of 2: add needs equal "
                                "shapes or one a scalar")
    assert (err.value.node, err.value.port) == (add, "b")
    c = g.add_node("input", "c", tensors={"value": 5.0})
    check_edge(g, c, add, "b")                       # a scalar broadcasts: fine
    check_edge(g, n["a"], add, "b")                  # equal shapes: fine


def test_matmul_and_dense_refusals_name_the_sizes():
    g = ComputationGraph()
    n = inputs(g, a=[1.0, 2.0, 3.0], M=np.ones((2, 2)))
    m = g.add_node("matmul", "m")
    g.connect(n["a"], m, "a")
    with pytest.raises(GraphError, match="a is a vector of 3, b is a 2×2 matrix: matmul needs "
                                         "a's last size to equal b's first"):
        check_edge(g, n["M"], m, "b")
    d = g.add_node("dense", "layer", config={"in_features": 2, "units": 4})
    with pytest.raises(GraphError, match="x is a vector of 3, in_features is 2: dense needs"):
        check_edge(g, n["a"], d, "x")


def test_an_unknown_shape_is_never_refused():
    g = ComputationGraph()
    n = inputs(g, a=[1.0, 2.0, 3.0])
    add, mul = g.add_node("add", "s"), g.add_node("multiply", "p")
    g.connect(n["a"], add, "a")                      # add.b open: add's shape unknown
    check_edge(g, add, mul, "a")
    check_edge(g, n["a"], add, "a")                  # port taken, refused elsewhere: silent


def test_log_of_minus_two_says_why():
    g = ComputationGraph()
    n = inputs(g, x=-2.0)
    log = g.add_node("log", "ln x")
    g.connect(n["x"], log, "x")
    with pytest.raises(GraphError) as err:
        run(g)
    assert err.value.reason == "log needs x > 0; its input is −2"
    assert err.value.node == log
    g.set_tensor(n["x"], "value", [1.0, 0.0, 3.0])
    with pytest.raises(GraphError) as err:
        run(g)
    assert err.value.reason == "log needs x > 0; its input x[1] is 0"


def test_division_by_zero_says_which_input():
    g = ComputationGraph()
    n = inputs(g, a=1.0, b=0.0)
    q = g.add_node("divide", "q")
    g.connect(n["a"], q, "a")
    g.connect(n["b"], q, "b")
    with pytest.raises(GraphError) as err:
        run(g)
    assert err.value.reason == "divide needs b ≠ 0; its input b is 0"
    g.set_tensor(n["b"], "value", [[2.0, 0.0]])
    g.set_tensor(n["a"], "value", [[2.0, 1.0]])
    with pytest.raises(GraphError) as err:
        run(g)
    assert err.value.reason == "divide needs b ≠ 0; its input b[0, 1] is 0"


def test_power_of_a_negative_number_to_a_half():
    g = ComputationGraph()
    n = inputs(g, x=-4.0)
    p = g.add_node("power", "root", config={"p": 0.5})
    g.connect(n["x"], p, "x")
    with pytest.raises(GraphError) as err:
        run(g)
    assert err.value.reason == ("power needs x ≥ 0 when p = 0.50 is not a whole number; its "
                                "input is −4")
