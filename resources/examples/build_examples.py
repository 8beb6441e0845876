"""Rebuild the example graphs in this folder with the builder API: `python resources/examples/build_examples.py`.

Each example is a figure from the seeds or CS231n, with readable labels, laid out by the engine's
layered layout (inputs left, output right; a long chain wraps) so that it reads whole, with its
edge labels, in a 1280×800 window.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from backprop_studio.engine.api import Graph  # noqa: E402
from backprop_studio.engine.layout import glue_folded  # noqa: E402


def place(g: Graph, positions: dict) -> None:
    """Hand-placed nodes; leaves that fold go to their rows in their consumer."""
    for node, (x, y) in positions.items():
        g.set_position(node, (x, y))
    glue_folded(g)

def cs231n_add_multiply() -> Graph:
    """f = (x + y)·z with x = −2, y = 5, z = −4 (CS231n, Backpropagation intuitions)."""
    g = Graph()
    x, y, z = g.input("x", -2.0), g.input("y", 5.0), g.input("z", -4.0)
    q = g.add(x, y, label="q")
    f = g.multiply(q, z, label="f")
    g.set_output(f)
    g.layout()
    return g


def sigmoid_neuron() -> Graph:
    """f(w, x) = σ(w0·x0 + w1·x1 + w2), w = (2, −3, −3), x = (−1, −2) (CS231n)."""
    g = Graph()
    w0, x0 = g.parameter("w0", 2.0), g.input("x0", -1.0)
    w1, x1 = g.parameter("w1", -3.0), g.input("x1", -2.0)
    w2 = g.parameter("w2", -3.0)
    p0 = g.multiply(w0, x0, label="w0·x0")
    p1 = g.multiply(w1, x1, label="w1·x1")
    s = g.add(p0, p1, label="w0x0+w1x1")
    z = g.add(s, w2, label="z")
    f = g.sigmoid(z, label="σ")
    g.set_output(f)
    g.layout()
    return g


def max_gate() -> Graph:
    """f = max(x, y)·w with x = 0, y = 4, w = 2: the max gate routes the gradient to y only."""
    g = Graph()
    x, y, w = g.input("x", 0.0), g.input("y", 4.0), g.parameter("w", 2.0)
    m = g.max(x, y, label="max(x, y)")
    f = g.multiply(m, w, label="f")
    g.set_output(f)
    g.layout()
    return g


def two_layer_sigmoid() -> Graph:
    """The seeds' 2-2-2 network: z = Wᵀx + b (here x·W + b, the same W), sigmoid, squared
    error ½‖ŷ − y‖², with the numbers of the classic step-by-step example."""
    g = Graph()
    x = g.input("x", [[0.05, 0.10]], feed="features")
    y = g.input("y", [[0.01, 0.99]], feed="targets")
    # W[n, m] is w_nm, the weight from neuron n of the layer below to neuron m of this layer.
    z1 = g.dense(x, 2, 2, label="z¹ = W¹ᵀx⁰ + b¹", W=[[0.15, 0.25], [0.20, 0.30]], b=[0.35, 0.35])
    x1 = g.sigmoid(z1, label="x¹ = σ(z¹)")
    z2 = g.dense(x1, 2, 2, label="z² = W²ᵀx¹ + b²", W=[[0.40, 0.50], [0.45, 0.55]], b=[0.60, 0.60])
    x2 = g.sigmoid(z2, label="x² = σ(z²)")
    loss = g.mse(x2, y, label="L = ½‖x² − y‖²")
    g.set_output(loss)
    g.training(dataset="seeds", optimizer="sgd", lr=0.5, batch_size=1, steps=1000, seed=0)
    # drawn as the seeds' figure: neurons and one weight per edge, in two rows between the
    # inputs and σ on the left and y, the loss and σ on the right (the layers are 408 × 187,
    # ports at mid-height 106; the gap between the rows holds the edge labels), so that every
    # term of both layers is in view at 11 px in a 1280 × 800 window
    for layer in (z1, z2):
        g.set_config(layer, "neurons", True)
    place(g, {x: (0, 71), z1: (203, 0), loss: (662, 60),
              x1: (0, 308), z2: (203, 237), x2: (662, 308)})
    return g


def seed_matrix_form() -> Graph:
    """Seed 001's bias-free 3-layer sigmoid net in its own notation: x₁ = f₁(W₁x₀),
    x₂ = f₂(W₂x₁), x₃ = f₃(W₃x₂), E = ½‖x₃ − t‖², so ∂E/∂W₃ = δ₃x₂ᵀ with
    δ₃ = (x₃ − t) ∘ f₃′(W₃x₂) and δᵢ = Wᵢ₊₁ᵀδᵢ₊₁ ∘ fᵢ′(Wᵢxᵢ₋₁).

    The seed writes W x with W (out × in), W₂ 3 × 5 and W₃ 2 × 3; x₀ has 4 features here
    (the text leaves its size to a figure). Matmul nodes of trainable W parameters and column
    vectors keep those matrices exactly as the seed writes them, with no bias and no transpose;
    the gradient on each W is δxᵀ and the gradient at each W·x node is δ."""
    g = Graph()
    x0 = g.input("x₀", [0.5, -0.2, 0.1, 0.8])
    t = g.input("t", [1.0, 0.0])
    W1 = g.parameter("W₁", [[0.1, -0.2, 0.3, 0.4], [-0.3, 0.2, 0.1, -0.1],
                            [0.2, 0.4, -0.2, 0.3], [0.1, 0.1, 0.5, -0.4],
                            [-0.2, 0.3, 0.2, 0.1]])
    W2 = g.parameter("W₂", [[0.2, -0.1, 0.4, 0.1, -0.3], [-0.2, 0.3, 0.1, 0.2, 0.4],
                            [0.3, 0.2, -0.4, 0.1, 0.2]])
    W3 = g.parameter("W₃", [[0.5, -0.3, 0.2], [-0.4, 0.6, 0.1]])
    z1 = g.matmul(W1, x0, label="W₁x₀")
    x1 = g.sigmoid(z1, label="x₁ = f₁(W₁x₀)")
    z2 = g.matmul(W2, x1, label="W₂x₁")
    x2 = g.sigmoid(z2, label="x₂ = f₂(W₂x₁)")
    z3 = g.matmul(W3, x2, label="W₃x₂")
    x3 = g.sigmoid(z3, label="x₃ = f₃(W₃x₂)")
    E = g.mse(x3, t, label="E = ½‖x₃ − t‖²")
    g.set_output(E)
    g.layout()
    return g


def seed_batch_cross_entropy() -> Graph:
    """Seed 004's network over a batch of E = 2 examples, K = 4 classes: Z₁ = X·W₁ + b₁,
    A₁ = σ(Z₁), Z₂ = A₁·W₂ + b₂, A₂ = σ(Z₂), Z₃ = A₂·W₃ + b₃, A₃ = σ(Z₃), and the
    cross-entropy L = (1/E) Σₑ Σₖ −yₖ log a₃ₖ − (1 − yₖ) log(1 − a₃ₖ), so that
    ∂L/∂Z₃ = (1/E)(A₃ − Y), ∂L/∂Z_l = ∂L/∂Z_{l+1}·W_{l+1}ᵀ ∘ A_l ∘ (1 − A_l) and
    ∂L/∂W_{l+1} = A_lᵀ·∂L/∂Z_{l+1}: the seed's convention is ours (rows are examples)."""
    g = Graph()
    X = g.input("X", [[0.2, 0.7, -0.4], [0.9, -0.3, 0.5]], feed="features")
    Y = g.input("Y", [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]], feed="targets")
    Z1 = g.dense(X, 3, 3, label="Z₁ = X·W₁ + b₁",
                 W=[[0.3, -0.2, 0.4], [0.1, 0.5, -0.3], [-0.4, 0.2, 0.2]], b=[0.1, 0.0, -0.1])
    A1 = g.sigmoid(Z1, label="A₁ = σ(Z₁)")
    Z2 = g.dense(A1, 3, 2, label="Z₂ = A₁·W₂ + b₂",
                 W=[[0.6, -0.4], [-0.2, 0.3], [0.5, 0.1]], b=[0.05, -0.05])
    A2 = g.sigmoid(Z2, label="A₂ = σ(Z₂)")
    Z3 = g.dense(A2, 2, 4, label="Z₃ = A₂·W₃ + b₃",
                 W=[[0.4, -0.3, 0.2, -0.1], [-0.5, 0.6, 0.3, 0.1]], b=[0.0, 0.1, -0.1, 0.0])
    A3 = g.sigmoid(Z3, label="A₃ = σ(Z₃)")
    L = g.bce(A3, Y, label="L = (1/E) Σ CE(A₃, Y)")
    g.set_output(L)
    g.layout()
    return g


