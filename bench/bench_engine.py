"""Engine speed: forward+backward per node on a random 10,000-node scalar graph (trace off and
on), and a dense training step against the same step written directly in numpy.

Run: python bench/bench_engine.py   (prints figures; not part of the test run)
Targets (issue 2): scalar ≤ 1.0 µs/node with the trace off, ≤ 2 µs/node with it on; a dense step
≤ 1.15× numpy-by-hand for 2-16-16-1 and ≤ 1.05× for 784-128-64-10 (batch 64, float64).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backprop_studio.engine import Plan, run  # noqa: E402
from backprop_studio.engine.api import Graph  # noqa: E402
from backprop_studio.engine.datasets import Dataset  # noqa: E402
from backprop_studio.engine.train import Trainer  # noqa: E402

UNARY = ("sigmoid", "tanh", "relu")
BINARY = ("add", "subtract", "multiply", "max")


def random_scalar_graph(n: int, seed: int = 0) -> Graph:
    """n nodes: 64 leaves, random unary/binary ops reading recent nodes, and a tree of adds
    that sums every unused node into one output, so every node is on the backward pass."""
    rng = np.random.default_rng(seed)
    g = Graph()
    ids = [g.parameter(f"p{i}", float(rng.uniform(-1, 1))) for i in range(64)]
    bounded = list(ids)            # |value| ≤ 1: leaves and sigmoid/tanh outputs
    used = set()
    body = n - 64
    while len(ids) < 64 + body * 2 // 3:
        if rng.random() < 0.4:
            window = ids[-200:]
            src = window[rng.integers(len(window))]
            op = UNARY[rng.integers(len(UNARY))]
            node = g.apply(op, src)
            used.add(src)
            if op != "relu":
                bounded.append(node)
        else:                      # binary ops read bounded nodes, so nothing overflows
            window = bounded[-200:]
            a, b = (window[i] for i in rng.integers(len(window), size=2))
            node = g.apply(BINARY[rng.integers(len(BINARY))], a, b)
            used.update((a, b))
        ids.append(node)
    pending = [i for i in ids if i not in used]
    while len(pending) > 1:
        a, b = pending.pop(0), pending.pop(0)
        pending.append(g.add(a, b))
    while len(g) < n:                      # pad the chain at the output to exactly n nodes
        pending = [g.tanh(pending[0])]
    g.set_output(pending[0])
    return g


def best_time(fn, repeat: int, number: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def bench_scalar(n: int = 10_000) -> None:
    g = random_scalar_graph(n)
    t0 = time.perf_counter()
    plan = Plan.build(g)
    build = time.perf_counter() - t0
    leaves = plan.leaf_values(g)
    t0 = time.perf_counter()
    plan.function("full"), plan.function("traced")
    codegen = time.perf_counter() - t0
    with np.errstate(all="ignore"):
        off = best_time(lambda: plan.call("full", leaves), 5, 5)
        on = best_time(lambda: plan.call("traced", leaves, []), 5, 5)
        on_steps = best_time(lambda: run(g, trace=True, plan=plan), 3, 2)
        off_result = best_time(lambda: run(g, trace=False, plan=plan), 3, 2)
    us = 1e6 / len(g)
    print(f"scalar graph: {len(g)} nodes, {len(g.edges())} edges "
          f"(plan build {build * 1e3:.0f} ms, code generation {codegen * 1e3:.0f} ms, once per edit)")
    print(f"  forward+backward, trace off: {off * us:.3f} µs/node   (target ≤ 1.0)")
    print(f"  forward+backward, trace on:  {on * us:.3f} µs/node   (target ≤ 2.0)")
    print(f"  engine.run() with Result dicts: trace off {off_result * us:.3f} µs/node, "
          f"trace on with Step objects {on_steps * us:.3f} µs/node")


def mlp(sizes: list[int], batch: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    g = Graph.mlp(sizes, batch, "relu", "softmax_ce" if sizes[-1] > 1 else "mse", seed)
    X = rng.normal(size=(batch, sizes[0]))
    if sizes[-1] > 1:
        Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=batch)]
    else:
        Y = rng.normal(size=(batch, 1))
    return g, Dataset("synthetic", X, Y, (), (), "regression")


def numpy_step(params, X, Y, lr, classify):
    """The same SGD step by hand: dense layers with relu, then softmax CE or ½‖·‖² / E."""
    acts, zs = [X], []
    h = X
    n = len(params) // 2
    for i in range(n):
        W, b = params[2 * i], params[2 * i + 1]
        z = h @ W + b
        zs.append(z)
        h = np.maximum(z, 0.0) if i < n - 1 else z
        acts.append(h)
    E = X.shape[0]
    if classify:
        s = z - z.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        loss = -np.sum(Y * logp) / E
        delta = (np.exp(logp) - Y) / E
    else:
        d = z - Y
        loss = 0.5 * np.sum(d * d) / E
        delta = d / E
    grads = [None] * len(params)
    for i in reversed(range(n)):
        grads[2 * i] = acts[i].T @ delta
        grads[2 * i + 1] = delta.sum(axis=0)
        if i:
            delta = (delta @ params[2 * i].T) * (zs[i - 1] > 0)
    return loss, [p - lr * g for p, g in zip(params, grads)]


def bench_dense(sizes: list[int], batch: int = 64, target: float = 1.15) -> None:
    g, ds = mlp(sizes, batch)
    trainer = Trainer(g, ds, "sgd", lr=0.01, batch_size=batch)
    classify = sizes[-1] > 1
    params = [np.array(p) for p in trainer.params]
    state = {"p": params}

    def by_hand():
        loss, state["p"] = numpy_step(state["p"], ds.X, ds.Y, 0.01, classify)

    # same numbers first: the engine's step is the by-hand step
    first_engine = trainer.step()
    first_hand, _ = numpy_step(params, ds.X, ds.Y, 0.01, classify)
    assert abs(first_engine - first_hand) < 1e-9 * max(1.0, abs(first_hand)), \
        (first_engine, first_hand)
    number = 200 if sizes[0] < 100 else 20
    engine_t = hand_t = float("inf")
    for _ in range(7):                          # interleave so drift hits both alike
        engine_t = min(engine_t, best_time(lambda: trainer.run(number), 1, 1) / number)
        hand_t = min(hand_t, best_time(by_hand, 1, number))
    ratio = engine_t / hand_t
    name = "-".join(map(str, sizes))
    print(f"dense {name}, batch {batch}: engine {engine_t * 1e6:.1f} µs/step, numpy by hand "
          f"{hand_t * 1e6:.1f} µs/step, ratio {ratio:.3f}× (target ≤ {target})")


if __name__ == "__main__":
    bench_scalar()
    bench_dense([2, 16, 16, 1], target=1.15)
    bench_dense([784, 128, 64, 10], target=1.05)
