"""Every engine error is a GraphError that names the node (label and id) and, where it has one,
the port; never a bare numpy or networkx exception."""

import numpy as np
import pytest

from backprop_studio.engine import GraphError, Plan, run
from backprop_studio.engine.api import Graph
from backprop_studio.engine.gradcheck import gradient_check


def test_an_unconnected_input_port_is_named():
    g = Graph()
    x = g.input("x", 1.0)
    m = g.add_node("multiply", "product")
    g.connect(x, m, "a")
    with pytest.raises(GraphError) as err:
        run(g)
    assert (err.value.node, err.value.port) == ("product", "b")
    assert str(err.value) == "node product, port b: input port is not connected"


def test_a_shape_mismatch_names_the_node():
    g = Graph()
    a, b = g.parameter("a", [1.0, 2.0]), g.parameter("b", [1.0, 2.0, 3.0])
    g.add(a, b, label="a+b")
    with pytest.raises(GraphError) as err:
        run(g)
    assert str(err.value) == ("node a+b (add): a is a vector of 2, b is a vector of 3: add needs "
                              "equal shapes or one a scalar")


def test_matmul_and_dense_mismatches_say_which_sizes_disagree():
    g = Graph()
    a, b = g.parameter("A", np.ones((2, 3))), g.parameter("B", np.ones((2, 2)))
    g.matmul(a, b, label="AB")
    with pytest.raises(GraphError, match=r"cannot multiply shapes \(2, 3\) · \(2, 2\): 3 ≠ 2"):
        run(g)
    h = Graph()
    x = h.input("x", [[1.0, 2.0, 3.0]])
    h.dense(x, 2, 4, label="layer")
    with pytest.raises(GraphError, match="node layer: x has 3 features but W has 2 rows"):
        run(h)


def test_a_loss_with_mismatched_target_shape_is_refused_not_broadcast():
    g = Graph()
    p, y = g.parameter("p", np.zeros((4, 1))), g.input("y", np.zeros(4))
    g.mse(p, y, label="L")
    with pytest.raises(GraphError, match=r"node L: mse: prediction has shape \(4, 1\) "
                                         r"but the target has shape \(4,\)"):
        run(g)


@pytest.mark.parametrize("value", [-1.0, np.array([1.0, -1.0])], ids=["scalar", "array"])
def test_nan_in_the_forward_pass_names_the_node_that_made_it(value):
    g = Graph()
    x = g.input("x", value)
    lg = g.log(x, label="ln x")
    g.exp(lg, label="after")
    with pytest.raises(GraphError) as err:
        run(g)
    assert err.value.node == "log" and err.value.label == "ln x"
    assert "log needs x > 0" in str(err.value) and "is −1" in str(err.value)


def test_division_by_zero_in_the_scalar_path_names_the_node():
    g = Graph()
    a, b = g.input("a", 1.0), g.input("b", 0.0)
    g.divide(a, b, label="a/b")
    with pytest.raises(GraphError, match=r"node a/b \(divide\): divide needs b ≠ 0; its input b "
                                         r"is 0"):
        run(g)


def test_a_cycle_slipped_into_networkx_is_still_refused_by_the_plan():
    g = Graph()
    x = g.input("x", 1.0)
    s = g.sigmoid(x)
    t = g.tanh(s)
    g.nx.add_edge(t, s, key="z", port="z")   # bypasses connect()'s own check on purpose
    with pytest.raises(GraphError, match="cycle"):
        Plan.build(g)


def test_no_output_means_forward_only_and_a_check_says_so():
    g = Graph()
    x = g.input("x", 2.0)
    g.sigmoid(x)
    g.tanh(x)
    result = run(g)
    assert result.output is None and result.trace == []
    assert result.values["x"] == 2.0 and result.grads["x"] is None
    with pytest.raises(GraphError, match="choose the graph's output"):
        gradient_check(g)


def test_an_infinite_gradient_names_the_edge_that_made_it():
    """√x at x = 0 is finite, its slope 1/(2√x) is not: the error is on the power node's port x,
    not on x, where the infinity merely arrives."""
    g = Graph()
    x = g.input("x", 0.0)
    root = g.power(x, p=0.5, label="√x")
    g.multiply(root, g.constant(3.0), label="f")
    with pytest.raises(GraphError) as err:
        run(g)
    assert (err.value.node, err.value.port) == (root, "x")
    assert "hands back is NaN or infinite" in str(err.value)
