"""A dense layer expanded into neurons and weights: the seeds' per-weight terms a, ∂C/∂z and
∂C/∂w = a·∂C/∂z, against the classic 2-2-2 example's hand-computed numbers and the engine's dW."""

import json

import numpy as np
import pytest

from backprop_studio.engine import fileformat, run
from backprop_studio.engine.api import Graph
from backprop_studio.engine.neurons import expand_dense, fits, sigmoid_after


def two_layer():
    g = fileformat.load(fileformat.EXAMPLES / "two_layer_sigmoid.json")
    dense = [n for n in g.nodes if g.op(n).name == "dense"]
    first = next(n for n in dense if g.op(g.source_of(n, "x")).name == "input")
    second = next(n for n in dense if n != first)
    return g, run(g), first, second


def test_the_output_layer_of_the_2_2_2_net_has_the_hand_computed_terms():
    g, r, _, z2 = two_layer()
    layer = expand_dense(g, r, z2)
    assert layer.examples == 1 and layer.activation == sigmoid_after(g, z2)
    # the step-by-step example: out_h1 = 0.593269992, out_h2 = 0.596884378,
    # δ_o1 = ∂E/∂net_o1 = 0.138498562, δ_o2 = −0.038098236
    w5 = layer.weight(0, 0)
    assert w5.w == 0.40
    assert w5.a == pytest.approx((0.593269992,), abs=1e-9)
    assert w5.dz == pytest.approx((0.138498562,), abs=1e-9)
    assert w5.dw == pytest.approx(0.082167041, abs=1e-9)
    expected = {(1, 0): 0.082667628, (0, 1): -0.022602540, (1, 1): -0.022740242}
    for (n, m), dw in expected.items():
        assert layer.weight(n, m).dw == pytest.approx(dw, abs=1e-9)
    o1 = layer.neurons[0]
    assert o1.out == pytest.approx((0.75136507,), abs=1e-8)
    assert o1.slope == pytest.approx((0.75136507 * (1 - 0.75136507),), abs=1e-8)
    assert o1.dout == pytest.approx((0.75136507 - 0.01,), abs=1e-8)   # ∂E/∂out_o1
    assert o1.dz[0] == pytest.approx(o1.dout[0] * o1.slope[0], rel=1e-12)
    assert o1.dbias == pytest.approx(0.138498562, abs=1e-9)
    assert layer.inputs[0].a == pytest.approx((0.593269992,), abs=1e-9)


def test_the_hidden_layer_gives_the_hand_computed_weight_gradients():
    g, r, z1, _ = two_layer()
    layer = expand_dense(g, r, z1)
    expected = {(0, 0): 0.000438568, (1, 0): 0.000877135, (0, 1): 0.000497713,
                (1, 1): 0.000995425}
    for (n, m), dw in expected.items():
        assert layer.weight(n, m).dw == pytest.approx(dw, abs=1e-9)
    assert [u.a for u in layer.inputs] == [(0.05,), (0.10,)]
    assert layer.neurons[0].z == pytest.approx((0.3775,), abs=1e-12)


@pytest.mark.parametrize("layer_index", [0, 1])
def test_every_weight_term_is_the_engines_dW_entry(layer_index):
    g, r, *dense = two_layer()
    node = dense[layer_index]
    layer = expand_dense(g, r, node)
    dW = r.tensor_grads[(node, "W")]
    assert len(layer.weights) == dW.size
    for wt in layer.weights:
        assert wt.dw == pytest.approx(dW[wt.n, wt.m], rel=1e-12)
        assert wt.dw == pytest.approx(wt.a[0] * wt.dz[0], rel=1e-12)
    assert [nu.dbias for nu in layer.neurons] == pytest.approx(
        list(r.tensor_grads[(node, "b")]), rel=1e-12)


