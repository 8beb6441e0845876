"""Gradient-descent optimizers over a list of tensors (Python floats or numpy arrays).

Each update returns new tensors rather than changing them in place, so a trainer can keep the
previous list as "the last good parameters" for free.
"""

from __future__ import annotations


class SGD:
    """θ ← θ − η·∂L/∂θ (the seeds' weight update)."""

    def __init__(self, lr: float):
        self.lr = lr

    def update(self, params: list, grads: list) -> list:
        lr = self.lr
        return [p - lr * g for p, g in zip(params, grads)]


class Momentum:
    """v ← β·v + ∂L/∂θ; θ ← θ − η·v (heavy-ball momentum)."""

    def __init__(self, lr: float, beta: float = 0.9):
        self.lr, self.beta = lr, beta
        self.velocity: list | None = None

    def update(self, params: list, grads: list) -> list:
        if self.velocity is None:
            self.velocity = [0.0 * g for g in grads]
        self.velocity = [self.beta * v + g for v, g in zip(self.velocity, grads)]
        return [p - self.lr * v for p, v in zip(params, self.velocity)]


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction."""

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m: list | None = None
        self.v: list | None = None
        self.t = 0

    def update(self, params: list, grads: list) -> list:
        b1, b2 = self.beta1, self.beta2
        if self.m is None:
            self.m = [0.0 * g for g in grads]
            self.v = [0.0 * g for g in grads]
        self.t += 1
        self.m = [b1 * m + (1 - b1) * g for m, g in zip(self.m, grads)]
        self.v = [b2 * v + (1 - b2) * (g * g) for v, g in zip(self.v, grads)]
        step = self.lr * (1 - b2 ** self.t) ** 0.5 / (1 - b1 ** self.t)
        return [p - step * m / (v ** 0.5 + self.eps) for p, m, v in zip(params, self.m, self.v)]


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
