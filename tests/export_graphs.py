"""Graphs for the code-export checks that reach what the bundled examples and the random DAGs
do not: softmax cross-entropy, a bce whose sigmoid has a second consumer (not fused), matmul of
vectors, mse of scalars, a power of 0, and training on the graph's own values with momentum."""

from __future__ import annotations

import numpy as np

from backprop_studio.engine.api import Graph


def softmax_classifier() -> Graph:
    g = Graph()
    x = g.input("X", np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]))
    y = g.input("Y", np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))
    z = g.dense(x, in_features=2, units=3, seed=3, label="logits z")
    g.set_output(g.softmax_ce(z, y, label="CE"))
    return g


def bce_not_fused() -> Graph:
    g = Graph()
    z = g.parameter("z", np.array([0.3, -1.2, 2.0, 0.1]))
    p = g.sigmoid(z, label="p = σ(z)")
    loss = g.bce(p, g.input("y", np.array([1.0, 0.0, 1.0, 0.0])), label="BCE")
    g.set_output(g.add(loss, g.mean(p, label="p̄"), label="L"))
    return g


def matrix_vector() -> Graph:
    g = Graph()
    w = g.parameter("W", np.array([[0.5, -0.25], [1.0, 0.75], [-1.5, 0.5]]))
    v = g.input("v", np.array([0.8, -0.4]))
    h = g.relu(g.matmul(w, v, label="W·v"), label="h")
    u = g.constant(np.array([0.3, -0.6, 0.9]), label="u")
    dot = g.matmul(h, u, label="h·u")
    g.set_output(g.add(dot, g.power(g.sum(h), p=0.0, label="(Σh)⁰"), label="out"))
    return g


def scalar_regression() -> Graph:
    g = Graph()
    w = g.parameter("w", 0.7)
    x = g.input("x", 1.5)
    ratio = g.divide(x, g.add(w, g.constant(2.0, label="c")), label="x/(w+c)")
    pred = g.add(g.multiply(w, x, label="w·x"), g.log(g.exp(ratio)), label="ŷ")
    g.set_output(g.mse(pred, g.input("t", 2.0), label="L"))
    g.set_graph_attr("training", {"optimizer": "momentum", "lr": 0.05, "steps": 50, "seed": 0})
    return g


def onnx_ops() -> Graph:
    """The ops ONNX import brought: transpose, flatten, leaky_relu, softmax and log_softmax,
    each on the path to the output, so each has a backward line of its own."""
    g = Graph()
    x = g.input("X", np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]))
    w = g.parameter("W", np.array([[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]))
    h = g.leaky_relu(g.matmul(x, w, label="X·W"), alpha=0.2, label="h")
    t = g.transpose(h, label="hᵀ")
    f = g.flatten(t, axis=1, label="flat")
    s = g.softmax(f, label="s")
    ls = g.log_softmax(g.multiply(s, g.constant(3.0, label="k"), label="3s"), label="log s")
    g.set_output(g.sum(g.multiply(ls, g.constant(np.array([[1.0, 0.5], [-0.5, 2.0]]),
                                                  label="c"), label="c·log s"), label="L"))
    return g


def line_fit() -> Graph:
    """A dense layer fitting y from x, the data fed from a dataset (a CSV in the tests)."""
    g = Graph()
    x = g.input("x", np.zeros((1, 1)), feed="features")
    y = g.input("y", np.zeros((1, 1)), feed="targets")
    g.set_output(g.mse(g.dense(x, in_features=1, units=1, seed=2, label="ŷ"), y, label="L"))
    g.set_graph_attr("training", {"optimizer": "sgd", "lr": 0.1, "batch_size": 4, "steps": 30})
    return g


LINE_CSV = "x,noise,y\n-1.0,0.3,-0.9\n-0.5,0.1,0.1\n0.0,-0.2,0.8\n0.25,0.0,1.6\n0.5,0.4,1.9\n" \
    "1.0,0.2,3.2\n\n"

GRAPHS = {f.__name__: f for f in (softmax_classifier, bce_not_fused, matrix_vector,
                                  scalar_regression, onnx_ops)}
