"""Engine speed, each figure beside its floor or baseline and as wall and CPU time (CPU time is
the steadier figure on a shared machine).

Scalar: forward+backward per node on a random 10,000-node scalar graph, for
- the floor: the same forward and backward written as one straight-line Python function with
  every op inlined (no calls, no checks, no trace): what any Python engine needs at least;
- the plan's generated code with the trace off, and with the trace recorded (raw tuples);
- engine.run(): the plan plus its finite checks and the Result dicts, trace off and on (the
  Trace builds a Step only when one is read), and on with every Step built (what reading the
  whole trace costs, as the CLI's table or the animation's step list do).
Dense: a training step against the same step written directly in numpy.

Run: python bench/bench_engine.py   (prints figures; not part of the test run)
Targets (issue 2): scalar ≤ 1.0 µs/node with the trace off, ≤ 2 µs/node with it on; a dense step
≤ 1.15× numpy-by-hand for 2-16-16-1 and ≤ 1.05× for 784-128-64-10 (batch 64, float64).
"""

from __future__ import annotations

import math
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


def best_time(fn, repeat: int, number: int) -> tuple[float, float]:
    """(wall, CPU) seconds per call: the best of ``repeat`` rounds of ``number`` calls each."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(number):
            fn()
        wall = min(wall, (time.perf_counter() - start) / number)
        cpu = min(cpu, (time.process_time() - start_cpu) / number)
    return wall, cpu


FORWARD = {"add": "{a} + {b}", "subtract": "{a} - {b}", "multiply": "{a} * {b}",
           "max": "{a} if {a} >= {b} else {b}", "relu": "{z} if {z} > 0.0 else 0.0",
           "tanh": "tanh({z})",
           "sigmoid": "1.0 / (1.0 + exp(-{z})) if {z} >= 0.0 else 1.0 - 1.0 / (1.0 + exp({z}))"}
LOCAL_TIMES_G = {"add": {"a": "{g}", "b": "{g}"}, "subtract": {"a": "{g}", "b": "-{g}"},
                 "multiply": {"a": "{g} * {b}", "b": "{g} * {a}"},
                 "max": {"a": "{g} if {a} >= {b} else 0.0", "b": "0.0 if {a} >= {b} else {g}"},
                 "relu": {"z": "{g} if {z} > 0.0 else 0.0"},
                 "tanh": {"z": "{g} * (1.0 - {out} * {out})"},
                 "sigmoid": {"z": "{g} * {out} * (1.0 - {out})"}}


def straight_line_floor(plan: Plan):
    """The plan's graph as one hand-inlined Python function: values, then gradients, each line
    a float expression (``g3 = g7 * v5`` for a first contribution, ``g3 += …`` after it)."""
    nodes = plan.graph_nodes
    by_slot = sorted((slot, i.index) for i in nodes if not i.inputs for slot in i.slots.values())
    assert [slot for slot, _ in by_slot] == list(range(len(plan.slots)))   # P: the plan's slots
    lines = ["def floor(P):", "    " + ", ".join(f"v{i}" for _, i in by_slot) + ", = P"]
    for info in nodes:
        if info.inputs:
            names = {p: f"v{s}" for p, s in zip(info.op.ports, info.inputs)}
            lines.append(f"    v{info.index} = " + FORWARD[info.op.name].format(**names))
    out = plan.output
    lines.append(f"    g{out} = 1.0")
    seen = {out}
    for info in reversed(nodes[: out + 1]):
        names = {p: f"v{s}" for p, s in zip(info.op.ports, info.inputs)}
        names.update(out=f"v{info.index}", g=f"g{info.index}")
        for port, src in zip(info.op.ports, info.inputs):
            expr = LOCAL_TIMES_G[info.op.name][port].format(**names)
            lines.append(f"    g{src} {'+=' if src in seen else '='} {expr}")
            seen.add(src)
    lines.append("    return [" + ", ".join(f"v{i.index}" for i in nodes) + "], ["
                 + ", ".join(f"g{i.index}" for i in nodes) + "]")
    namespace = {"exp": math.exp, "tanh": math.tanh}
    exec(compile("\n".join(lines), "<straight-line floor>", "exec"), namespace)
    return namespace["floor"]


def bench_scalar(n: int = 10_000) -> None:
    g = random_scalar_graph(n)
    t0 = time.perf_counter()
    plan = Plan.build(g)
    build = time.perf_counter() - t0
    leaves = plan.leaf_values(g)
    t0 = time.perf_counter()
    plan.function("full"), plan.function("traced")
    codegen = time.perf_counter() - t0
    floor = straight_line_floor(plan)
    floor_leaves = [float(v) for v in leaves]
    values, grads, _ = plan.call("full", leaves)
    floor_values, floor_grads = floor(floor_leaves)    # the floor does the same sums
    np.testing.assert_allclose(floor_values, np.array(values, dtype=float), rtol=1e-12)
    np.testing.assert_allclose(floor_grads, np.array(grads, dtype=float), rtol=1e-9, atol=1e-12)
    with np.errstate(all="ignore"):
        rows = [
            ("straight-line floor (same work, all inlined)", best_time(
                lambda: floor(floor_leaves), 7, 5), ""),
            ("plan, trace off", best_time(lambda: plan.call("full", leaves), 7, 5),
             "target ≤ 1.0"),
            ("plan, trace recorded (raw tuples)", best_time(
                lambda: plan.call("traced", leaves, []), 7, 5), "target ≤ 2.0"),
            ("engine.run(), trace off (Result dicts)", best_time(
                lambda: run(g, trace=False, plan=plan), 5, 2), ""),
            ("engine.run(), trace on (Steps built when read)", best_time(
                lambda: run(g, trace=True, plan=plan), 5, 2), ""),
            ("engine.run(), trace on, every Step built", best_time(
                lambda: list(run(g, trace=True, plan=plan).trace), 3, 1), ""),
        ]
    us = 1e6 / len(g)
    floor_cpu = rows[0][1][1]
    print(f"scalar graph: {len(g)} nodes, {len(g.edges())} edges, {len(run(g).trace)} trace "
          f"steps (plan build {build * 1e3:.0f} ms, code generation {codegen * 1e3:.0f} ms, "
          f"once per edit)")
    for name, (wall, cpu), target in rows:
        print(f"  {name:<48} wall {wall * us:6.3f} µs/node  CPU {cpu * us:6.3f} µs/node  "
              f"{cpu / floor_cpu:5.2f}× floor  {target}")


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
    engine_t = hand_t = engine_c = hand_c = float("inf")
    for _ in range(7):                          # interleave so drift hits both alike
        wall, cpu = best_time(lambda: trainer.run(number), 1, 1)
        engine_t, engine_c = min(engine_t, wall / number), min(engine_c, cpu / number)
        wall, cpu = best_time(by_hand, 1, number)
        hand_t, hand_c = min(hand_t, wall), min(hand_c, cpu)
    name = "-".join(map(str, sizes))
    print(f"dense {name}, batch {batch}: engine {engine_t * 1e6:.1f} µs/step (CPU "
          f"{engine_c * 1e6:.1f}), numpy by hand {hand_t * 1e6:.1f} µs/step (CPU "
          f"{hand_c * 1e6:.1f}), ratio {engine_t / hand_t:.3f}× wall, {engine_c / hand_c:.3f}× "
          f"CPU (target ≤ {target}; CPU counts every BLAS thread)")


if __name__ == "__main__":
    bench_scalar()
    bench_dense([2, 16, 16, 1], target=1.15)
    bench_dense([784, 128, 64, 10], target=1.05)