def xor_mlp() -> Graph:
    """A 2-4-1 MLP with sigmoid activations and binary cross-entropy on XOR."""
    g = Graph()
    x = g.input("x", [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], feed="features")
    y = g.input("y", [[0.0], [1.0], [1.0], [0.0]], feed="targets")
    z1 = g.dense(x, 2, 4, label="hidden z¹", seed=1)
    a1 = g.sigmoid(z1, label="hidden σ")
    z2 = g.dense(a1, 4, 1, label="output z²", seed=2)
    p = g.sigmoid(z2, label="p = σ(z²)")
    loss = g.bce(p, y, label="BCE loss")
    g.set_output(loss)
    g.training(dataset="xor", optimizer="adam", lr=0.1, batch_size=4, steps=1000, seed=0)
    g.layout()
    return g


def spirals_mlp() -> Graph:
    """A 2-16-16-1 tanh MLP with a sigmoid output and binary cross-entropy, for the two spirals
    (TensorFlow Playground's hardest dataset); Adam reaches a loss near 0.01 in 3000 steps."""
    g = Graph()
    x = g.input("x", [[0.0, 0.0]], feed="features")
    y = g.input("y", [[0.0]], feed="targets")
    h1 = g.tanh(g.dense(x, 2, 16, label="layer 1", seed=1), label="tanh 1")
    h2 = g.tanh(g.dense(h1, 16, 16, label="layer 2", seed=2), label="tanh 2")
    z = g.dense(h2, 16, 1, label="output z", seed=3)
    p = g.sigmoid(z, label="p = σ(z)")
    loss = g.bce(p, y, label="BCE loss")
    g.set_output(loss)
    g.training(dataset="spirals", optimizer="adam", lr=0.03, batch_size=64, steps=3000, seed=0)
    g.layout()
    return g


EXAMPLES = {"cs231n_add_multiply": cs231n_add_multiply, "sigmoid_neuron": sigmoid_neuron,
            "max_gate": max_gate, "two_layer_sigmoid": two_layer_sigmoid, "xor_mlp": xor_mlp,
            "spirals_mlp": spirals_mlp, "seed_matrix_form": seed_matrix_form,
            "seed_batch_cross_entropy": seed_batch_cross_entropy}


if __name__ == "__main__":
    for name, build in EXAMPLES.items():
        build().save(HERE / f"{name}.json")
        print(f"wrote {name}.json")