def test_a_batch_sums_the_products_over_its_examples():
    g = Graph()
    x = g.input("x", [[1.0, 2.0, -1.0], [0.5, -0.5, 2.0]])
    y = g.input("y", [[0.0, 1.0], [1.0, 0.0]])
    z = g.dense(x, 3, 2, W=[[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], b=[0.1, -0.1])
    p = g.sigmoid(z)
    g.set_output(g.bce(p, y))
    r = g.run()
    layer = expand_dense(g, r, z)
    assert layer.examples == 2 and len(layer.weights) == 6
    dW = r.tensor_grads[(z, "W")]
    for wt in layer.weights:
        assert len(wt.a) == len(wt.dz) == 2
        assert wt.dw == pytest.approx(sum(a * d for a, d in zip(wt.a, wt.dz)), rel=1e-12)
        assert wt.dw == pytest.approx(dW[wt.n, wt.m], rel=1e-12)
    # the fused σ → bce hands z exactly (σ(z) − y)/E; the neuron shows σ'(z) all the same
    sig = 1 / (1 + np.exp(-(np.array(r.values[x]) @ np.array(g.node(z)["tensors"]["W"])
                            + [0.1, -0.1])))
    assert layer.neurons[1].dz == pytest.approx(tuple((sig[:, 1] - [1.0, 0.0]) / 2), rel=1e-9)
    assert layer.neurons[1].slope == pytest.approx(tuple(sig[:, 1] * (1 - sig[:, 1])),
                                                   rel=1e-9)


def test_a_layer_without_a_sigmoid_has_no_activation_terms_and_big_layers_do_not_fit():
    g = Graph()
    x = g.input("x", [1.0, 2.0])
    z = g.dense(x, 2, 3)
    g.set_output(g.sum(g.tanh(z)))
    layer = expand_dense(g, g.run(), z)
    assert layer.activation is None and layer.neurons[0].slope is None
    assert fits(g, z)
    big = g.dense(x, 2, 9)
    assert not fits(g, big)
    with pytest.raises(ValueError, match="not a dense layer"):
        expand_dense(g, g.run(), x)


def test_the_reverse_network_terms_add_up_to_the_inputs_gradient():
    g, r, z1, z2 = two_layer()
    for node in (z1, z2):
        layer = expand_dense(g, r, node)
        dx = np.atleast_2d(r.grads[g.source_of(node, "x")])
        for unit in layer.inputs:
            terms = [layer.weight(unit.index, m).back[0] for m in range(len(layer.neurons))]
            assert sum(terms) == pytest.approx(dx[0, unit.index], rel=1e-12)
            assert unit.grad == pytest.approx((dx[0, unit.index],), rel=1e-12)
    # ∂E/∂out_h1 = w5·δ_o1 + w7·δ_o2 = 0.40·0.138498562 + 0.50·(−0.038098236) = 0.036350306
    assert expand_dense(g, r, z2).inputs[0].grad[0] == pytest.approx(0.036350306, abs=1e-9)


def test_the_neurons_setting_is_a_display_setting_saved_in_the_file(tmp_path):
    from backprop_studio.engine import get_op
    assert get_op("dense").display == ("neurons",)
    assert get_op("dense").config["neurons"] is False
    g = Graph()
    z = g.dense(g.input("x", [1.0, 2.0]), 2, 2)
    events = []
    g.subscribe(lambda event, data: events.append((event, data.get("what"))))
    g.set_config(z, "neurons", True)
    g.set_config(z, "units", 3)
    assert events == [("node_changed", "view"), ("node_changed", "config")]
    path = tmp_path / "g.json"
    fileformat.save(g, path)
    assert fileformat.load(path).node(z)["config"]["neurons"] is True
    # a file from before the setting existed opens with the matrix form
    doc = json.loads(path.read_text())
    for node in doc["graph"]["nodes"]:
        node["config"].pop("neurons", None)
    fileformat.validate(doc)
    assert fileformat.from_document(doc).node(z)["config"]["neurons"] is False
