"""The editable graph: port-keyed edges, refused connections, events."""

import pytest

from backprop_studio.engine import ComputationGraph, GraphError, run
from backprop_studio.engine.api import Graph


def small():
    g = ComputationGraph()
    a = g.add_node("input", "a", tensors={"value": 2.0})
    b = g.add_node("input", "b", tensors={"value": 3.0})
    m = g.add_node("multiply", "m")
    return g, a, b, m


def test_one_node_may_feed_the_same_node_twice():
    g = Graph()
    x = g.input("x", 3.0)
    sq = g.multiply(x, x, label="x·x")
    r = run(g)
    assert r.values[sq] == 9.0
    assert r.grads[x] == 6.0                    # both ports' contributions collected
    kinds = [s.kind for s in r.trace]
    assert kinds == ["seed", "edge", "edge", "sum"]
    total = r.trace[-1]
    assert total.node == x and total.downstream == 6.0
    assert [p[2] for p in total.parts] == [3.0, 3.0]


def test_connect_refuses_a_cycle_a_self_loop_an_occupied_and_a_missing_port():
    g, a, b, m = small()
    g.connect(a, m, "a")
    n = g.add_node("sigmoid", "s")
    g.connect(m, n, "z")
    with pytest.raises(GraphError, match="cycle"):
        g.connect(n, m, "b")
    with pytest.raises(GraphError, match="cannot feed itself"):
        g.connect(m, m, "b")
    with pytest.raises(GraphError, match="already connected") as err:
        g.connect(b, m, "a")
    assert err.value.node == m and err.value.port == "a"
    with pytest.raises(GraphError, match="no input port 'c'"):
        g.connect(b, m, "c")
    with pytest.raises(GraphError, match="no node 'ghost'"):
        g.connect("ghost", m, "b")
    assert g.edges() == [(a, m, "a"), (m, n, "z")]


def test_disconnect_and_remove_node_take_their_edges_and_tell_subscribers():
    g, a, b, m = small()
    events = []
    g.subscribe(lambda event, data: events.append((event, data)))
    g.connect(a, m, "a")
    g.connect(b, m, "b")
    assert g.disconnect(m, "b") == b
    g.remove_node(a)
    assert g.edges() == [] and a not in g
    assert [e for e, _ in events] == ["edge_added", "edge_added", "edge_removed",
                                      "edge_removed", "node_removed"]
    assert events[-1][1] == {"node": a}


def test_output_defaults_to_the_single_end_node_or_the_single_loss():
    g = Graph()
    x = g.input("x", 1.0)
    s = g.sigmoid(x)
    assert g.output == s
    t = g.tanh(x)
    assert g.output is None                     # two plain end nodes: ambiguous
    y = g.input("y", 1.0)
    loss = g.mse(s, y)
    assert g.output == loss                     # the one loss among the end nodes
    g.set_output(t)
    assert g.output == t
    g.remove_node(t)
    assert g.output == loss


def test_ids_are_stable_readable_strings():
    g = Graph()
    x = g.input("x", 1.0)
    assert x == "x"
    assert g.sigmoid(x, label="σ(x)") == "sigmoid"
    assert g.sigmoid(x, label="again") == "again"
    assert g.sigmoid(x) == "sigmoid_1"
    with pytest.raises(GraphError, match="already exists"):
        g.add_node("input", node_id="x")


def test_bad_settings_and_tensors_are_refused_with_the_node_named():
    g = Graph()
    with pytest.raises(GraphError, match="no setting"):
        g.add_node("add", config={"p": 1})
    with pytest.raises(GraphError, match="rectangular"):
        g.add_node("parameter", "w", tensors={"value": [[1, 2], [3]]})
    with pytest.raises(GraphError, match="unknown op 'frobnicate'"):
        g.add_node("frobnicate")
    w = g.parameter("w", 1.0)
    with pytest.raises(GraphError, match="no tensor"):
        g.set_tensor(w, "W", 2.0)


def test_the_mlp_builder_wires_dense_layers_activations_and_the_loss():
    import numpy as np
    g = Graph.mlp([3, 5, 2], batch=4, activation="tanh", loss="bce", seed=7)
    ops = [g.node(n)["op"] for n in g.nodes]
    assert sorted(ops) == sorted(["input", "input", "dense", "tanh", "dense", "sigmoid", "bce"])
    dense = [n for n in g.nodes if g.node(n)["op"] == "dense"]
    assert [g.node(n)["tensors"]["W"].shape for n in dense] == [(3, 5), (5, 2)]
    assert [g.node(n)["config"]["seed"] for n in dense] == [8, 9]
    r = run(g)
    assert r.output == g.output and g.op(g.output).name == "bce"
    # zero inputs and biases: p = σ(0) = ½ for both outputs; summed over k, averaged over E
    assert np.isclose(r.loss, 2 * np.log(2))
    with pytest.raises(GraphError, match="at least two sizes"):
        Graph.mlp([3], loss="mse")
