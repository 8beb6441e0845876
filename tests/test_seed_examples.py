"""The seeds' other systems as examples: every number recomputed here from the seed's own
formulas in numpy (not from the engine), and compared with what the engine records.

Seed 001 (matrix form, no bias): xᵢ = fᵢ(Wᵢxᵢ₋₁) with W (out × in), E = ½‖x₃ − t‖²,
δ₃ = (x₃ − t) ∘ f₃′(W₃x₂), δᵢ = Wᵢ₊₁ᵀδᵢ₊₁ ∘ fᵢ′(Wᵢxᵢ₋₁), ∂E/∂Wᵢ = δᵢxᵢ₋₁ᵀ. The example
keeps the seed's W and column vectors (matmul W·x), so δᵢ is the gradient at the node Wᵢxᵢ₋₁.

Seed 004 (batch of E examples, rows): Z_l = A_{l−1}·W_l + b_l, A_l = σ(Z_l),
L = (1/E) Σ −Y ∘ log A₃ − (1 − Y) ∘ log(1 − A₃), ∂L/∂Z₃ = (1/E)(A₃ − Y),
∂L/∂Z_l = ∂L/∂Z_{l+1}·W_{l+1}ᵀ ∘ A_l ∘ (1 − A_l), ∂L/∂W_l = A_{l−1}ᵀ·∂L/∂Z_l,
∂L/∂b_l = 1ᵀ·∂L/∂Z_l. Its convention is ours: the same W.
"""

import numpy as np
import pytest

from backprop_studio.engine import fileformat, run


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def load(name):
    g = fileformat.load(fileformat.EXAMPLES / f"{name}.json")
    return g, {g.label(n): n for n in g.nodes}


def tensor(g, node, name="value"):
    return np.asarray(g.node(node)["tensors"][name], dtype=float)


def test_seed_001_matrix_form_follows_the_delta_recursion():
    g, ids = load("seed_matrix_form")
    assert {"x₀", "t", "W₁", "W₂", "W₃", "W₁x₀", "W₃x₂", "x₃ = f₃(W₃x₂)",
            "E = ½‖x₃ − t‖²"} <= set(ids)
    W1, W2, W3 = (tensor(g, ids[k]) for k in ("W₁", "W₂", "W₃"))
    assert W2.shape == (3, 5) and W3.shape == (2, 3)        # as the seed gives them
    x0, t = tensor(g, ids["x₀"]), tensor(g, ids["t"])
    # forward: xᵢ = fᵢ(Wᵢxᵢ₋₁)
    x1 = sigma(W1 @ x0)
    x2 = sigma(W2 @ x1)
    x3 = sigma(W3 @ x2)
    E = 0.5 * np.sum((x3 - t) ** 2)
    # backward, the seed's recursion; f′ = f(1 − f) for the sigmoid
    d3 = (x3 - t) * x3 * (1 - x3)
    d2 = (W3.T @ d3) * x2 * (1 - x2)
    d1 = (W2.T @ d2) * x1 * (1 - x1)
    r = run(g)
    assert r.loss == pytest.approx(E, rel=1e-12)
    assert r.values[ids["x₃ = f₃(W₃x₂)"]] == pytest.approx(x3, rel=1e-12)
    for label, delta in (("W₃x₂", d3), ("W₂x₁", d2), ("W₁x₀", d1)):
        assert r.grads[ids[label]] == pytest.approx(delta, rel=1e-10, abs=1e-15)
    for label, grad in (("W₃", np.outer(d3, x2)), ("W₂", np.outer(d2, x1)),
                        ("W₁", np.outer(d1, x0))):
        assert r.grads[ids[label]].shape == grad.shape
        assert r.grads[ids[label]] == pytest.approx(grad, rel=1e-10, abs=1e-15)
    # and no bias anywhere: the only trainable tensors are the three W
    assert sorted(g.label(n) for n, _ in g.trainable()) == ["W₁", "W₂", "W₃"]


def test_seed_004_batch_cross_entropy_has_the_one_over_E_factor():
    g, ids = load("seed_batch_cross_entropy")
    X, Y = tensor(g, ids["X"]), tensor(g, ids["Y"])
    E = X.shape[0]
    assert E == 2 and Y.shape == (2, 4)
    dense = [ids[k] for k in ("Z₁ = X·W₁ + b₁", "Z₂ = A₁·W₂ + b₂", "Z₃ = A₂·W₃ + b₃")]
    W = [tensor(g, n, "W") for n in dense]
    b = [tensor(g, n, "b") for n in dense]
    A0 = X
    A1 = sigma(A0 @ W[0] + b[0])
    A2 = sigma(A1 @ W[1] + b[1])
    A3 = sigma(A2 @ W[2] + b[2])
    L = np.sum(-Y * np.log(A3) - (1 - Y) * np.log(1 - A3)) / E
    dZ3 = (A3 - Y) / E
    dZ2 = (dZ3 @ W[2].T) * A2 * (1 - A2)
    dZ1 = (dZ2 @ W[1].T) * A1 * (1 - A1)
    r = run(g)
    assert r.loss == pytest.approx(L, rel=1e-12)
    for node, dZ, A in zip(dense, (dZ1, dZ2, dZ3), (A0, A1, A2)):
        assert r.grads[node] == pytest.approx(dZ, rel=1e-9, abs=1e-15)
        assert r.tensor_grads[(node, "W")] == pytest.approx(A.T @ dZ, rel=1e-9, abs=1e-15)
        assert r.tensor_grads[(node, "b")] == pytest.approx(np.ones(E) @ dZ, rel=1e-9,
                                                            abs=1e-15)
    # the 1/E: the same two examples one at a time give the mean of their gradients
    halves = []
    for e in range(E):
        r1 = run(g, feeds={ids["X"]: X[e:e + 1], ids["Y"]: Y[e:e + 1]})
        halves.append(r1.tensor_grads[(dense[2], "W")])
    assert r.tensor_grads[(dense[2], "W")] == pytest.approx(sum(halves) / E, rel=1e-9)
